#include <carry/monitor/daily_report.hpp>

#include <fstream>
#include <map>
#include <sstream>

namespace carry::monitor {
namespace {

// Table cells: a '|' or a line break inside free text would break the Markdown table.
std::string cell(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string dec(const std::optional<Decimal>& d) { return d ? d->to_string() : "-"; }

std::string time_of(UnixNanos t) { return t.to_rfc3339(); }

// "1.2 USDT, 0.0001 BTC" (coins in name order); "0" when empty.
std::string by_coin(const std::map<std::string, Decimal>& sums) {
  if (sums.empty()) return "0";
  std::string out;
  for (const auto& [coin, v] : sums) {
    if (!out.empty()) out += ", ";
    out += v.to_string() + (coin.empty() ? "" : " " + coin);
  }
  return out;
}

struct FillSummary {
  int count = 0, maker = 0;
  Decimal bought, sold, notional;
  std::map<std::string, Decimal> fees;
};

}  // namespace

Result<DailyReportData> load_daily_report_data(store::Repo& repo, std::string_view date) {
  const auto bounds = store::utc_day_bounds(date);
  if (!bounds) return make_error_code(Errc::invalid_argument);
  DailyReportData d;
  d.date = std::string(date);
  auto fills = repo.fills_between(bounds->first, bounds->second);
  if (!fills) return fills.error();
  d.fills = std::move(*fills);
  auto funding = repo.funding_events(bounds->first, bounds->second);
  if (!funding) return funding.error();
  d.funding = std::move(*funding);
  auto pnl = repo.daily_pnl(date, date);
  if (!pnl) return pnl.error();
  d.pnl = std::move(*pnl);
  auto decisions = repo.decisions_for_day(date);
  if (!decisions) return decisions.error();
  d.decisions = std::move(*decisions);
  auto positions = repo.last_positions(bounds->second);
  if (!positions) return positions.error();
  d.positions = std::move(*positions);
  return d;
}

namespace {

// What the sections share, computed once from the day's records.
struct DayTotals {
  std::map<std::pair<std::string, std::string>, FillSummary> by_leg;  // (symbol, market)
  FillSummary all;
  Decimal received, paid;
  std::map<std::string, int> kinds;
  std::map<std::string, const store::DecisionRecord*> last_decision;
};

DayTotals totals_of(const DailyReportData& data) {
  DayTotals t;
  // Per (symbol, market) fill totals; fees per coin (spot buys pay fees in the base coin).
  for (const auto& r : data.fills) {
    const Fill& f = r.fill;
    FillSummary& s = t.by_leg[{f.symbol, std::string(to_string(f.market))}];
    const Decimal value = f.price * f.size;
    for (FillSummary* x : {&s, &t.all}) {
      ++x->count;
      x->maker += f.maker;
      (f.side == Side::Buy ? x->bought : x->sold) += f.size;
      x->notional += value;
      x->fees[f.fee_coin] += f.fee;
    }
  }
  for (const auto& f : data.funding) (f.amount.is_negative() ? t.paid : t.received) += f.amount;
  for (const auto& d : data.decisions) {
    ++t.kinds[d.kind];
    t.last_decision[d.symbol] = &d;  // decisions come oldest first
  }

  return t;
}

void write_summary(std::ostringstream& md, const DailyReportData& data, const DayTotals& t) {
  md << "## Summary\n\n| Item | Value |\n|---|---|\n";
  md << "| Fills | " << t.all.count << " (maker " << t.all.maker << ", taker " << t.all.count - t.all.maker << ") |\n";
  md << "| Traded notional (quote) | " << t.all.notional.to_string() << " |\n";
  md << "| Fees (+ paid, - rebate) | " << by_coin(t.all.fees) << " |\n";
  md << "| Funding received | " << t.received.to_string() << " |\n";
  md << "| Funding paid | " << (-t.paid).to_string() << " |\n";
  md << "| Funding net | " << (t.received + t.paid).to_string() << " |\n";
  const store::DailyPnlRecord* total = nullptr;
  for (const auto& p : data.pnl)
    if (p.symbol.empty()) total = &p;
  if (total) {
    md << "| Net PnL | " << total->net_pnl.to_string() << " |\n";
  } else if (!data.pnl.empty()) {
    Decimal net;
    for (const auto& p : data.pnl) net += p.net_pnl;
    md << "| Net PnL (sum of symbols) | " << net.to_string() << " |\n";
  } else {
    md << "| Net PnL | not recorded |\n";
  }
  md << "| Decisions | " << data.decisions.size();
  if (!t.kinds.empty()) {
    md << " (";
    bool first = true;
    for (const auto& [kind, n] : t.kinds) {
      md << (first ? "" : ", ") << cell(kind) << " " << n;
      first = false;
    }
    md << ")";
  }
  md << " |\n\n";
}

void write_fills(std::ostringstream& md, const DayTotals& t) {
  md << "## Fills by symbol\n\n";
  if (t.by_leg.empty()) {
    md << "None.\n\n";
  } else {
    md << "| Symbol | Market | Fills | Maker | Bought | Sold | Notional | Fees "
          "|\n|---|---|---:|---:|---:|---:|---:|---|\n";
    for (const auto& [key, s] : t.by_leg)
      md << "| " << cell(key.first) << " | " << key.second << " | " << s.count << " | " << s.maker << " | "
         << s.bought.to_string() << " | " << s.sold.to_string() << " | " << s.notional.to_string() << " | "
         << by_coin(s.fees) << " |\n";
    md << "\n";
  }
}

void write_funding(std::ostringstream& md, const DailyReportData& data) {
  md << "## Funding settlements\n\n";
  if (data.funding.empty()) {
    md << "None.\n\n";
  } else {
    md << "| Time (UTC) | Symbol | Rate | Position | Mark price | Amount |\n|---|---|---:|---:|---:|---:|\n";
    for (const auto& f : data.funding)
      md << "| " << time_of(f.ts) << " | " << cell(f.symbol) << " | " << dec(f.rate) << " | " << dec(f.position_size)
         << " | " << dec(f.mark_price) << " | " << f.amount.to_string() << " |\n";
    md << "\n";
  }
}

void write_pnl(std::ostringstream& md, const DailyReportData& data) {
  md << "## PnL\n\n";
  if (data.pnl.empty()) {
    md << "No daily PnL recorded.\n\n";
  } else {
    md << "| Symbol | Funding | Fees | Basis | Realized | Net |\n|---|---:|---:|---:|---:|---:|\n";
    for (const auto& p : data.pnl)
      md << "| " << (p.symbol.empty() ? "Total" : cell(p.symbol)) << " | " << p.funding.to_string() << " | "
         << p.fees.to_string() << " | " << p.basis_pnl.to_string() << " | " << p.realized_pnl.to_string() << " | "
         << p.net_pnl.to_string() << " |\n";
    md << "\n";
  }
}

void write_decisions(std::ostringstream& md, const DailyReportData& data, const DayTotals& t) {
  md << "## Decisions\n\n";
  if (data.decisions.empty()) {
    md << "None.\n\n";
  } else {
    md << "| Kind | Count |\n|---|---:|\n";
    for (const auto& [kind, n] : t.kinds) md << "| " << cell(kind) << " | " << n << " |\n";
    md << "\n| Symbol | Last decision | Time (UTC) | Reason |\n|---|---|---|---|\n";
    for (const auto& [symbol, d] : t.last_decision)
      md << "| " << cell(symbol) << " | " << cell(d->kind) << " | " << time_of(d->ts) << " | " << cell(d->reason)
         << " |\n";
    md << "\n";
  }
}

void write_positions(std::ostringstream& md, const DailyReportData& data) {
  md << "## Positions at end of day\n\n";
  if (data.positions.empty()) {
    md << "None recorded.\n";
  } else {
    md << "| Symbol | Market | Size | Entry | Mark | Unrealized PnL | As of (UTC) "
          "|\n|---|---|---:|---:|---:|---:|---|\n";
    for (const auto& p : data.positions)
      md << "| " << cell(p.symbol) << " | " << to_string(p.market) << " | " << p.size.to_string() << " | "
         << dec(p.entry_price) << " | " << dec(p.mark_price) << " | " << p.unrealized_pnl.to_string() << " | "
         << time_of(p.ts) << " |\n";
  }
}

}  // namespace

std::string render_daily_report(const DailyReportData& data) {
  const DayTotals t = totals_of(data);
  std::ostringstream md;
  md << "# Carry daily report: " << data.date << " (UTC)\n\n";
  write_summary(md, data, t);
  write_fills(md, t);
  write_funding(md, data);
  write_pnl(md, data);
  write_decisions(md, data, t);
  write_positions(md, data);
  return md.str();
}

Result<std::filesystem::path> write_daily_report(const std::filesystem::path& reports_dir,
                                                 const DailyReportData& data) {
  // The date becomes the file name: only a real YYYY-MM-DD may (no path tricks).
  if (!store::utc_day_bounds(data.date)) return make_error_code(Errc::invalid_argument);
  std::error_code ec;
  std::filesystem::create_directories(reports_dir, ec);
  if (ec) return make_error_code(Errc::io);
  const auto file = reports_dir / (data.date + ".md");
  const auto tmp = reports_dir / (data.date + ".md.tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << render_daily_report(data);
    out.flush();
    if (!out) return make_error_code(Errc::io);
  }
  // Rename: a reader never sees half a report.
  std::filesystem::rename(tmp, file, ec);
  if (ec) return make_error_code(Errc::io);
  return file;
}

boost::asio::awaitable<Result<std::filesystem::path>> write_daily_report(store::Store& store,
                                                                         std::filesystem::path reports_dir,
                                                                         std::string date) {
  return store.run(
      [dir = std::move(reports_dir), d = std::move(date)](store::Repo& repo) -> Result<std::filesystem::path> {
        auto data = load_daily_report_data(repo, d);
        if (!data) return data.error();
        return write_daily_report(dir, *data);
      });
}

}  // namespace carry::monitor
