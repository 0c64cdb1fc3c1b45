#include "sim_config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <set>
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
  static const std::set<std::string> known = {"listen",
                                              "tape",
                                              "synthetic",
                                              "seed",
                                              "speed",
                                              "loop",
                                              "tick_ms",
                                              "book_depth",
                                              "modify_delay_ms",
                                              "ws_idle_timeout_s",
                                              "timestamp_window_s",
                                              "funding",
                                              "history_days",
                                              "balances",
                                              "default_leverage",
                                              "position_mode",
                                              "margin_mode",
                                              "accounts",
                                              "faults",
                                              "tls",
                                              "symbols"};
  for (const auto& kv : sim) {
    const std::string key = kv.first.Scalar();
    if (!known.count(key)) throw ConfigError(c.err(key, "unknown key"));
    const YAML::Node& v = kv.second;
    const std::string culprit = "config " + path + ": sim." + key;
    if (key == "listen")
      parse_listen(cfg, scalar(v, c, key), culprit);
    else if (key == "symbols") {
      if (!v.IsSequence()) throw ConfigError(culprit + ": expected a list of symbols");
      std::vector<std::string> symbols;
      for (const auto& s : v) symbols.push_back(s.Scalar());
      parse_symbols(cfg, symbols, culprit);
    } else if (key == "tape") {
      auto p = std::filesystem::path(scalar(v, c, key));
      cfg.tape_path = (p.is_relative() ? dir / p : p).lexically_normal().string();
    } else if (key == "synthetic")
      cfg.synthetic = to_bool(scalar(v, c, key), culprit);
    else if (key == "seed")
      cfg.seed = static_cast<std::uint64_t>(to_int(scalar(v, c, key), culprit));
    else if (key == "speed")
      cfg.speed = to_double(scalar(v, c, key), culprit);
    else if (key == "loop")
      cfg.loop = to_bool(scalar(v, c, key), culprit);
    else if (key == "tick_ms")
      cfg.tick_ms = static_cast<int>(to_int(scalar(v, c, key), culprit));
    else if (key == "book_depth")
      cfg.book_depth = static_cast<int>(to_int(scalar(v, c, key), culprit));
    else if (key == "modify_delay_ms")
      cfg.modify_delay_ms = static_cast<int>(to_int(scalar(v, c, key), culprit));
    else if (key == "ws_idle_timeout_s")
      cfg.ws_idle_timeout_s = static_cast<int>(to_int(scalar(v, c, key), culprit));
    else if (key == "timestamp_window_s")
      cfg.timestamp_window_ms = to_int(scalar(v, c, key), culprit) * 1000;
    else if (key == "history_days")
      cfg.history_days = static_cast<int>(std::clamp<std::int64_t>(to_int(scalar(v, c, key), culprit), -1, 367));
    else if (key == "default_leverage")
      cfg.default_leverage = static_cast<int>(to_int(scalar(v, c, key), culprit));
    else if (key == "position_mode") {
      cfg.position_mode = scalar(v, c, key);
      if (cfg.position_mode != "one_way_mode" && cfg.position_mode != "hedge_mode")
        throw ConfigError(culprit + ": expected one_way_mode or hedge_mode");
    } else if (key == "margin_mode") {
      cfg.margin_mode = scalar(v, c, key);
      if (cfg.margin_mode != "crossed" && cfg.margin_mode != "isolated")
        throw ConfigError(culprit + ": expected crossed or isolated");
    } else if (key == "funding") {
      if (!v.IsMap()) throw ConfigError(culprit + ": expected a mapping");
      for (const auto& f : v) {
        const std::string fk = f.first.Scalar();
        const std::string fc = culprit + "." + fk;
        if (fk == "interval_s")
          cfg.funding.interval_ms = to_int(scalar(f.second, c, "funding." + fk), fc) * 1000;
        else if (fk == "reported_interval_hours")
          cfg.funding.reported_interval_hours = static_cast<int>(to_int(scalar(f.second, c, "funding." + fk), fc));
        else if (fk == "rate")
          cfg.funding.rate = to_decimal(scalar(f.second, c, "funding." + fk), fc);
        else if (fk == "min_rate")
          cfg.funding.min_rate = to_decimal(scalar(f.second, c, "funding." + fk), fc);
        else if (fk == "max_rate")
          cfg.funding.max_rate = to_decimal(scalar(f.second, c, "funding." + fk), fc);
        else if (fk == "symbols") {
          if (!f.second.IsMap()) throw ConfigError(fc + ": expected SYMBOL: rate entries");
          for (const auto& s : f.second)
            cfg.funding.symbol_rate[s.first.Scalar()] =
                to_decimal(scalar(s.second, c, "funding.symbols"), fc + "." + s.first.Scalar());
        } else if (fk == "schedule") {
          if (!f.second.IsSequence()) throw ConfigError(fc + ": expected a list of [offset_s, rate]");
          cfg.funding.schedule.clear();
          for (const auto& e : f.second) {
            if (!e.IsSequence() || e.size() != 2) throw ConfigError(fc + ": each entry must be [offset_s, rate]");
            cfg.funding.schedule.emplace_back(to_int(e[0].Scalar(), fc) * 1000, to_decimal(e[1].Scalar(), fc));
          }
        } else {
          throw ConfigError(fc + ": unknown key");
        }
      }
    } else if (key == "balances") {
      if (!v.IsMap()) throw ConfigError(culprit + ": expected a mapping");
      for (const auto& b : v) {
        const std::string bk = b.first.Scalar();
        if (bk == "futures_usdt")
          cfg.balances.futures_usdt = to_decimal(scalar(b.second, c, "balances." + bk), culprit + "." + bk);
        else if (bk == "spot") {
          if (!b.second.IsMap()) throw ConfigError(culprit + ".spot: expected COIN: amount entries");
          cfg.balances.spot.clear();
          for (const auto& s : b.second)
            cfg.balances.spot[s.first.Scalar()] =
                to_decimal(scalar(s.second, c, "balances.spot"), culprit + ".spot." + s.first.Scalar());
        } else {
          throw ConfigError(culprit + "." + bk + ": unknown key");
        }
      }
    } else if (key == "accounts") {
      if (!v.IsSequence()) throw ConfigError(culprit + ": expected a list");
      for (const auto& a : v) {
        if (!a.IsMap()) throw ConfigError(culprit + ": each account is {api_key, secret, passphrase}");
        AccountConfig ac;
        for (const auto& kv2 : a) {
          const std::string ak = kv2.first.Scalar();
          if (ak == "api_key")
            ac.api_key = kv2.second.Scalar();
          else if (ak == "secret")
            ac.secret = kv2.second.Scalar();
          else if (ak == "passphrase")
            ac.passphrase = kv2.second.Scalar();
          else if (ak == "account_mode")
            ac.account_mode = parse_account_mode(kv2.second.Scalar(), culprit + "[].account_mode");
          else
            throw ConfigError(culprit + "." + ak + ": unknown key");
        }
        if (ac.api_key.empty() || ac.secret.empty() || ac.passphrase.empty())
          throw ConfigError(culprit + ": api_key, secret and passphrase are required");
        cfg.accounts.push_back(ac);
      }
    } else if (key == "faults") {
      FaultActions ignored;
      auto e = apply_fault_json(cfg.faults, ignored, yaml_to_json(v));
      if (!e.empty()) throw ConfigError("config " + path + ": sim." + e);
    } else if (key == "tls") {
      if (!v.IsMap() || !v["cert"] || !v["key"]) throw ConfigError(culprit + ": expected {cert, key}");
      auto rel = [&](const std::string& s) {
        auto p = std::filesystem::path(s);
        return (p.is_relative() ? dir / p : p).lexically_normal().string();
      };
      cfg.tls = std::make_pair(rel(v["cert"].Scalar()), rel(v["key"].Scalar()));
    }
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

bool parse_cli(SimConfig& cfg, int argc, const char* const* argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // --config first, so flags override the file whatever their order.
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config") {
      if (i + 1 >= args.size()) throw ConfigError("--config: missing FILE");
      load_sim_yaml(cfg, args[i + 1]);
    }
  }
  std::optional<Decimal> rate_override;
  for (std::size_t i = 0; i < args.size(); ++i) {
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
  }
  if (cfg.account_mode)
    for (auto& acc : cfg.accounts) acc.account_mode = *cfg.account_mode;
  if (rate_override) {
    // The command line wins over the file: one constant rate for every symbol.
    cfg.funding.rate = *rate_override;
    cfg.funding.schedule.clear();
    cfg.funding.symbol_rate.clear();
  }
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
  if (cfg.tape_path && cfg.synthetic) cfg.tape_path.reset();
  return true;
}

}  // namespace carry::sim
