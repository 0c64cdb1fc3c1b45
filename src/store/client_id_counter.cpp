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
  if (!high)
    throw std::runtime_error("store: cannot read counter '" + key_ + "' in " + file.string() + ": " +
                             repo_->last_error());
  reserved_ = *high;
  auto instance = repo_->instance_id();
  if (!instance)
    throw std::runtime_error("store: cannot read the instance id in " + file.string() + ": " + repo_->last_error());
  instance_id_ = std::move(*instance);
  if (block_ > 1) thread_ = std::thread([this] { run_prefetch(); });
}

ClientIdCounter::~ClientIdCounter() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;  // a reservation already requested still completes first
  }
  cv_.notify_all();
  thread_.join();
}

void ClientIdCounter::run_prefetch() {
  std::unique_lock lock(mutex_);
  for (;;) {
    cv_.wait(lock, [&] { return requested_ || stop_; });
    if (!requested_) return;
    lock.unlock();
    auto previous = repo_->reserve_client_ids(block_, key_);
    lock.lock();
    requested_ = false;
    result_ = std::move(previous);
    cv_.notify_all();
  }
}

void ClientIdCounter::start_prefetch() {
  {
    std::lock_guard lock(mutex_);
    requested_ = true;
  }
  prefetching_ = true;
  cv_.notify_all();
}

// Takes the background reservation's result if it is done (or waits for it when `wait`).
void ClientIdCounter::collect_prefetch(bool wait) {
  if (!prefetching_) return;
  std::optional<Result<std::uint64_t>> previous;
  {
    std::unique_lock lock(mutex_);
    if (wait) cv_.wait(lock, [&] { return result_.has_value(); });
    if (!result_) return;
    previous.swap(result_);
  }
  prefetching_ = false;
  // On failure the synchronous path below retries and reports the error to the caller.
  if (*previous) reserved_ = std::max(reserved_, **previous + block_);
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
  last_value_ = std::max(last_value_, value);
  // Three quarters of the block used and top_up() has not started the next reservation: start
  // it here, off this thread, durable before it is needed.
  if (!prefetching_ && block_ > 1 && reserved_ - value < block_ / 4) start_prefetch();
}

void ClientIdCounter::top_up() {
  collect_prefetch(false);
  if (!prefetching_ && block_ > 1 && last_value_ > 0 && reserved_ - last_value_ < block_ / 2) start_prefetch();
}

std::function<void(std::uint64_t)> ClientIdCounter::persist_callback() {
  return [this](std::uint64_t value) { persist_counter(value); };
}

}  // namespace carry::store
