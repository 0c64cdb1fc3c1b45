#pragma once
// The durable client-order-id counter behind carry::ClientOidGenerator (ids unique forever).
//
// Why its own connection, written synchronously: the generator's persist callback must not return
// before the value is on disk, so the caller waits for an fsync whichever way it is written.
// Through the writer thread it would also wait behind every row queued before it (a backlog of
// thousands of fills); on its own connection it waits only for the writer's current transaction
// (WAL allows one writer at a time; SQLite's busy handler covers the wait). To keep even that
// rare, ids are reserved in blocks: one durable write per `block` ids, and a crash merely skips
// the unused rest of a block (ids stay unique, not gap-free). And once half a block is used, the
// next block is reserved in the background, so the caller normally never waits for the disk (it
// waits only if it outruns that reservation). The background write runs on one long-lived thread:
// starting a thread per block cost the order that triggered it ~50 us. Measured: ~6 ms per durable write on this
// machine's disk (docs/performance.md), which is why the loop must not pay it per id.
#include <carry/store/repo.hpp>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace carry::store {

class ClientIdCounter {
 public:
  // Opens its own connection (always synchronous=FULL). Throws like Repo on open failure.
  explicit ClientIdCounter(const std::filesystem::path& file, std::uint64_t block = 256,
                           std::string key = std::string(Repo::kClientOidCounterKey), RepoOptions options = {});
  ~ClientIdCounter();  // waits for a background reservation in progress, then stops its thread
  ClientIdCounter(const ClientIdCounter&) = delete;
  ClientIdCounter& operator=(const ClientIdCounter&) = delete;

  // The durable high-water mark: every id up to it may have been handed out before, so a new
  // ClientOidGenerator starts with last_used = last_reserved().
  std::uint64_t last_reserved() const noexcept { return reserved_; }

  // The store's instance id (Repo::instance_id), read or drawn when the counter opens.
  const std::string& instance_id() const noexcept { return instance_id_; }

  // Reserves n fresh ids durably; returns the first (ids first..first+n-1 are the caller's).
  // Ids covered by earlier reservations are not returned again.
  Result<std::uint64_t> reserve_client_ids(std::uint64_t n);

  // ClientOidGenerator's persist callback: returns once `value` is covered by a durable
  // reservation (writing a new block when it is not). Throws std::runtime_error when the counter
  // cannot be persisted: the generator then does not hand the id out.
  void persist_counter(std::uint64_t value);
  std::function<void(std::uint64_t)> persist_callback();

  // Between orders (carryd calls it from its 250 ms timer): once half the current block is used,
  // starts reserving the next one. The order path then finds the block ready and never has to
  // wake the reservation thread itself (a wake costs the order microseconds); persist_counter
  // still starts it, later, if the timer has not.
  void top_up();

 private:
  void collect_prefetch(bool wait);
  void start_prefetch();
  void run_prefetch();

  std::unique_ptr<Repo> repo_;  // used by one thread at a time: the caller, or the prefetch
  std::string key_;
  std::string instance_id_;
  std::uint64_t block_;
  std::uint64_t reserved_ = 0;
  std::uint64_t last_value_ = 0;  // the highest id persist_counter has covered
  bool prefetching_ = false;      // caller side: a reservation was requested and not yet collected

  // Shared with the prefetch thread.
  std::mutex mutex_;
  std::condition_variable cv_;
  bool requested_ = false;
  bool stop_ = false;
  std::optional<Result<std::uint64_t>> result_;
  std::thread thread_;
};

}  // namespace carry::store
