#include "backtest_report.hpp"

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
}

void write_totals(std::ostream& md, const ReportInputs& in) {
  const BacktestSummary& s = in.summary;
  md << "```\n" << s.line() << "\n```\n\n";
  md << "| | USDT |\n|---|---:|\n";
  md << "| funding received | " << money(s.funding_pnl) << " |\n| fees paid | " << money(s.fees) << " |\n"
     << "| basis / price PnL | " << money(s.basis_pnl) << " |\n| net PnL | " << money(s.net_pnl) << " |\n"
     << "| final equity | " << money(s.final_equity) << " |\n| max drawdown | " << money(s.max_drawdown) << " |\n"
     << "| APR | " << fixed(s.apr * 100, 2) << " % |\n| fills | " << s.trades
     << " |\n| funding settlements with a position | " << in.settlements << " |\n| decisions logged | "
     << in.decisions << " |\n\n";
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
  md << "## Equity curve\n\n![Equity change (USDT) against time since the start (h = hours, d = days)](equity.png)\n\n";
  write_days(md, in);
  md << "\nTables (same schema as live trading): `backtest.db`. Decision trail: `logs/app.jsonl`.\n";
}

}  // namespace carry::app
