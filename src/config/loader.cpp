#include <carry/config/listen_address.hpp>
#include <carry/config/loader.hpp>

#include "schema.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

extern char** environ;

namespace carry::config {
namespace {

using detail::alert_url_problem;
using detail::Field;
using detail::find_field;
using detail::is_section;
using detail::schema;
using detail::trim;

[[noreturn]] void fail(const std::string& key, const std::string& source, const std::string& what) {
  throw ConfigError("config error: " + key + " (from " + source + "): " + what);
}

// `file`: the file the value was read from ("" for the environment).
void apply(LoadedConfig& out, const std::string& key, const std::string& value, const std::string& source,
           const std::string& file) {
  const Field* f = find_field(key);
  if (!f) {
    if (is_section(key)) fail(key, source, "is a section, not a value");
    fail(key, source, "unknown key");
  }
  if (!f->set(out.config, value)) {
    const std::string shown = f->secret ? "***" : "'" + value + "'";
    fail(key, source, "got " + shown + ", expected " + f->expected);
  }
  out.sources[key] = source;
  if (file.empty())
    out.files.erase(key);
  else
    out.files[key] = file;
}

void walk_yaml(LoadedConfig& out, const YAML::Node& node, const std::string& prefix, const std::string& file) {
  if (!node.IsMap()) fail(prefix.empty() ? "<top level>" : prefix, file, "expected a mapping of keys");
  for (const auto& kv : node) {
    const std::string name = kv.first.as<std::string>();
    const std::string key = prefix.empty() ? name : prefix + "." + name;
    const YAML::Node& value = kv.second;
    // config/sim.yaml carries the simulator's own section beside the daemon's; bitget-sim reads it.
    if (prefix.empty() && name == "sim") continue;
    const Field* f = find_field(key);
    if (!f) {
      if (!is_section(key)) fail(key, file, "unknown key");
      if (value.IsNull()) continue;  // an empty section keeps its defaults
      walk_yaml(out, value, key, file);
      continue;
    }
    if (value.IsSequence()) {
      if (!f->list) fail(key, file, "got a list, expected " + f->expected);
      std::string joined;
      for (const auto& item : value) {
        if (!item.IsScalar()) fail(key, file, "list items must be plain values");
        joined += (joined.empty() ? "" : ",") + item.as<std::string>();
      }
      apply(out, key, joined, file, file);
    } else if (value.IsScalar()) {
      apply(out, key, value.as<std::string>(), file, file);
    } else if (value.IsNull()) {
      fail(key, file, "has no value, expected " + f->expected);
    } else {
      fail(key, file, "got a mapping, expected " + f->expected);
    }
  }
}

// SECTION__KEY (nested with more __) -> section.key; only variables whose first part is a section.
std::optional<std::string> env_to_key(const std::string& name) {
  std::string key;
  std::size_t pos = 0;
  while (true) {
    const auto next = name.find("__", pos);
    std::string part = name.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    std::transform(part.begin(), part.end(), part.begin(), [](unsigned char c) { return std::tolower(c); });
    key += (key.empty() ? "" : ".") + part;
    if (next == std::string::npos) break;
    pos = next + 2;
  }
  if (name.find("__") == std::string::npos) return std::nullopt;
  const std::string section = key.substr(0, key.find('.'));
  if (!is_section(section)) return std::nullopt;
  return key;
}

// `file`: the .env file the variables come from ("" for the process environment).
void apply_env_map(LoadedConfig& out, const std::map<std::string, std::string>& vars, const std::string& origin,
                   const std::string& file) {
  for (const auto& [name, value] : vars) {
    auto key = env_to_key(name);
    if (!key) continue;
    apply(out, *key, value, origin + " " + name, file);
  }
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv(*e);
    const auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

}  // namespace

std::map<std::string, std::string> parse_env_file(const std::string& text, const std::string& name) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("export ", 0) == 0) line = trim(line.substr(7));
    const auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0)
      throw ConfigError("config error: " + name + ":" + std::to_string(lineno) + ": expected KEY=VALUE");
    std::string key = trim(line.substr(0, eq));
    std::string value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    } else if (const auto hash = value.find(" #"); hash != std::string::npos) {
      value = trim(value.substr(0, hash));
    }
    out[key] = value;
  }
  return out;
}

namespace {

// --config, else APP_CONFIG_FILE (environment, then .env), else the default.
std::string choose_config_file(const LoadOptions& options, const std::map<std::string, std::string>& env,
                               const std::map<std::string, std::string>& dotenv) {
  std::string file;
  if (options.config_file) {
    file = *options.config_file;
  } else if (auto it = env.find("APP_CONFIG_FILE"); it != env.end() && !it->second.empty()) {
    file = it->second;
  } else if (auto it2 = dotenv.find("APP_CONFIG_FILE"); it2 != dotenv.end() && !it2->second.empty()) {
    file = it2->second;
  } else {
    file = options.default_config_file;
  }
  return file;
}

// Rules between keys, checked once every source has been applied.
void check_cross_field_rules(LoadedConfig& out) {
  const auto& ex = out.config.exchange;
  auto url_ok = [](const std::string& u, std::initializer_list<const char*> schemes) {
    if (u.empty()) return true;
    for (const char* s : schemes)
      if (u.rfind(s, 0) == 0) return true;
    return false;
  };
  if (!url_ok(ex.rest_url, {"http://", "https://"}))
    fail("exchange.rest_url", out.sources["exchange.rest_url"], "expected an http:// or https:// URL");
  if (!url_ok(ex.ws_public_url, {"ws://", "wss://"}))
    fail("exchange.ws_public_url", out.sources["exchange.ws_public_url"], "expected a ws:// or wss:// URL");
  if (!url_ok(ex.ws_private_url, {"ws://", "wss://"}))
    fail("exchange.ws_private_url", out.sources["exchange.ws_private_url"], "expected a ws:// or wss:// URL");
  if (ex.position_mode == "hedge")
    fail("exchange.position_mode", out.sources["exchange.position_mode"],
         "hedge is not supported: the strategy trades one-way positions only (use one_way; carryd sets the "
         "account to one-way at start)");
  const auto& r = out.config.risk;
  if (ex.ws_dead_after_s >= r.market_data_stale_s)  // a dead socket must be replaced before md_stale flattens
    fail("exchange.ws_dead_after_s", out.sources["exchange.ws_dead_after_s"],
         "must be below risk.market_data_stale_s (" + std::to_string(r.market_data_stale_s) + ")");
  if (ex.ws_ping_interval_s >= ex.ws_dead_after_s)  // a quiet private stream lives on pongs alone
    fail("exchange.ws_ping_interval_s", out.sources["exchange.ws_ping_interval_s"],
         "must be below exchange.ws_dead_after_s (" + std::to_string(ex.ws_dead_after_s) + ")");
  if (r.max_order_notional > r.max_symbol_notional)
    fail("risk.max_order_notional", out.sources["risk.max_order_notional"],
         "must not exceed risk.max_symbol_notional (" + r.max_symbol_notional.to_string() + ")");
  if (r.max_symbol_notional > r.max_total_notional)
    fail("risk.max_symbol_notional", out.sources["risk.max_symbol_notional"],
         "must not exceed risk.max_total_notional (" + r.max_total_notional.to_string() + ")");
  auto& st = out.config.store;
  if (st.paper_db_path.empty()) {
    st.paper_db_path = paper_db_path_for(st.db_path);
    out.sources["store.paper_db_path"] = "default (store.db_path with -paper)";
  }
  if (std::filesystem::path(st.paper_db_path).lexically_normal() ==
      std::filesystem::path(st.db_path).lexically_normal())
    fail("store.paper_db_path", out.sources["store.paper_db_path"],
         "must differ from store.db_path: paper fills never go into the live record");
  if (const auto bad = http_listen_error(out.config.monitor.http)) fail(bad->key, out.sources[bad->key], bad->what);
  const auto& al = out.config.alerts;
  for (const auto& [key, url] : {std::pair<std::string, std::string>{"alerts.webhook_url", al.webhook_url},
                                 {"alerts.slack_webhook_url", al.slack_webhook_url},
                                 {"alerts.telegram.api_url", al.telegram.api_url}})
    if (const auto why = alert_url_problem(url); !why.empty()) fail(key, out.sources[key], why);
  if (al.telegram.bot_token.empty() != al.telegram.chat_id.empty())
    fail(al.telegram.bot_token.empty() ? "alerts.telegram.bot_token" : "alerts.telegram.chat_id",
         out.sources[al.telegram.bot_token.empty() ? "alerts.telegram.bot_token" : "alerts.telegram.chat_id"],
         "alerts.telegram.bot_token and alerts.telegram.chat_id go together");
  const auto& fcfg = out.config.strategy.funding;
  if (fcfg.close_apr >= fcfg.min_expected_apr)
    fail("strategy.funding.close_apr", out.sources["strategy.funding.close_apr"],
         "must be below strategy.funding.min_expected_apr so open and close cannot oscillate");
}
}  // namespace

LoadedConfig load(const LoadOptions& options) {
  LoadedConfig out;
  for (const auto& f : schema()) out.sources[f.key] = "default";

  std::map<std::string, std::string> env = options.environment;
  if (options.use_process_environment)
    for (auto& [k, v] : process_environment()) env.emplace(k, v);

  // 1. .env (lowest precedence of the three)
  std::map<std::string, std::string> dotenv;
  if (!options.env_file.empty() && std::filesystem::exists(options.env_file)) {
    std::ifstream in(options.env_file);
    std::stringstream ss;
    ss << in.rdbuf();
    dotenv = parse_env_file(ss.str(), options.env_file);
    apply_env_map(out, dotenv, options.env_file, options.env_file);
  }

  // 2. YAML: --config, else APP_CONFIG_FILE (environment, then .env), else the default.
  const std::string file = choose_config_file(options, env, dotenv);
  out.config_file = file;
  if (!std::filesystem::exists(file)) throw ConfigError("config error: config file '" + file + "' does not exist");
  YAML::Node root;
  try {
    root = YAML::LoadFile(file);
  } catch (const YAML::Exception& e) {
    throw ConfigError("config error: " + file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (!root.IsNull()) walk_yaml(out, root, "", file);

  // 3. environment variables win.
  apply_env_map(out, env, "environment variable", "");

  check_cross_field_rules(out);
  return out;
}

std::string render(const LoadedConfig& loaded) {
  std::ostringstream os;
  os << "# effective configuration (file: " << loaded.config_file << ")\n";
  std::string open_path;  // the section path currently open, e.g. "strategy.funding"
  for (const auto& f : schema()) {
    const auto dot = f.key.rfind('.');
    const std::string section = f.key.substr(0, dot);
    const std::string name = f.key.substr(dot + 1);
    if (section != open_path) {
      // Print the section headers that differ from the open path.
      std::vector<std::string> parts;
      std::stringstream ss(section);
      std::string p;
      while (std::getline(ss, p, '.')) parts.push_back(p);
      std::vector<std::string> open_parts;
      std::stringstream so(open_path);
      while (std::getline(so, p, '.')) open_parts.push_back(p);
      std::size_t common = 0;
      while (common < parts.size() && common < open_parts.size() && parts[common] == open_parts[common]) ++common;
      for (std::size_t i = common; i < parts.size(); ++i) os << std::string(2 * i, ' ') << parts[i] << ":\n";
      open_path = section;
    }
    const std::size_t depth = static_cast<std::size_t>(std::count(f.key.begin(), f.key.end(), '.'));
    std::string value = f.get(loaded.config);
    if (f.secret)
      value = value.empty() ? "\"\"" : "\"***\"";
    else if (f.list && value != "auto")
      value = "[" + value + "]";
    else if (value.empty())
      value = "\"\"";
    auto src = loaded.sources.find(f.key);
    os << std::string(2 * depth, ' ') << name << ": " << value << "  # "
       << (src == loaded.sources.end() ? "default" : src->second) << "\n";
  }
  return os.str();
}

std::string paper_db_path_for(const std::string& db_path) {
  const std::filesystem::path p(db_path);
  std::filesystem::path out = p.parent_path() / (p.stem().string() + "-paper" + p.extension().string());
  return out.string();
}

std::vector<std::string> files_holding_secrets(const LoadedConfig& loaded) {
  std::vector<std::string> files;
  for (const auto& f : schema()) {
    if (!f.secret || f.get(loaded.config).empty()) continue;
    auto it = loaded.files.find(f.key);
    if (it == loaded.files.end()) continue;  // a default or an environment variable
    if (std::find(files.begin(), files.end(), it->second) == files.end()) files.push_back(it->second);
  }
  return files;
}

std::vector<std::string> known_keys() {
  std::vector<std::string> keys;
  for (const auto& f : schema()) keys.push_back(f.key);
  return keys;
}

}  // namespace carry::config
