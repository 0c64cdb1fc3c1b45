#include <carry/app/cli.hpp>

#include <charconv>
#include <string_view>

namespace carry::app {
namespace {

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto comma = s.find(',', start);
    std::string item = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// KEY=V1,V2,...: the key is checked against the configuration when the grid is loaded.
CliOptions::Sweep parse_sweep(const std::string& spec) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
    throw CliError("--sweep '" + spec + "': expected KEY=V1,V2,... (e.g. strategy.funding.min_expected_apr=0.05,0.1)");
  CliOptions::Sweep s{spec.substr(0, eq), split_commas(spec.substr(eq + 1))};
  for (const auto& v : s.values)
    if (v.empty()) throw CliError("--sweep '" + spec + "': an empty value");
  return s;
}

// The commands an option belongs to, one bit per Command.
using Commands = unsigned;
constexpr Commands bit(Command c) { return 1u << static_cast<unsigned>(c); }
constexpr Commands kRun = bit(Command::Run);
constexpr Commands kBacktest = bit(Command::Backtest);
constexpr Commands kFetch = bit(Command::FetchHistory);
constexpr Commands kStatus = bit(Command::Status);
constexpr Commands kAll = kRun | kBacktest | kFetch | kStatus;
constexpr Commands kNotRun = kAll & ~kRun;

using Apply = void (*)(CliOptions& o, const std::string& value);  // may throw CliError naming the value

struct Option {
  std::string_view name;
  Commands commands;
  bool CliOptions::*flag = nullptr;                        // a flag: set to true (no value)
  std::optional<std::string> CliOptions::*text = nullptr;  // a value kept as given
  Apply apply = nullptr;                                   // a value checked or converted
  bool takes_value() const noexcept { return flag == nullptr; }
};

constexpr Option flag(std::string_view name, Commands commands, bool CliOptions::*member) {
  return {name, commands, member, nullptr, nullptr};
}
constexpr Option text(std::string_view name, Commands commands, std::optional<std::string> CliOptions::*member) {
  return {name, commands, nullptr, member, nullptr};
}
constexpr Option value(std::string_view name, Commands commands, Apply apply) {
  return {name, commands, nullptr, nullptr, apply};
}

void set_log_level(CliOptions& o, const std::string& l) {
  o.log_level = l;
  if (l != "trace" && l != "debug" && l != "info" && l != "warn" && l != "error")
    throw CliError("--log-level '" + l + "': expected trace, debug, info, warn or error");
}

void set_env(CliOptions& o, const std::string& env) {
  o.env = env;
  if (env != "mainnet" && env != "testnet") throw CliError("--env '" + env + "': expected mainnet or testnet");
}

void set_duration(CliOptions& o, const std::string& v) {
  int s = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), s);
  if (ec != std::errc{} || p != v.data() + v.size() || s <= 0)
    throw CliError("--duration '" + v + "': expected a positive number of seconds");
  o.duration_s = s;
}

void set_timeframe(CliOptions& o, const std::string& tf) {
  o.timeframe = tf;
  if (tf != "1m" && tf != "1h") throw CliError("--timeframe '" + tf + "': expected 1m or 1h");
}

void set_symbols(CliOptions& o, const std::string& v) { o.symbols = split_commas(v); }
void set_symbol(CliOptions& o, const std::string& v) { o.symbols = {v}; }
void add_sweep(CliOptions& o, const std::string& v) { o.sweeps.push_back(parse_sweep(v)); }

// Every option with the commands that accept it; for any other command it is unknown.
const Option kOptions[] = {
    flag("--help", kAll, &CliOptions::help),
    flag("-h", kAll, &CliOptions::help),
    flag("--version", kAll, &CliOptions::version),
    text("--config", kAll, &CliOptions::config),
    value("--log-level", kAll, set_log_level),
    value("--env", kRun, set_env),
    flag("--dry-run", kRun | kStatus, &CliOptions::dry_run),
    flag("--json", kStatus, &CliOptions::json),
    flag("--ops-check", kRun, &CliOptions::ops_check),
    flag("--flatten-on-exit", kRun, &CliOptions::flatten_on_exit),
    flag("--print-config", kRun, &CliOptions::print_config),
    flag("--reset-kill-switch", kRun, &CliOptions::reset_kill_switch),
    value("--duration", kRun, set_duration),
    text("--out", kNotRun, &CliOptions::out_dir),
    text("--from", kNotRun, &CliOptions::from),
    text("--to", kNotRun, &CliOptions::to),
    text("--data", kBacktest, &CliOptions::data_dir),
    value("--symbols", kBacktest, set_symbols),
    value("--timeframe", kBacktest | kFetch, set_timeframe),
    text("--spot", kBacktest, &CliOptions::spot_file),
    text("--perp", kBacktest, &CliOptions::perp_file),
    text("--funding", kBacktest, &CliOptions::funding_file),
    value("--sweep", kBacktest, add_sweep),
    value("--symbol", kFetch, set_symbol),
};

const Option* find_option(std::string_view name, Command command) {
  for (const auto& opt : kOptions)
    if (opt.name == name && (opt.commands & bit(command)) != 0) return &opt;
  return nullptr;
}

// args[0] when it is a command rather than an option; Run when there is none.
Command parse_command(const std::vector<std::string>& args, std::size_t& next) {
  next = 0;
  if (args.empty() || args[0].starts_with("-")) return Command::Run;
  next = 1;
  if (args[0] == "backtest") return Command::Backtest;
  if (args[0] == "fetch-history") return Command::FetchHistory;
  if (args[0] == "run") return Command::Run;
  if (args[0] == "status") return Command::Status;
  throw CliError("unknown command '" + args[0] + "' (expected backtest, fetch-history, status or an option)");
}

// The combinations that no single option can refuse.
void check_combinations(const CliOptions& o) {
  if (o.ops_check && o.print_config) throw CliError("--ops-check and --print-config cannot be combined");
  if (o.reset_kill_switch && (o.ops_check || o.print_config || o.dry_run || o.flatten_on_exit || o.duration_s))
    throw CliError("--reset-kill-switch runs alone (with --config and --log-level at most)");
  if (o.command == Command::Backtest && !o.help) {
    const bool explicit_files = o.spot_file || o.perp_file || o.funding_file;
    if (explicit_files && !(o.spot_file && o.perp_file && o.funding_file))
      throw CliError("backtest: --spot, --perp and --funding go together");
    if (explicit_files && o.symbols.size() > 1)
      throw CliError("backtest: explicit --spot/--perp/--funding files are for one symbol");
    if (!explicit_files && !o.data_dir) throw CliError("backtest: --data DIR is required");
    for (std::size_t a = 0; a < o.sweeps.size(); ++a)
      for (std::size_t b = a + 1; b < o.sweeps.size(); ++b)
        if (o.sweeps[a].key == o.sweeps[b].key) throw CliError("--sweep: key '" + o.sweeps[a].key + "' given twice");
  }
  if (o.command == Command::FetchHistory && !o.help) {
    if (o.symbols.empty()) throw CliError("fetch-history: --symbol is required");
    if (!o.from || !o.to) throw CliError("fetch-history: --from and --to are required");
    if (!o.out_dir) throw CliError("fetch-history: --out DIR is required");
  }
}

}  // namespace

std::string usage() {
  return R"(Usage: carryd [options]
       carryd backtest --data DIR [--symbols BTCUSDT,ETHUSDT] [--from DATE] [--to DATE]
                       [--timeframe 1m|1h] [--spot FILE --perp FILE --funding FILE] [--config PATH] [--out DIR]
                       [--sweep KEY=V1,V2,... (repeatable: a grid of runs, ranked)]
       carryd fetch-history --symbol BTCUSDT --from DATE --to DATE --out DIR [--timeframe 1m|1h] [--config PATH]
       carryd status [--config PATH] [--json] [--dry-run]   (from the store; works while carryd runs)

Carry earns perpetual funding on Bitget with a delta-neutral spot + USDT-M perp position.

Options:
  --config PATH        YAML configuration (default: $APP_CONFIG_FILE, else config/app.yaml)
  --env mainnet|testnet  must agree with exchange.environment; mainnet needs exchange.allow_live: true
  --dry-run            paper trading: real public market data, simulated fills, no private calls
  --ops-check          probe funding, BBO and authenticated REST for each symbol, then exit (0 = healthy)
  --log-level LEVEL    trace|debug|info|warn|error (overrides log.level)
  --flatten-on-exit    close every position (reducing orders only) on SIGINT/SIGTERM
  --duration S         stop by itself after S seconds
  --print-config       print the effective configuration (secrets as ***) and exit
  --reset-kill-switch  set the kill switch stored in store.db_path back to active and exit (run it with
                       the daemon stopped: a tripped kill switch is restored on every start)
  --version            print the version and exit
  --help               this text

Exit codes: 0 ok, 1 runtime failure (e.g. a failed ops-check probe), 2 refused to start
(bad command line or configuration, or the mainnet guard).
)";
}

CliOptions parse_cli(const std::vector<std::string>& args) {
  CliOptions o;
  std::size_t i = 0;
  o.command = parse_command(args, i);
  for (; i < args.size(); ++i) {
    std::string a = args[i];
    // --flag=value form
    std::optional<std::string> inline_value;
    if (const auto eq = a.find('='); a.starts_with("--") && eq != std::string::npos) {
      inline_value = a.substr(eq + 1);
      a = a.substr(0, eq);
    }
    const Option* opt = find_option(a, o.command);
    if (opt == nullptr)
      throw CliError("unknown option '" + args[i] + "'" + (o.command == Command::Run ? "" : " for this command"));
    if (!opt->takes_value()) {
      if (inline_value) throw CliError("option " + a + " takes no value");
      o.*(opt->flag) = true;
      continue;
    }
    if (!inline_value && (i + 1 >= args.size() || args[i + 1].starts_with("--")))
      throw CliError("option " + a + " needs a value");
    const std::string v = inline_value ? *inline_value : args[++i];
    if (opt->text != nullptr)
      o.*(opt->text) = v;
    else
      opt->apply(o, v);
  }
  check_combinations(o);
  return o;
}

}  // namespace carry::app
