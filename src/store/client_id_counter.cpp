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

Result<std::uint64_t> ClientIdCounter::reserve_client_ids(std::uint64_t n) {
  auto previous = repo_->reserve_client_ids(n, key_);
  if (!previous) return previous.error();
  reserved_ = *previous + n;
  return *previous + 1;
}

void ClientIdCounter::persist_counter(std::uint64_t value) {
  if (value <= reserved_) return;  // already covered by a durable block
  const std::uint64_t target = value + block_ - 1;
  // persist_counter never lowers the mark, so another writer having gone further is harmless.
  if (!repo_->persist_counter(target, key_))
    throw std::runtime_error("store: cannot persist client id counter: " + repo_->last_error());
  reserved_ = target;
}

std::function<void(std::uint64_t)> ClientIdCounter::persist_callback() {
  return [this](std::uint64_t value) { persist_counter(value); };
}

}  // namespace carry::store
