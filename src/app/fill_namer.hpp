#pragma once
// Fills that arrive without a client id (Bitget's spot fill push carries only the order id) wait
// here until their order is named: by the OMS once it learns the venue id (the ack), else by a REST
// lookup of that order id. Only an order the venue says it does not have, or one no lookup could
// name within kGiveUp, is labelled "venue-<id>" and treated as someone else's: a lost ack or a
// restart never turns our own fill into a foreign one. Sans-I/O: the runtime feeds it time, the
// OMS's knowledge and the lookups' answers, and executes the plan.
#include <carry/core/events.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace carry::app {

class FillNamer {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr auto kLookupAfter = std::chrono::seconds(1);  // the ack usually names it first
  static constexpr auto kRetryEvery = std::chrono::seconds(5);   // a lookup that failed
  static constexpr auto kGiveUp = std::chrono::seconds(60);

  struct Lookup {
    std::string symbol;
    MarketType market = MarketType::Spot;
    std::string order_id;
  };
  struct Plan {
    std::vector<Fill> named;      // client id filled in
    std::vector<Fill> foreign;    // "venue-<id>": no order of ours has this id
    std::vector<Lookup> lookups;  // query these order ids now
    bool empty() const noexcept { return named.empty() && foreign.empty() && lookups.empty(); }
  };
  // The client id the OMS knows for a venue order id, if any.
  using Known = std::function<std::optional<std::string>(const std::string& order_id)>;

  void hold(Fill fill, Clock::time_point now);
  Plan step(Clock::time_point now, const Known& known);
  // A lookup's answer: the order's client id, nullopt when the venue has no such order; `failed`
  // when the request itself failed (asked again after kRetryEvery).
  void on_lookup(const std::string& order_id, std::optional<std::string> client_oid, bool failed,
                 Clock::time_point now);
  std::size_t waiting() const noexcept { return fills_.size(); }

 private:
  enum class State : std::uint8_t { Waiting, Asking, Named, NotFound, Failed };
  struct Order {
    State state = State::Waiting;
    Clock::time_point first_seen, last_ask;
    std::string client_oid;
  };
  std::vector<Fill> fills_;
  std::map<std::string, Order, std::less<>> orders_;  // by venue order id
};

}  // namespace carry::app
