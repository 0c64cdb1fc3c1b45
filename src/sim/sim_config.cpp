#include "sim_config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

namespace carry::sim {

SimConfig::SimConfig() {
  balances.spot["USDT"] = Decimal::from_units(100000);
  balances.spot["BTC"] = Decimal{};
  balances.spot["ETH"] = Decimal{};
  balances.futures_usdt = Decimal::from_units(100000);
}

namespace {

struct Ctx {
  std::string file;
  std::string err(const std::string& key, const std::string& what) const {
    return "config " + file + ": sim." + key + ": " + what;
  }
};

std::string scalar(const YAML::Node& n, const Ctx& c, const std::string& key) {
  if (!n.IsScalar()) throw ConfigError(c.err(key, "expected a scalar value"));
  return n.Scalar();
}

double to_double(const std::string& s, const std::string& culprit) {
  try {
    std::size_t pos = 0;
    double d = std::stod(s, &pos);
    if (pos == s.size()) return d;
  } catch (...) {}
  throw ConfigError(culprit + ": expected a number, got '" + s + "'");
}

std::int64_t to_int(const std::string& s, const std::string& culprit) {
  try {
    std::size_t pos = 0;
    long long v = std::stoll(s, &pos);
    if (pos == s.size()) return v;
  } catch (...) {}
  throw ConfigError(culprit + ": expected an integer, got '" + s + "'");
}

Decimal to_decimal(const std::string& s, const std::string& culprit) {
  auto d = Decimal::parse(s);
  if (!d) throw ConfigError(culprit + ": expected a decimal, got '" + s + "'");
  return *d;
}

bool to_bool(const std::string& s, const std::string& culprit) {
  if (s == "true") return true;
  if (s == "false") return false;
  throw ConfigError(culprit + ": expected true or false, got '" + s + "'");
}

nlohmann::json yaml_to_json(const YAML::Node& n) {
  if (n.IsMap()) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& kv : n) j[kv.first.Scalar()] = yaml_to_json(kv.second);
    return j;
  }
  if (n.IsSequence()) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& e : n) j.push_back(yaml_to_json(e));
    return j;
  }
  if (n.IsNull()) return nullptr;
  const std::string& s = n.Scalar();
  if (s == "true") return true;
  if (s == "false") return false;
  return s;  // numbers stay strings; the fault parser accepts numeric strings
}

void parse_listen(SimConfig& cfg, const std::string& v, const std::string& culprit) {
  auto colon = v.rfind(':');
  if (colon == std::string::npos || colon == 0) throw ConfigError(culprit + ": expected HOST:PORT, got '" + v + "'");
  cfg.listen_host = v.substr(0, colon);
  auto port = to_int(v.substr(colon + 1), culprit);
  if (port < 0 || port > 65535) throw ConfigError(culprit + ": port out of range in '" + v + "'");
  cfg.listen_port = static_cast<int>(port);
}

void check_rate(const FundingConfig& f, Decimal r, const std::string& culprit) {
  if (r < f.min_rate || r > f.max_rate)
    throw ConfigError(culprit + ": rate " + r.to_string() + " outside [" + f.min_rate.to_string() + ", " +
                      f.max_rate.to_string() + "]");
}

void parse_account_triplet(SimConfig& cfg, const std::string& v, const std::string& culprit) {
  std::vector<std::string> parts;
  std::stringstream ss(v);
  std::string p;
  while (std::getline(ss, p, ',')) parts.push_back(p);
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty() || parts[2].empty())
    throw ConfigError(culprit + ": expected KEY,SECRET,PASSPHRASE (three non-empty fields)");
  cfg.accounts.push_back({parts[0], parts[1], parts[2]});
}

std::string parse_account_mode(const std::string& v, const std::string& culprit) {
  if (v != "classic" && v != "uta") throw ConfigError(culprit + ": expected classic or uta, got '" + v + "'");
  return v;
}

void parse_symbols(SimConfig& cfg, const std::vector<std::string>& symbols, const std::string& culprit) {
  if (symbols.empty()) throw ConfigError(culprit + ": expected at least one symbol");
  std::string bad;
  auto instruments = instruments_for(symbols, &bad);
  if (instruments.empty())
    throw ConfigError(culprit + ": '" + bad + "' is not a distinct <BASE>USDT symbol (BASE: 1-12 of A-Z 0-9)");
  cfg.instruments = std::move(instruments);
}

// ---------------------------------------------------------------- the `sim:` section

// A path from the file, relative to the file's directory unless absolute.
std::string resolve(const std::filesystem::path& dir, const std::string& s) {
  auto p = std::filesystem::path(s);
  return (p.is_relative() ? dir / p : p).lexically_normal().string();
}

// One key of the `sim:` section being read: its value, and what its errors name.
struct Entry {
  SimConfig& cfg;
  const YAML::Node& v;
  const Ctx& c;
  const std::string& key;
  const std::string& culprit;        // "config FILE: sim.KEY"
  const std::filesystem::path& dir;  // the file's directory: relative paths start there

  std::string text() const { return scalar(v, c, key); }
  std::int64_t integer() const { return to_int(text(), culprit); }
  std::string path() const { return resolve(dir, text()); }
};

using KeyHandler = void (*)(const Entry&);

template <int SimConfig::*Field>
void set_int(const Entry& e) {
  e.cfg.*Field = static_cast<int>(e.integer());
}

template <bool SimConfig::*Field>
void set_bool(const Entry& e) {
  e.cfg.*Field = to_bool(e.text(), e.culprit);
}

void load_symbols(const Entry& e) {
  if (!e.v.IsSequence()) throw ConfigError(e.culprit + ": expected a list of symbols");
  std::vector<std::string> symbols;
  for (const auto& s : e.v) symbols.push_back(s.Scalar());
  parse_symbols(e.cfg, symbols, e.culprit);
}

void load_position_mode(const Entry& e) {
  e.cfg.position_mode = e.text();
  if (e.cfg.position_mode != "one_way_mode" && e.cfg.position_mode != "hedge_mode")
    throw ConfigError(e.culprit + ": expected one_way_mode or hedge_mode");
}

void load_margin_mode(const Entry& e) {
  e.cfg.margin_mode = e.text();
  if (e.cfg.margin_mode != "crossed" && e.cfg.margin_mode != "isolated")
    throw ConfigError(e.culprit + ": expected crossed or isolated");
}

// funding.symbols: SYMBOL: rate entries.
void load_symbol_rates(FundingConfig& f, const YAML::Node& v, const Ctx& c, const std::string& culprit) {
  if (!v.IsMap()) throw ConfigError(culprit + ": expected SYMBOL: rate entries");
  for (const auto& s : v)
    f.symbol_rate[s.first.Scalar()] =
        to_decimal(scalar(s.second, c, "funding.symbols"), culprit + "." + s.first.Scalar());
}

// funding.schedule: [offset_s, rate] pairs; replaces any schedule set before.
void load_schedule(FundingConfig& f, const YAML::Node& v, const std::string& culprit) {
  if (!v.IsSequence()) throw ConfigError(culprit + ": expected a list of [offset_s, rate]");
  f.schedule.clear();
  for (const auto& e : v) {
    if (!e.IsSequence() || e.size() != 2) throw ConfigError(culprit + ": each entry must be [offset_s, rate]");
    f.schedule.emplace_back(to_int(e[0].Scalar(), culprit) * 1000, to_decimal(e[1].Scalar(), culprit));
  }
}

void load_funding(const Entry& e) {
  if (!e.v.IsMap()) throw ConfigError(e.culprit + ": expected a mapping");
  FundingConfig& funding = e.cfg.funding;
  for (const auto& f : e.v) {
    const std::string fk = f.first.Scalar();
    const std::string fc = e.culprit + "." + fk;
    const auto text = [&] { return scalar(f.second, e.c, "funding." + fk); };
    if (fk == "interval_s")
      funding.interval_ms = to_int(text(), fc) * 1000;
    else if (fk == "reported_interval_hours")
      funding.reported_interval_hours = static_cast<int>(to_int(text(), fc));
    else if (fk == "rate")
      funding.rate = to_decimal(text(), fc);
    else if (fk == "min_rate")
      funding.min_rate = to_decimal(text(), fc);
    else if (fk == "max_rate")
      funding.max_rate = to_decimal(text(), fc);
    else if (fk == "symbols")
      load_symbol_rates(funding, f.second, e.c, fc);
    else if (fk == "schedule")
      load_schedule(funding, f.second, fc);
    else
      throw ConfigError(fc + ": unknown key");
  }
}

void load_balances(const Entry& e) {
  if (!e.v.IsMap()) throw ConfigError(e.culprit + ": expected a mapping");
  for (const auto& b : e.v) {
    const std::string bk = b.first.Scalar();
    if (bk == "futures_usdt") {
      e.cfg.balances.futures_usdt = to_decimal(scalar(b.second, e.c, "balances." + bk), e.culprit + "." + bk);
    } else if (bk == "spot") {
      if (!b.second.IsMap()) throw ConfigError(e.culprit + ".spot: expected COIN: amount entries");
      e.cfg.balances.spot.clear();
      for (const auto& s : b.second)
        e.cfg.balances.spot[s.first.Scalar()] =
            to_decimal(scalar(s.second, e.c, "balances.spot"), e.culprit + ".spot." + s.first.Scalar());
    } else {
      throw ConfigError(e.culprit + "." + bk + ": unknown key");
    }
  }
}

// One entry of sim.accounts.
AccountConfig read_account(const YAML::Node& a, const std::string& culprit) {
  if (!a.IsMap()) throw ConfigError(culprit + ": each account is {api_key, secret, passphrase}");
  AccountConfig ac;
  for (const auto& kv : a) {
    const std::string ak = kv.first.Scalar();
    if (ak == "api_key")
      ac.api_key = kv.second.Scalar();
    else if (ak == "secret")
      ac.secret = kv.second.Scalar();
    else if (ak == "passphrase")
      ac.passphrase = kv.second.Scalar();
    else if (ak == "account_mode")
      ac.account_mode = parse_account_mode(kv.second.Scalar(), culprit + "[].account_mode");
    else
      throw ConfigError(culprit + "." + ak + ": unknown key");
  }
  if (ac.api_key.empty() || ac.secret.empty() || ac.passphrase.empty())
    throw ConfigError(culprit + ": api_key, secret and passphrase are required");
  return ac;
}

void load_accounts(const Entry& e) {
  if (!e.v.IsSequence()) throw ConfigError(e.culprit + ": expected a list");
  for (const auto& a : e.v) e.cfg.accounts.push_back(read_account(a, e.culprit));
}

// The same keys and checks as POST /sim/faults (fault_config.cpp).
void load_faults(const Entry& e) {
  FaultActions ignored;
  auto error = apply_fault_json(e.cfg.faults, ignored, yaml_to_json(e.v));
  if (!error.empty()) throw ConfigError("config " + e.c.file + ": sim." + error);
}

void load_tls(const Entry& e) {
  if (!e.v.IsMap() || !e.v["cert"] || !e.v["key"]) throw ConfigError(e.culprit + ": expected {cert, key}");
  e.cfg.tls = std::make_pair(resolve(e.dir, e.v["cert"].Scalar()), resolve(e.dir, e.v["key"].Scalar()));
}

// One row per key of the `sim:` section; a key not here is an error.
const std::map<std::string, KeyHandler>& sim_keys() {
  static const std::map<std::string, KeyHandler> keys = {
      {"listen", [](const Entry& e) { parse_listen(e.cfg, e.text(), e.culprit); }},
      {"tape", [](const Entry& e) { e.cfg.tape_path = e.path(); }},
      {"synthetic", set_bool<&SimConfig::synthetic>},
      {"seed", [](const Entry& e) { e.cfg.seed = static_cast<std::uint64_t>(e.integer()); }},
      {"speed", [](const Entry& e) { e.cfg.speed = to_double(e.text(), e.culprit); }},
      {"loop", set_bool<&SimConfig::loop>},
      {"tick_ms", set_int<&SimConfig::tick_ms>},
      {"book_depth", set_int<&SimConfig::book_depth>},
      {"modify_delay_ms", set_int<&SimConfig::modify_delay_ms>},
      {"ws_idle_timeout_s", set_int<&SimConfig::ws_idle_timeout_s>},
      {"timestamp_window_s", [](const Entry& e) { e.cfg.timestamp_window_ms = e.integer() * 1000; }},
      {"funding", load_funding},
      {"history_days",
       [](const Entry& e) { e.cfg.history_days = static_cast<int>(std::clamp<std::int64_t>(e.integer(), -1, 367)); }},
      {"balances", load_balances},
      {"default_leverage", set_int<&SimConfig::default_leverage>},
      {"position_mode", load_position_mode},
      {"margin_mode", load_margin_mode},
      {"accounts", load_accounts},
      {"faults", load_faults},
      {"tls", load_tls},
      {"symbols", load_symbols},
  };
  return keys;
}

}  // namespace

void load_sim_yaml(SimConfig& cfg, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw ConfigError("config " + path + ": cannot open file");
  } catch (const YAML::Exception& e) {
    throw ConfigError("config " + path + ": " + e.what());
  }
  Ctx c{path};
  if (!root.IsMap() || !root["sim"]) throw ConfigError("config " + path + ": no 'sim' section");
  const YAML::Node sim = root["sim"];
  if (!sim.IsMap()) throw ConfigError(c.err("", "expected a mapping"));
  const auto dir = std::filesystem::path(path).parent_path();
  const auto& keys = sim_keys();
  for (const auto& kv : sim) {
    const std::string key = kv.first.Scalar();
    auto handler = keys.find(key);
    if (handler == keys.end()) throw ConfigError(c.err(key, "unknown key"));
    const std::string culprit = "config " + path + ": sim." + key;
    handler->second(Entry{cfg, kv.second, c, key, culprit, dir});
  }
}

std::string usage() {
  return "usage: bitget-sim [--config FILE] [--listen HOST:PORT] [--tape FILE | --synthetic] [--seed N]\n"
         "                  [--speed X] [--funding-interval S] [--funding-rate R] [--tls CERT KEY]\n"
         "                  [--account KEY,SECRET,PASSPHRASE]... [--tick-ms N] [--history-days N]\n"
         "                  [--symbols BTCUSDT,ETHUSDT,...] [--account-mode classic|uta]\n"
         "A loopback Bitget (REST v2 and v3, WebSocket v2) exchange. Prints one JSON line\n"
         "{\"event\":\"sim.ready\",...} on stdout once it listens. See docs/simulator.md.\n";
}

namespace {

// --config first, so flags override the file whatever their order.
void load_config_files(SimConfig& cfg, const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config") {
      if (i + 1 >= args.size()) throw ConfigError("--config: missing FILE");
      load_sim_yaml(cfg, args[i + 1]);
    }
  }
}

// Applies the flag at args[i] (moving i past its value); false for --help.
bool apply_flag(SimConfig& cfg, const std::vector<std::string>& args, std::size_t& i,
                std::optional<Decimal>& rate_override) {
  const std::string& a = args[i];
  auto value = [&](const char* what) -> std::string {
    if (i + 1 >= args.size()) throw ConfigError(a + ": missing " + what);
    return args[++i];
  };
  if (a == "--help" || a == "-h") {
    std::cout << usage();
    return false;
  } else if (a == "--config") {
    ++i;
  } else if (a == "--listen") {
    parse_listen(cfg, value("HOST:PORT"), "--listen");
  } else if (a == "--tape") {
    cfg.tape_path = value("FILE");
    cfg.synthetic = false;
  } else if (a == "--synthetic") {
    cfg.synthetic = true;
  } else if (a == "--seed") {
    auto v = to_int(value("N"), "--seed");
    if (v < 0) throw ConfigError("--seed: expected a non-negative integer");
    cfg.seed = static_cast<std::uint64_t>(v);
  } else if (a == "--speed") {
    cfg.speed = to_double(value("X"), "--speed");
  } else if (a == "--funding-interval") {
    cfg.funding.interval_ms = to_int(value("S"), "--funding-interval") * 1000;
  } else if (a == "--funding-rate") {
    rate_override = to_decimal(value("R"), "--funding-rate");
  } else if (a == "--tls") {
    auto cert = value("CERT");
    auto key = value("KEY");
    cfg.tls = std::make_pair(cert, key);
  } else if (a == "--account") {
    parse_account_triplet(cfg, value("KEY,SECRET,PASSPHRASE"), "--account");
  } else if (a == "--account-mode") {
    cfg.account_mode = parse_account_mode(value("classic|uta"), "--account-mode");
  } else if (a == "--tick-ms") {
    cfg.tick_ms = static_cast<int>(to_int(value("N"), "--tick-ms"));
  } else if (a == "--symbols") {
    std::vector<std::string> symbols;
    std::stringstream ss(value("LIST"));
    for (std::string s; std::getline(ss, s, ',');) symbols.push_back(s);
    parse_symbols(cfg, symbols, "--symbols");
  } else if (a == "--history-days") {
    cfg.history_days = static_cast<int>(std::clamp<std::int64_t>(to_int(value("N"), "--history-days"), -1, 367));
  } else {
    throw ConfigError(a + ": unknown option (see --help)");
  }
  return true;
}

// The file and the flags together must make a runnable simulator.
void check_limits(const SimConfig& cfg) {
  if (!(cfg.speed > 0.0) || cfg.speed > 1e6)
    throw ConfigError("speed: expected a number in (0, 1e6], got " + std::to_string(cfg.speed));
  if (cfg.funding.interval_ms < 1000) throw ConfigError("funding interval: expected at least 1 second");
  if (cfg.tick_ms < 1 || cfg.tick_ms > 10000) throw ConfigError("tick_ms: expected 1..10000");
  if (cfg.book_depth < 1 || cfg.book_depth > 400) throw ConfigError("book_depth: expected 1..400");
  if (cfg.default_leverage < 1 || cfg.default_leverage > 125) throw ConfigError("default_leverage: expected 1..125");
  if (cfg.history_days < 0 || cfg.history_days > 366) throw ConfigError("history_days: expected 0..366");
  if (cfg.funding.reported_interval_hours < 1) throw ConfigError("funding.reported_interval_hours: expected >= 1");
  check_rate(cfg.funding, cfg.funding.rate, "funding.rate");
  for (const auto& [at, r] : cfg.funding.schedule) check_rate(cfg.funding, r, "funding.schedule");
  for (const auto& [s, r] : cfg.funding.symbol_rate) check_rate(cfg.funding, r, "funding.symbols." + s);
}

}  // namespace

bool parse_cli(SimConfig& cfg, int argc, const char* const* argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  load_config_files(cfg, args);
  std::optional<Decimal> rate_override;
  for (std::size_t i = 0; i < args.size(); ++i)
    if (!apply_flag(cfg, args, i, rate_override)) return false;
  if (cfg.account_mode)
    for (auto& acc : cfg.accounts) acc.account_mode = *cfg.account_mode;
  if (rate_override) {
    // The command line wins over the file: one constant rate for every symbol.
    cfg.funding.rate = *rate_override;
    cfg.funding.schedule.clear();
    cfg.funding.symbol_rate.clear();
  }
  check_limits(cfg);
  if (cfg.tape_path && cfg.synthetic) cfg.tape_path.reset();
  return true;
}

}  // namespace carry::sim
