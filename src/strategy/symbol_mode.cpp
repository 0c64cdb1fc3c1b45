#include <carry/strategy/symbol_mode.hpp>

#include <initializer_list>
#include <string>

namespace carry::strategy {
namespace {

using Table = std::array<std::array<bool, kSymbolModeCount>, kSymbolModeCount>;

constexpr std::size_t idx(SymbolMode m) { return static_cast<std::size_t>(m); }

constexpr Table make_table() {
  using M = SymbolMode;
  Table t{};
  auto allow = [&t](M from, std::initializer_list<M> tos) {
    for (M to : tos) t[idx(from)][idx(to)] = true;
  };
  // Late fills after a program ended can leave a position under Flat: it is closed or rebalanced
  // from there. Adopted positions make it Open.
  allow(M::Flat, {M::Opening, M::Open, M::Closing, M::Rebalancing, M::Reducing, M::Flattening});
  // A program ends Open or Flat (an opening that filled nothing, or positions adopted meanwhile).
  allow(M::Opening, {M::Flat, M::Open, M::Reducing, M::Flattening});
  allow(M::Open, {M::Flat, M::Closing, M::Rebalancing, M::Reducing, M::Flattening});
  allow(M::Closing, {M::Flat, M::Open, M::Reducing, M::Flattening});
  allow(M::Rebalancing, {M::Flat, M::Open, M::Reducing, M::Flattening});
  // Sticky: only reset_symbol leaves them, and flatten_all overrides Reducing.
  allow(M::Reducing, {M::Flat, M::Open, M::Flattening});
  allow(M::Flattening, {M::Flat, M::Open});
  return t;
}

constexpr Table kTable = make_table();

}  // namespace

std::string_view to_string(SymbolMode mode) noexcept {
  switch (mode) {
    case SymbolMode::Flat:
      return "Flat";
    case SymbolMode::Opening:
      return "Opening";
    case SymbolMode::Open:
      return "Open";
    case SymbolMode::Closing:
      return "Closing";
    case SymbolMode::Rebalancing:
      return "Rebalancing";
    case SymbolMode::Reducing:
      return "Reducing";
    case SymbolMode::Flattening:
      return "Flattening";
  }
  return "?";
}

bool transition_allowed(SymbolMode from, SymbolMode to) noexcept {
  const auto f = idx(from), t = idx(to);
  return f < kSymbolModeCount && t < kSymbolModeCount && kTable[f][t];
}

const Table& transition_table() noexcept { return kTable; }

void change_mode(SymbolMode& mode, SymbolMode to, std::string_view symbol, std::string_view cause, EventSink& events,
                 std::uint64_t& unexpected) {
  if (mode == to) return;
  if (!transition_allowed(mode, to)) {
    ++unexpected;
    events.warn("strategy.unexpected_mode_change", {{"symbol", std::string(symbol)},
                                                    {"from", to_string(mode)},
                                                    {"to", to_string(to)},
                                                    {"cause", std::string(cause)}});
  }
  mode = to;
}

}  // namespace carry::strategy
