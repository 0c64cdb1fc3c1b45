#include <carry/store/client_id_counter.hpp>

#include <stdexcept>

namespace carry::store {
namespace {

RepoOptions durable(RepoOptions o) {
  o.durable = true;
  return o;
}

}  // namespace

ClientIdCounter::ClientIdCounter(const std::filesystem::path& file, std::uint64_t block, std::string key,
                                 RepoOptions options)
    : repo_(std::make_unique<Repo>(file, durable(options))), key_(std::move(key)), block_(block == 0 ? 1 : block) {
  auto high = repo_->counter(key_);
  if (!high) throw std::runtime_error("store: cannot read counter '" + key_ + "' in " + file.string() + ": " +
                                      repo_->last_error());
  reserved_ = *high;
}

ClientIdCounter::~ClientIdCounter() {
  if (prefetch_.valid()) prefetch_.wait();
}

// Takes the background reservation's result if it is done (or waits for it when `wait`).
void ClientIdCounter::collect_prefetch(bool wait) {
  if (!prefetch_.valid()) return;
  if (!wait && prefetch_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
  const auto previous = prefetch_.get();
  // On failure the synchronous path below retries and reports the error to the caller.
  if (previous) reserved_ = std::max(reserved_, *previous + block_);
}

Result<std::uint64_t> ClientIdCounter::reserve_client_ids(std::uint64_t n) {
  collect_prefetch(true);
  // reserve_client_ids reads the stored mark, which already includes any background block.
  auto previous = repo_->reserve_client_ids(n, key_);
  if (!previous) return previous.error();
  reserved_ = *previous + n;
  return *previous + 1;
}

void ClientIdCounter::persist_counter(std::uint64_t value) {
  collect_prefetch(value > reserved_);
  if (value > reserved_) {
    const std::uint64_t target = value + block_ - 1;
    // persist_counter never lowers the mark, so another writer having gone further is harmless.
    if (!repo_->persist_counter(target, key_))
      throw std::runtime_error("store: cannot persist client id counter: " + repo_->last_error());
    reserved_ = target;
  }
  // Half the block used: reserve the next one off this thread, durable before it is needed.
  if (!prefetch_.valid() && block_ > 1 && reserved_ - value < block_ / 2) {
    prefetch_ = std::async(std::launch::async, [repo = repo_.get(), key = key_, n = block_] {
      return repo->reserve_client_ids(n, key);
    });
  }
}

std::function<void(std::uint64_t)> ClientIdCounter::persist_callback() {
  return [this](std::uint64_t value) { persist_counter(value); };
}

}  // namespace carry::store
