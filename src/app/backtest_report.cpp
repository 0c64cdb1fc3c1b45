#include "backtest_report.hpp"

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <sstream>

namespace carry::app {

std::string report_money(Decimal d) { return d.to_string(2, Rounding::HalfEven); }

std::string report_fixed(double v, int decimals) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(decimals) << v;
  return os.str();
}

std::string BacktestSummary::line() const {
  std::ostringstream os;
  os << "Backtest done: days=" << report_fixed(days, 2) << " symbols=" << symbols << " trades=" << trades
     << " funding_pnl=" << report_money(funding_pnl) << " fees=" << report_money(fees)
     << " basis_pnl=" << report_money(basis_pnl) << " net_pnl=" << report_money(net_pnl)
     << " apr=" << report_fixed(apr * 100, 2) << "%"
     << " max_drawdown=" << report_money(max_drawdown) << " baseline_net=" << report_money(baseline_net)
     << " vs_baseline=" << vs_baseline();
  return os.str();
}

std::string BacktestSummary::vs_baseline() const {
  if (!baseline_net.is_positive()) return "n/a";
  return (net_pnl / baseline_net).to_string(2, Rounding::HalfEven);
}

namespace {

constexpr double kNsPerYear = 365 * 86'400e9;

std::string month_of(UnixNanos t) { return t.to_rfc3339().substr(0, 7); }

// 00:00 UTC on the first day of the month after the one `t` is in.
UnixNanos next_month_start(UnixNanos t) {
  const std::string ym = month_of(t);
  int y = std::stoi(ym.substr(0, 4)), m = std::stoi(ym.substr(5, 2)) + 1;
  if (m == 13) y += 1, m = 1;
  char buf[32];  // room for any int the compiler can imagine
  std::snprintf(buf, sizeof buf, "%04d-%02d-01", y, m);
  return UnixNanos::parse_rfc3339(buf).value();
}

}  // namespace

std::vector<MonthRow> month_table(const std::map<std::string, BacktestDay>& days,
                                  const std::vector<backtest::BaselineResult>& baselines,
                                  const std::vector<ExposureSample>& samples) {
  std::map<std::string, MonthRow> rows;
  for (const auto& [date, day] : days) {
    MonthRow& r = rows[date.substr(0, 7)];
    const Decimal net = day.equity_end - day.equity_start;
    r.funding += day.funding;
    r.fees += day.fees;
    r.net += net;
    r.basis += net - day.funding + day.fees;
  }
  for (const auto& b : baselines)
    for (const auto& [month, amount] : b.funding_by_month) rows[month].available += amount;
  // Each sample holds until the next; an interval that crosses a month end is split there.
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> covered;  // month -> (open ns, all ns)
  for (std::size_t i = 0; i + 1 < samples.size(); ++i) {
    for (UnixNanos a = samples[i].ts; a < samples[i + 1].ts;) {
      const UnixNanos b = std::min(samples[i + 1].ts, next_month_start(a));
      auto& [open_ns, all_ns] = covered[month_of(a)];
      all_ns += b.ns - a.ns;
      if (samples[i].open) open_ns += b.ns - a.ns;
      a = b;
    }
  }
  std::vector<MonthRow> out;
  for (auto& [month, r] : rows) {
    r.month = month;
    if (const auto it = covered.find(month); it != covered.end() && it->second.second > 0)
      r.time_in_market = static_cast<double>(it->second.first) / static_cast<double>(it->second.second);
    out.push_back(r);
  }
  return out;
}

double share_in_market(const std::vector<ExposureSample>& samples) {
  if (samples.size() < 2) return 0;
  const double span = static_cast<double>(samples.back().ts.ns - samples.front().ts.ns);
  if (span <= 0) return 0;
  double open = 0;
  for (std::size_t i = 0; i + 1 < samples.size(); ++i)
    if (samples[i].open) open += static_cast<double>(samples[i + 1].ts.ns - samples[i].ts.ns);
  return open / span;
}

CapitalUse capital_use(const std::vector<ExposureSample>& samples, Decimal net) {
  CapitalUse c;
  if (samples.size() < 2) return c;
  const double span = static_cast<double>(samples.back().ts.ns - samples.front().ts.ns);
  if (span <= 0) return c;
  double integral = 0;  // USDT x ns
  for (std::size_t i = 0; i + 1 < samples.size(); ++i)
    integral += samples[i].capital.to_double() * static_cast<double>(samples[i + 1].ts.ns - samples[i].ts.ns);
  c.average = integral / span;
  if (c.average > 0) c.apr = net.to_double() / c.average * (kNsPerYear / span);
  return c;
}

namespace {

const auto& money = report_money;
const auto& fixed = report_fixed;

// Period, symbols, starting equity, costs and the strategy's main knobs.
void write_header(std::ostream& md, const ReportInputs& in) {
  const config::Config& cfg = in.cfg;
  md << "# Backtest report\n\n";
  md << "Period: " << in.window.to_string() << "  \nSymbols: ";
  for (std::size_t i = 0; i < in.symbols.size(); ++i) md << (i ? ", " : "") << in.symbols[i];
  md << "  \nStarting equity: " << money(in.summary.initial_equity) << " USDT (spot " << money(cfg.backtest.spot_usdt)
     << ", futures " << money(cfg.backtest.futures_usdt) << ")  \n";
  md << "Costs: spot maker/taker " << cfg.backtest.spot_maker_fee.to_string() << "/"
     << cfg.backtest.spot_taker_fee.to_string() << ", perp maker/taker " << cfg.backtest.perp_maker_fee.to_string()
     << "/" << cfg.backtest.perp_taker_fee.to_string() << ", half spread " << fixed(cfg.backtest.half_spread_bps, 2)
     << " bp, market slippage " << fixed(cfg.backtest.slippage_bps, 2) << " bp  \n";
  md << "Strategy: min_expected_apr " << fixed(cfg.strategy.funding.min_expected_apr, 4) << ", close_apr "
     << fixed(cfg.strategy.funding.close_apr, 4) << ", notional_per_symbol "
     << cfg.strategy.funding.notional_per_symbol.to_string() << " USDT\n\n";
  if (in.summary.auto_symbols) {
    md << "Symbols: auto over " << in.symbols.size() << " in the folder, at most "
       << in.cfg.strategy.funding.universe.max_symbols << " at a time; held: ";
    for (std::size_t i = 0; i < in.summary.universe_held.size(); ++i)
      md << (i ? ", " : "") << in.summary.universe_held[i];
    if (in.summary.universe_held.empty()) md << "none";
    md << " (" << in.summary.universe_changes << " changes of the set). The baselines hold every symbol.  \n\n";
  }
  for (const auto& r : in.summary.raised) md << "Raised to the bar length: " << r.line() << "  \n";
  if (!in.summary.raised.empty()) md << "\n";
}

void write_totals(std::ostream& md, const ReportInputs& in) {
  const BacktestSummary& s = in.summary;
  const CapitalUse cap = capital_use(in.exposure, s.net_pnl);
  md << "```\n" << s.line() << "\n```\n\n";
  md << "| | USDT |\n|---|---:|\n";
  md << "| funding received | " << money(s.funding_pnl) << " |\n| fees paid | " << money(s.fees) << " |\n"
     << "| basis / price PnL | " << money(s.basis_pnl) << " |\n| net PnL | " << money(s.net_pnl) << " |\n"
     << "| final equity | " << money(s.final_equity) << " |\n| max drawdown | " << money(s.max_drawdown) << " |\n"
     << "| APR on starting equity | " << fixed(s.apr * 100, 2) << " % |\n"
     << "| average capital used (spot + perp margin at " << in.cfg.exchange.leverage << "x) | " << fixed(cap.average, 2)
     << " |\n| APR on capital used | " << fixed(cap.apr * 100, 2) << " % |\n| fills | " << s.trades
     << " |\n| funding settlements with a position | " << in.settlements << " |\n| decisions logged | " << in.decisions
     << " |\n\n";
}

void write_baselines(std::ostream& md, const ReportInputs& in) {
  md << "## Baselines\n\nThe same prices and costs, no strategy: **always-on carry** buys spot and sells the perp "
        "(same base size, notional_per_symbol at the first common close) with taker fees and the market slippage, "
        "collects every settlement, and closes at the last close; **flat** never trades.\n\n";
  md << "| baseline | held | size | funding | fees | slippage | price / basis | net |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& b : in.baselines) {
    md << "| always-on " << b.symbol << " | ";
    if (b.traded)
      md << b.open_ts.to_rfc3339() << " .. " << b.close_ts.to_rfc3339();
    else
      md << "never (no common close)";
    md << " | " << b.size.to_string(6, Rounding::HalfEven) << " | " << money(b.funding) << " | " << money(b.fees)
       << " | " << money(b.slippage) << " | " << money(b.price_pnl) << " | " << money(b.net) << " |\n";
  }
  md << "| always-on, all symbols | | | | | | | " << money(in.summary.baseline_net) << " |\n"
     << "| flat | | | | | | | 0.00 |\n\n";
  md << "Carry's net " << money(in.summary.net_pnl) << " USDT against " << money(in.summary.baseline_net)
     << " USDT always-on: vs_baseline " << in.summary.vs_baseline() << ".\n\n";
}

void write_months(std::ostream& md, const ReportInputs& in) {
  md << "## Per month\n\n| month | funding available (1x pair) | funding captured | fees | basis | net | time in "
        "market |\n"
        "|---|---:|---:|---:|---:|---:|---:|\n";
  for (const MonthRow& r : month_table(in.days, in.baselines, in.exposure))
    md << "| " << r.month << " | " << money(r.available) << " | " << money(r.funding) << " | " << money(r.fees) << " | "
       << money(r.basis) << " | " << money(r.net) << " | " << fixed(r.time_in_market * 100, 1) << " % |\n";
  md << "\n";
}

void write_days(std::ostream& md, const ReportInputs& in) {
  md << "## Per day\n\n| date | fills | funding | fees | basis | net | equity |\n|---|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& [date, day] : in.days) {
    const Decimal net = day.equity_end - day.equity_start;
    md << "| " << date << " | " << day.trades << " | " << money(day.funding) << " | " << money(day.fees) << " | "
       << money(net - day.funding + day.fees) << " | " << money(net) << " | " << money(day.equity_end) << " |\n";
  }
}

}  // namespace

void write_report(std::ostream& md, const ReportInputs& in) {
  write_header(md, in);
  write_totals(md, in);
  write_baselines(md, in);
  write_months(md, in);
  md << "## Equity curve\n\n![Equity change (USDT) against time since the start (h = hours, d = days)](equity.png)\n\n";
  write_days(md, in);
  md << "\nTables (same schema as live trading): `backtest.db`. Decision trail: `logs/app.jsonl`.\n";
}

}  // namespace carry::app
