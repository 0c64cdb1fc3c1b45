#include <carry/monitor/heartbeat.hpp>

namespace carry::monitor {
namespace {

std::optional<Decimal> mid(const std::optional<Decimal>& bid, const std::optional<Decimal>& ask) {
  if (!bid || !ask) return std::nullopt;
  auto sum = bid->checked_add(*ask);
  if (!sum) return std::nullopt;
  auto m = sum->checked_div("2"_dec);
  return m ? std::optional<Decimal>(*m) : std::nullopt;
}

// Checked products: a heartbeat never throws on absurd inputs; the value is just unknown.
std::optional<Decimal> mul(std::optional<Decimal> a, std::optional<Decimal> b) {
  if (!a || !b) return std::nullopt;
  auto r = a->checked_mul(*b);
  return r ? std::optional<Decimal>(*r) : std::nullopt;
}
std::optional<Decimal> add(std::optional<Decimal> a, std::optional<Decimal> b) {
  if (!a || !b) return std::nullopt;
  auto r = a->checked_add(*b);
  return r ? std::optional<Decimal>(*r) : std::nullopt;
}
std::optional<Decimal> sub(std::optional<Decimal> a, std::optional<Decimal> b) {
  if (!a || !b) return std::nullopt;
  auto r = a->checked_sub(*b);
  return r ? std::optional<Decimal>(*r) : std::nullopt;
}

nlohmann::json js(const std::optional<Decimal>& d) { return d ? nlohmann::json(d->to_string()) : nlohmann::json(); }
nlohmann::json js(const std::optional<double>& d) { return d ? nlohmann::json(*d) : nlohmann::json(); }

nlohmann::json js(const PnlEstimate& p) {
  return {{"funding", p.funding.to_string()}, {"fees", p.fees.to_string()}, {"basis", js(p.basis)}, {"net", js(p.net)}};
}

SymbolHeartbeat build_symbol(const SymbolState& s) {
  SymbolHeartbeat h;
  h.symbol = s.symbol;
  h.spot_position = s.spot_position;
  h.perp_position = s.perp_position;
  h.net_delta = add(s.spot_position, s.perp_position);
  h.spot_mid = mid(s.spot_bid, s.spot_ask);
  h.perp_mid = mid(s.perp_bid, s.perp_ask);
  h.spot_notional = mul(s.spot_position.abs(), h.spot_mid);
  h.perp_notional = mul(s.perp_position.abs(), h.perp_mid);
  if (h.spot_notional && h.perp_notional) h.notional = max(*h.spot_notional, *h.perp_notional);
  if (h.notional) {
    const auto net = add(mul(s.spot_position, h.spot_mid), mul(s.perp_position, h.perp_mid));
    if (net) h.net_delta_bps = h.notional->is_zero() ? 0.0 : net->to_double() / h.notional->to_double() * 1e4;
  }
  if (h.spot_mid && h.perp_mid && h.spot_mid->is_positive())
    h.basis_bps = (h.perp_mid->to_double() - h.spot_mid->to_double()) / h.spot_mid->to_double() * 1e4;
  h.funding_rate = s.funding_rate;
  if (s.funding_rate && s.funding_interval_hours > 0)
    h.funding_apr = s.funding_rate->to_double() * (24.0 * 365.0 / s.funding_interval_hours);
  h.next_funding = s.next_funding;
  h.funding_interval_hours = s.funding_interval_hours;

  h.pnl.funding = s.funding_pnl;
  h.pnl.fees = s.fees_paid;
  // A leg without a position contributes nothing, whether or not its entry price is known.
  const auto leg = [](Decimal pos, std::optional<Decimal> mark,
                      std::optional<Decimal> entry) -> std::optional<Decimal> {
    if (pos.is_zero()) return Decimal{};
    return mul(pos, sub(mark, entry));
  };
  h.pnl.basis =
      add(leg(s.spot_position, h.spot_mid, s.spot_entry_price), leg(s.perp_position, h.perp_mid, s.perp_entry_price));
  h.pnl.net = add(sub(s.funding_pnl, s.fees_paid), h.pnl.basis);
  return h;
}

}  // namespace

Heartbeat build_heartbeat(const HeartbeatInput& input) {
  Heartbeat hb;
  hb.ts = input.now;
  hb.counters = input.counters;
  hb.kill_switch = input.kill_switch;
  std::optional<Decimal> notional = Decimal{};
  std::optional<Decimal> funding = Decimal{}, fees = Decimal{}, basis = Decimal{}, net = Decimal{};
  for (const auto& s : input.symbols) {
    hb.symbols.push_back(build_symbol(s));
    const auto& h = hb.symbols.back();
    notional = add(notional, h.notional);
    funding = add(funding, h.pnl.funding);
    fees = add(fees, h.pnl.fees);
    basis = add(basis, h.pnl.basis);
    net = add(net, h.pnl.net);
  }
  hb.total_notional = notional;
  hb.total_pnl.funding = funding.value_or(Decimal{});
  hb.total_pnl.fees = fees.value_or(Decimal{});
  hb.total_pnl.basis = basis;
  hb.total_pnl.net = net;
  return hb;
}

nlohmann::json to_json(const Heartbeat& hb) {
  nlohmann::json symbols = nlohmann::json::array();
  for (const auto& h : hb.symbols) {
    symbols.push_back(
        {{"symbol", h.symbol},
         {"spot_position", h.spot_position.to_string()},
         {"perp_position", h.perp_position.to_string()},
         {"net_delta", js(h.net_delta)},
         {"net_delta_bps", js(h.net_delta_bps)},
         {"spot_mid", js(h.spot_mid)},
         {"perp_mid", js(h.perp_mid)},
         {"basis_bps", js(h.basis_bps)},
         {"spot_notional", js(h.spot_notional)},
         {"perp_notional", js(h.perp_notional)},
         {"notional", js(h.notional)},
         {"funding_rate", js(h.funding_rate)},
         {"funding_apr", js(h.funding_apr)},
         {"funding_interval_hours",
          h.funding_interval_hours > 0 ? nlohmann::json(h.funding_interval_hours) : nlohmann::json()},
         {"next_funding", h.next_funding ? nlohmann::json(h.next_funding->to_rfc3339_ms()) : nlohmann::json()},
         {"pnl", js(h.pnl)}});
  }
  nlohmann::json counters = nlohmann::json::object();
  for (const auto& c : hb.counters) counters[c.name] = {{"period", c.period}, {"total", c.total}};
  nlohmann::json j{{"ts", hb.ts.to_rfc3339_ms()},
                   {"symbols", std::move(symbols)},
                   {"total_notional", js(hb.total_notional)},
                   {"pnl", js(hb.total_pnl)},
                   {"counters", std::move(counters)}};
  if (!hb.kill_switch.empty()) j["kill_switch"] = hb.kill_switch;
  return j;
}

}  // namespace carry::monitor
