#include <carry/monitor/prometheus.hpp>

#include <charconv>
#include <cmath>
#include <utility>

namespace carry::monitor {
namespace {

using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// Appends one family at a time; a family is announced (HELP, TYPE) once, before its samples.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  }
  void sample(std::string_view name, Labels labels, double value) { sample(name, labels, Decimal(), &value); }
  // Decimals are written exactly ("0.0003", not "3e-04"): the text format takes any float literal.
  void sample(std::string_view name, Labels labels, const Decimal& value) { sample(name, labels, value, nullptr); }

  void sample(std::string_view name, Labels labels, const Decimal& dec, const double* value) {
    out_.append(name);
    if (labels.size() != 0) {
      out_.push_back('{');
      bool first = true;
      for (const auto& [k, v] : labels) {
        if (!first) out_.push_back(',');
        first = false;
        out_.append(k).append("=\"").append(escape_label_value(v)).push_back('"');
      }
      out_.push_back('}');
    }
    out_.push_back(' ');
    out_.append(value ? format_value(*value) : dec.to_string()).push_back('\n');
  }
  void histogram(std::string_view name, std::string_view label, std::string_view label_value, const HistogramValue& h) {
    const std::string bucket = std::string(name) + "_bucket";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < h.bounds.size(); ++i) {
      cumulative += i < h.counts.size() ? h.counts[i] : 0;
      const std::string le = format_value(h.bounds[i]);
      sample(bucket, {{label, label_value}, {"le", le}}, static_cast<double>(cumulative));
    }
    sample(bucket, {{label, label_value}, {"le", "+Inf"}}, static_cast<double>(h.count));
    sample(std::string(name) + "_sum", {{label, label_value}}, h.sum);
    sample(std::string(name) + "_count", {{label, label_value}}, static_cast<double>(h.count));
  }

 private:
  std::string& out_;
};

// Money and sizes go out as their exact decimal text.
const Decimal& num(const Decimal& d) { return d; }

void symbol_families(Writer& w, const Heartbeat& hb) {
  w.family("carry_position_base", "gauge", "Carry's position per leg in the base coin (negative = short).");
  for (const auto& s : hb.symbols) {
    w.sample("carry_position_base", {{"symbol", s.symbol}, {"market", "spot"}}, num(s.spot_position));
    w.sample("carry_position_base", {{"symbol", s.symbol}, {"market", "perp"}}, num(s.perp_position));
  }
  w.family("carry_net_delta_bps", "gauge", "Net delta of the pair over its notional, in basis points.");
  for (const auto& s : hb.symbols)
    if (s.net_delta_bps) w.sample("carry_net_delta_bps", {{"symbol", s.symbol}}, *s.net_delta_bps);
  w.family("carry_notional_usdt", "gauge", "Hedged notional per symbol (the larger leg at mid), USDT.");
  for (const auto& s : hb.symbols)
    if (s.notional) w.sample("carry_notional_usdt", {{"symbol", s.symbol}}, num(*s.notional));
  w.family("carry_funding_rate", "gauge", "Current funding rate per settlement interval (0.0001 = 0.01 %).");
  for (const auto& s : hb.symbols)
    if (s.funding_rate) w.sample("carry_funding_rate", {{"symbol", s.symbol}}, num(*s.funding_rate));
  w.family("carry_next_funding_seconds", "gauge", "Seconds until the next funding settlement.");
  for (const auto& s : hb.symbols)
    if (s.next_funding)
      w.sample("carry_next_funding_seconds", {{"symbol", s.symbol}},
               static_cast<double>((*s.next_funding - hb.ts).count()) / 1e9);
  // A gauge despite the name the issue gives it: funding paid (negative rates) makes it go down,
  // and a counter that goes down reads as a restart to rate().
  w.family("carry_funding_received_usdt_total", "gauge",
           "Net funding received since start (goes down when funding is paid), USDT.");
  for (const auto& s : hb.symbols)
    w.sample("carry_funding_received_usdt_total", {{"symbol", s.symbol}}, num(s.pnl.funding));
  w.family("carry_fees_paid_usdt_total", "counter", "Trading fees paid since start, USDT.");
  for (const auto& s : hb.symbols) w.sample("carry_fees_paid_usdt_total", {{"symbol", s.symbol}}, num(s.pnl.fees));
  w.family("carry_pnl_usdt", "gauge", "PnL estimate since start by kind (funding, fees, basis, net), USDT.");
  const auto& p = hb.total_pnl;
  w.sample("carry_pnl_usdt", {{"kind", "funding"}}, num(p.funding));
  w.sample("carry_pnl_usdt", {{"kind", "fees"}}, num(p.fees));
  if (p.basis) w.sample("carry_pnl_usdt", {{"kind", "basis"}}, num(*p.basis));
  if (p.net) w.sample("carry_pnl_usdt", {{"kind", "net"}}, num(*p.net));
}

void counter_families(Writer& w, const MetricsSnapshot& s) {
  w.family("carry_orders_total", "counter", "Order events since start (submitted, acked, rejected, ...).");
  for (const auto& [event, n] : s.orders) w.sample("carry_orders_total", {{"event", event}}, static_cast<double>(n));
  w.family("carry_fills_total", "counter", "Fills of Carry's orders since start, per market.");
  for (const auto& [market, n] : s.fills) w.sample("carry_fills_total", {{"market", market}}, static_cast<double>(n));
  w.family("carry_chase_amends_total", "counter", "Maker orders moved to the touch (chase amends).");
  w.sample("carry_chase_amends_total", {}, static_cast<double>(s.chase_amends));
  w.family("carry_cooldowns_total", "counter", "Symbol cooldowns entered after rejection bursts.");
  w.sample("carry_cooldowns_total", {}, static_cast<double>(s.cooldowns));
  w.family("carry_reconcile_drift_total", "counter", "Reconciliation passes that found unexplained positions.");
  w.sample("carry_reconcile_drift_total", {}, static_cast<double>(s.reconcile_drift));
  w.family("carry_store_write_failures_total", "counter", "SQLite rows that could not be written.");
  w.sample("carry_store_write_failures_total", {}, static_cast<double>(s.store_write_failures));
  w.family("carry_http_rejected_total", "counter", "Requests to this endpoint answered with an error status.");
  w.sample("carry_http_rejected_total", {}, static_cast<double>(s.http_rejected));
}

void io_families(Writer& w, const MetricsSnapshot& s) {
  w.family("carry_rest_requests_total", "counter",
           "Bitget REST requests per endpoint and HTTP status (or timeout, neterr, circuit_open, ...).");
  for (const auto& r : s.rest_requests)
    w.sample("carry_rest_requests_total", {{"endpoint", r.endpoint}, {"code", r.code}}, static_cast<double>(r.count));
  w.family("carry_rest_latency_seconds", "histogram", "Bitget REST round trip per endpoint, seconds.");
  for (const auto& r : s.rest_latency) w.histogram("carry_rest_latency_seconds", "endpoint", r.endpoint, r.seconds);
  w.family("carry_ws_reconnects_total", "counter", "WebSocket sessions re-established after a gap.");
  for (const auto& ws : s.ws)
    w.sample("carry_ws_reconnects_total", {{"session", ws.session}}, static_cast<double>(ws.reconnects));
  w.family("carry_ws_last_message_age_seconds", "gauge",
           "Seconds since the session's last message (public: market data; private: any frame).");
  for (const auto& ws : s.ws)
    if (ws.last_message_age_s)
      w.sample("carry_ws_last_message_age_seconds", {{"session", ws.session}}, *ws.last_message_age_s);
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return ec == std::errc{} ? std::string(buf, end) : "NaN";
}

std::string format_metrics(const MetricsSnapshot& s) {
  std::string out;
  out.reserve(4096 + 1024 * s.heartbeat.symbols.size() + 1536 * s.rest_latency.size());
  Writer w(out);
  w.family("carry_up", "gauge", "1 while carryd runs.");
  w.sample("carry_up", {}, 1);
  w.family("carry_build_info", "gauge", "Always 1; the version label names the build.");
  w.sample("carry_build_info", {{"version", s.version}}, 1);
  w.family("carry_kill_switch_state", "gauge", "Kill switch: 0 active, 1 reducing, 2 halted.");
  w.sample("carry_kill_switch_state", {}, s.kill_switch_state);
  symbol_families(w, s.heartbeat);
  counter_families(w, s);
  io_families(w, s);
  return out;
}

}  // namespace carry::monitor
