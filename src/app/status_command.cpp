#include <carry/app/status_command.hpp>

#include <carry/core/decimal.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdio>
#include <map>
#include <sstream>

namespace carry::app {
namespace {

using json = nlohmann::json;

bool has_table(SQLite::Database& db, const char* name) {
  SQLite::Statement q(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
  q.bind(1, name);
  return q.executeStep();
}

std::optional<std::string> kv(SQLite::Database& db, const char* key) {
  SQLite::Statement q(db, "SELECT value FROM kv WHERE key = ?1");
  q.bind(1, key);
  if (!q.executeStep()) return std::nullopt;
  return q.getColumn(0).getString();
}

Decimal dec_or_zero(const std::string& text) {
  auto d = Decimal::parse(text);
  return d ? *d : Decimal{};
}

json by_coin(const std::map<std::string, Decimal>& sums) {
  json out = json::object();
  for (const auto& [coin, v] : sums) out[coin] = v.to_string();
  return out;
}

// Funding received per symbol, today (UTC) and in total, from funding_events.
void add_funding(SQLite::Database& db, UnixNanos day_start, json& st) {
  std::map<std::string, std::pair<Decimal, Decimal>> sums;  // symbol -> (today, total)
  SQLite::Statement q(db, "SELECT symbol, ts_ns, amount FROM funding_events");
  while (q.executeStep()) {
    auto& s = sums[q.getColumn(0).getString()];
    const Decimal amount = dec_or_zero(q.getColumn(2).getString());
    s.second += amount;
    if (q.getColumn(1).getInt64() >= day_start.ns) s.first += amount;
  }
  Decimal today, total;
  for (auto& sym : st["symbols"]) {
    const auto it = sums.find(sym.value("symbol", ""));
    const auto v = it == sums.end() ? std::pair<Decimal, Decimal>{} : it->second;
    sym["funding_today"] = v.first.to_string();
    sym["funding_total"] = v.second.to_string();
  }
  for (const auto& [symbol, v] : sums) today += v.first, total += v.second;
  st["funding"] = {{"today", today.to_string()}, {"total", total.to_string()}};
}

// Fees paid, by coin (spot buys pay theirs in the base coin), today and in total, from fills.
void add_fees(SQLite::Database& db, UnixNanos day_start, json& st) {
  std::map<std::string, Decimal> today, total;
  SQLite::Statement q(db, "SELECT fee, fee_coin, ts_event_ns FROM fills");
  while (q.executeStep()) {
    const Decimal fee = dec_or_zero(q.getColumn(0).getString());
    const std::string coin = q.getColumn(1).getString();
    total[coin] += fee;
    if (q.getColumn(2).getInt64() >= day_start.ns) today[coin] += fee;
  }
  st["fees"] = {{"today", by_coin(today)}, {"total", by_coin(total)}};
}

void add_decisions(SQLite::Database& db, json& st) {
  json last = json::array();
  SQLite::Statement q(db,
                      "SELECT symbol, ts_ns, kind, reason FROM decisions WHERE id IN "
                      "(SELECT MAX(id) FROM decisions GROUP BY symbol) ORDER BY symbol");
  while (q.executeStep())
    last.push_back({{"symbol", q.getColumn(0).getString()},
                    {"ts", UnixNanos{q.getColumn(1).getInt64()}.to_rfc3339()},
                    {"kind", q.getColumn(2).getString()},
                    {"reason", q.getColumn(3).getString()}});
  st["last_decisions"] = std::move(last);
}

json parse_row(const std::string& text, const std::filesystem::path& db) {
  auto j = json::parse(text, nullptr, false);
  if (!j.is_object())
    throw StatusError("the status row in " + db.string() + " is not JSON (written by another version?)");
  return j;
}

std::string str(const json& j, const char* key, const std::string& fallback = "-") {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string pad(std::string s, std::size_t width) {
  // Δ and other multi-byte characters are not used in cells; byte width is the column width.
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string coins(const json& by_coin) {
  if (!by_coin.is_object() || by_coin.empty()) return "0";
  std::string out;
  for (const auto& [coin, v] : by_coin.items()) out += (out.empty() ? "" : ", ") + v.get<std::string>() + " " + coin;
  return out;
}

std::string funding_cell(const json& s) {
  const auto it = s.find("funding_rate");
  if (it == s.end() || !it->is_string()) return "-";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%+.4f%%", std::stod(it->get<std::string>()) * 100);
  std::string out = buf;
  if (const auto h = s.find("funding_interval_hours"); h != s.end() && h->is_number()) out += "/" + h->dump() + "h";
  return out;
}

std::string bps_cell(const json& s) {
  const auto it = s.find("net_delta_bps");
  if (it == s.end() || !it->is_number()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", it->get<double>());
  return buf;
}

}  // namespace

json read_status(const std::filesystem::path& path, UnixNanos now) {
  if (!std::filesystem::exists(path))
    throw StatusError("no store at " + path.string() + " (has carryd run with this configuration?)");
  try {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    db.setBusyTimeout(2000);
    if (!has_table(db, "kv")) throw StatusError(path.string() + " is not a Carry store (no kv table)");
    const auto row = kv(db, "status");
    if (!row)
      throw StatusError(path.string() +
                        " holds no status yet (carryd writes it at every heartbeat, monitor.heartbeat_s)");
    json st = parse_row(*row, path);
    st["store"] = path.string();
    if (const auto ts = UnixNanos::parse_rfc3339(st.value("ts", ""))) st["age_s"] = (now.ns - ts->ns) / 1'000'000'000;
    if (const auto ks = kv(db, "kill_switch")) {
      const auto k = json::parse(*ks, nullptr, false);
      if (k.is_object() && k.contains("since_ns"))
        st["kill_switch_since"] = UnixNanos{k["since_ns"].get<std::int64_t>()}.to_rfc3339();
    }
    if (!st.contains("symbols") || !st["symbols"].is_array()) st["symbols"] = json::array();
    constexpr std::int64_t kDay = 86'400'000'000'000LL;
    const UnixNanos day_start{now.ns - now.ns % kDay};  // 00:00 UTC today
    add_funding(db, day_start, st);
    add_fees(db, day_start, st);
    add_decisions(db, st);
    return st;
  } catch (const SQLite::Exception& e) {
    throw StatusError("cannot read " + path.string() + ": " + e.what());
  }
}

std::string format_status(const json& st) {
  std::ostringstream os;
  os << "store        " << str(st, "store") << " (status of " << str(st, "ts");
  if (st.contains("age_s")) os << ", " << st["age_s"].dump() << " s ago";
  const int beat = st.value("heartbeat_s", 30);
  if (st.value("age_s", 0) > 3 * beat) os << ": STALE, carryd is probably not running";
  os << ")\n";
  os << "mode         " << str(st, "mode") << " (" << str(st, "environment") << "), "
     << str(st, "state", st.value("trading", false) ? "trading" : "not trading") << ", pid " << str(st, "pid")
     << ", open orders " << str(st, "open_orders", "0") << "\n";
  os << "kill switch  " << str(st, "kill_switch");
  if (str(st, "kill_reason", "").size() > 0) os << " (" << str(st, "kill_reason") << ")";
  os << "\n\n";
  os << pad("symbol", 10) << pad("spot", 14) << pad("perp", 14) << pad("delta bp", 10) << pad("funding", 16)
     << pad("next settlement", 22) << pad("earned today", 14) << "earned total\n";
  for (const auto& s : st["symbols"]) {
    os << pad(str(s, "symbol"), 10) << pad(str(s, "spot_position"), 14) << pad(str(s, "perp_position"), 14)
       << pad(bps_cell(s), 10) << pad(funding_cell(s), 16) << pad(str(s, "next_funding").substr(0, 19), 22)
       << pad(str(s, "funding_today"), 14) << str(s, "funding_total") << "\n";
  }
  const json funding = st.value("funding", json::object()), fees = st.value("fees", json::object());
  const json pnl = st.value("pnl", json::object());
  os << "\nfunding      today " << str(funding, "today") << ", total " << str(funding, "total") << "\n";
  os << "fees         today " << coins(fees.value("today", json())) << "; total " << coins(fees.value("total", json()))
     << "\n";
  os << "PnL est.     net " << str(pnl, "net") << " = funding " << str(pnl, "funding") << " - fees " << str(pnl, "fees")
     << " + basis " << str(pnl, "basis") << " (since carryd started)\n";
  for (const auto& d : st.value("last_decisions", json::array()))
    os << "decision     " << str(d, "symbol") << " " << str(d, "kind") << " at " << str(d, "ts") << ": "
       << str(d, "reason") << "\n";
  const json err = st.value("last_error", json());
  if (err.is_object())
    os << "last error   " << str(err, "event") << " at " << str(err, "ts") << ": " << str(err, "detail", "") << "\n";
  else
    os << "last error   none since carryd started\n";
  return os.str();
}

int run_status(const std::filesystem::path& db, bool as_json, UnixNanos now, std::ostream& out, std::ostream& err) {
  try {
    const json st = read_status(db, now);
    if (as_json)
      out << st.dump(2) << "\n";
    else
      out << format_status(st);
    return 0;
  } catch (const StatusError& e) {
    err << "carryd status: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    err << "carryd status: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace carry::app
