#include <carry/app/cli.hpp>

#include <charconv>

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
  if (!args.empty() && !args[0].starts_with("-")) {
    if (args[0] == "backtest")
      o.command = Command::Backtest;
    else if (args[0] == "fetch-history")
      o.command = Command::FetchHistory;
    else if (args[0] == "run")
      o.command = Command::Run;
    else if (args[0] == "status")
      o.command = Command::Status;
    else
      throw CliError("unknown command '" + args[0] + "' (expected backtest, fetch-history, status or an option)");
    i = 1;
  }
  auto value = [&](const std::string& flag) -> std::string {
    if (i + 1 >= args.size() || args[i + 1].starts_with("--")) throw CliError("option " + flag + " needs a value");
    return args[++i];
  };
  for (; i < args.size(); ++i) {
    std::string a = args[i];
    // --flag=value form
    std::optional<std::string> inline_value;
    if (const auto eq = a.find('='); a.starts_with("--") && eq != std::string::npos) {
      inline_value = a.substr(eq + 1);
      a = a.substr(0, eq);
    }
    auto take = [&](const std::string& flag) { return inline_value ? *inline_value : value(flag); };
    auto no_value = [&](const std::string& flag) {
      if (inline_value) throw CliError("option " + flag + " takes no value");
    };
    const bool run = o.command == Command::Run;
    if (a == "--help" || a == "-h") {
      no_value(a);
      o.help = true;
    } else if (a == "--version") {
      no_value(a);
      o.version = true;
    } else if (a == "--config")
      o.config = take(a);
    else if (a == "--log-level") {
      o.log_level = take(a);
      const auto& l = *o.log_level;
      if (l != "trace" && l != "debug" && l != "info" && l != "warn" && l != "error")
        throw CliError("--log-level '" + l + "': expected trace, debug, info, warn or error");
    } else if (run && a == "--env") {
      o.env = take(a);
      if (*o.env != "mainnet" && *o.env != "testnet")
        throw CliError("--env '" + *o.env + "': expected mainnet or testnet");
    } else if ((run || o.command == Command::Status) && a == "--dry-run") {
      no_value(a);
      o.dry_run = true;
    } else if (o.command == Command::Status && a == "--json") {
      no_value(a);
      o.json = true;
    } else if (run && a == "--ops-check") {
      no_value(a);
      o.ops_check = true;
    } else if (run && a == "--flatten-on-exit") {
      no_value(a);
      o.flatten_on_exit = true;
    } else if (run && a == "--print-config") {
      no_value(a);
      o.print_config = true;
    } else if (run && a == "--reset-kill-switch") {
      no_value(a);
      o.reset_kill_switch = true;
    } else if (run && a == "--duration") {
      const std::string v = take(a);
      int s = 0;
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), s);
      if (ec != std::errc{} || p != v.data() + v.size() || s <= 0)
        throw CliError("--duration '" + v + "': expected a positive number of seconds");
      o.duration_s = s;
    } else if (!run && a == "--out")
      o.out_dir = take(a);
    else if (!run && a == "--from")
      o.from = take(a);
    else if (!run && a == "--to")
      o.to = take(a);
    else if (o.command == Command::Backtest && a == "--data")
      o.data_dir = take(a);
    else if (o.command == Command::Backtest && a == "--symbols")
      o.symbols = split_commas(take(a));
    else if ((o.command == Command::Backtest || o.command == Command::FetchHistory) && a == "--timeframe") {
      o.timeframe = take(a);
      if (*o.timeframe != "1m" && *o.timeframe != "1h")
        throw CliError("--timeframe '" + *o.timeframe + "': expected 1m or 1h");
    } else if (o.command == Command::Backtest && a == "--spot")
      o.spot_file = take(a);
    else if (o.command == Command::Backtest && a == "--perp")
      o.perp_file = take(a);
    else if (o.command == Command::Backtest && a == "--funding")
      o.funding_file = take(a);
    else if (o.command == Command::Backtest && a == "--sweep")
      o.sweeps.push_back(parse_sweep(take(a)));
    else if (o.command == Command::FetchHistory && a == "--symbol")
      o.symbols = {take(a)};
    else
      throw CliError("unknown option '" + args[i] + "'" + (run ? "" : " for this command"));
  }
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
  return o;
}

}  // namespace carry::app
