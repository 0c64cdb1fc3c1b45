#pragma once
// The pre-trade guards: one pipeline through which every order the OMS sends passes, a new one
// (submit) or the replacement of a resting one (amend). Each guard is a small function that lets
// the order through or refuses it with a named reason; the first refusal wins.
#include <carry/oms/order_manager.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace carry::oms {

enum class GuardScope : std::uint8_t { Submit = 1, Amend = 2, Both = 3 };

// A guard's refusal: the guard, the reason, and extra fields for the block event.
struct Rejection {
  Guard guard = Guard::None;
  std::string reason;
  nlohmann::json extra;
};

// An order about to be sent, as the guards see it.
struct OrderManager::Proposal {
  GuardScope scope = GuardScope::Submit;
  // The order as asked; for an amend, the resting order with the new price and size.
  const SubmitRequest& intent;
  SymbolState& symbol;
  Leg& leg;
  MonoNanos now;
  bool reducing = false;         // only brings the leg closer to flat
  bool adds = true;              // adds size: a new order does, an amend only when it grows the order
  std::optional<Decimal> price;  // the price to send: the post-only guard may move it

  const Instrument* instrument() const noexcept { return leg.instrument ? &*leg.instrument : nullptr; }
  // Adds exposure: then it must not go out on a stale stream, in a cooldown or under the minimum.
  bool opens() const noexcept { return adds && !reducing; }
};

class OrderManager::Guards {
 public:
  // Applies every guard of p.scope in order; nullopt when all let the order through.
  static std::optional<Rejection> run(OrderManager& m, Proposal& p);

 private:
  using Step = std::optional<Rejection> (*)(OrderManager&, Proposal&);
  struct Entry {
    GuardScope scope;
    Step step;
  };
  static const std::array<Entry, 9> kPipeline;

  static std::optional<Rejection> well_formed(OrderManager& m, Proposal& p);
  static std::optional<Rejection> chase_is_post_only(OrderManager& m, Proposal& p);
  static std::optional<Rejection> client_oid_unused(OrderManager& m, Proposal& p);
  static std::optional<Rejection> no_unknown_outcome(OrderManager& m, Proposal& p);
  static std::optional<Rejection> private_stream_fresh(OrderManager& m, Proposal& p);
  static std::optional<Rejection> no_cooldown(OrderManager& m, Proposal& p);
  static std::optional<Rejection> post_only_room(OrderManager& m, Proposal& p);
  static std::optional<Rejection> near_mid(OrderManager& m, Proposal& p);
  static std::optional<Rejection> risk_allows(OrderManager& m, Proposal& p);
};

}  // namespace carry::oms
