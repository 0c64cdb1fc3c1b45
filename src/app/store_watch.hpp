#pragma once
// What a failing store (disk full, I/O error) does to trading: the first failed write trips the kill
// switch to Reducing, since a daemon that cannot record its orders and fills must not add exposure,
// and the failure is logged at most once per kLogEvery with the count since the last line (each
// failed row is still logged whole by the store: it is the only copy). Sans-I/O: the runtime feeds
// it the store's failure counter and acts on the verdict.
#include <chrono>
#include <cstdint>
#include <optional>

namespace carry::app {

class StoreWatch {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr auto kLogEvery = std::chrono::minutes(1);

  struct Verdict {
    bool trip = false;  // first failure seen: kill switch to Reducing
    bool log = false;   // emit store.failing now
    std::uint64_t since_last_log = 0;
    std::uint64_t total = 0;
  };
  Verdict observe(std::uint64_t write_failed_total, Clock::time_point now);

 private:
  std::uint64_t seen_ = 0;  // failures accounted for
  std::uint64_t unlogged_ = 0;
  bool tripped_ = false;
  std::optional<Clock::time_point> last_log_;
};

}  // namespace carry::app
