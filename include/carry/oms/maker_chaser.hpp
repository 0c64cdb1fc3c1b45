#pragma once
// The maker chaser: keeps a post-only order at the touch while the market moves away from it, at
// most chase_max_amends times, one amend per chase_interval_ms, never further than
// chase_max_distance_bps from the strategy's price. Sans-I/O: on each quote it decides what every
// chased order needs; the order manager, behind ChaseHost, sends the amends.
#include <carry/core/decimal.hpp>
#include <carry/core/time.hpp>
#include <carry/oms/oms_params.hpp>
#include <carry/oms/order.hpp>
#include <carry/oms/top_of_book.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace carry::oms {

struct ChaseState {
  std::string chain;       // the chased amend chain (its first client id)
  Decimal original_price;  // the strategy's price: the distance limit is measured from it
  int amends = 0;
  MonoNanos last;  // the last amend, or the start
};

// What the chaser needs of the order manager.
class ChaseHost {
 public:
  virtual ~ChaseHost() = default;
  // The chain's newest order; null when the chain is gone.
  virtual const Order* chase_head(std::string_view chain) = 0;
  // Replaces `head` at `price` (logged as a chase amend). False when a guard refused it.
  virtual bool chase_amend(const Order& head, Decimal price, const ChaseState& chase) = 0;
  // The chase ended with its order still open: max_amends, max_distance or blocked.
  virtual void chase_done(const Order& head, const ChaseState& chase, std::string_view reason) = 0;
};

// What to do with one chased order on a new quote.
struct ChaseStep {
  enum class Kind : std::uint8_t { Wait, Amend, Stop };
  Kind kind = Kind::Wait;
  Decimal price;            // Amend: the new price
  std::string_view reason;  // Stop: max_amends or max_distance
};

// Pure: the step for `head` (the chain's newest order, open) on quote `top`.
ChaseStep next_chase_step(const ChaseState& chase, const Order& head, const TopOfBook& top, Decimal tick,
                          const OmsParams& params, MonoNanos now);

// The chases on one market, in the order they started.
class MakerChaser {
 public:
  void start(std::string chain, Decimal price, MonoNanos now);
  // Ends a chase without a word (the strategy took the order back). False when it was not chased.
  bool stop(std::string_view chain);
  bool empty() const noexcept { return chases_.empty(); }
  std::size_t size() const noexcept { return chases_.size(); }

  // Moves every chased order that needs it. The host may start or stop chases while it amends.
  void on_quote(const TopOfBook& top, Decimal tick, const OmsParams& params, MonoNanos now, ChaseHost& host);

 private:
  std::size_t index_of(std::string_view chain) const noexcept;
  void finish(std::size_t index, const Order& head, std::string_view reason, ChaseHost& host);

  std::vector<ChaseState> chases_;
};

}  // namespace carry::oms
