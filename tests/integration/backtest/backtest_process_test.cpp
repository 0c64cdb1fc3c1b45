// carryd backtest as a real process on the bundled market data (data/): funding PnL checked
// against an independent computation from the input files and the recorded fills, determinism of
// every output, bad input reported as file:line with a non-zero exit, and the file-selection options.
#include <carry/core/decimal.hpp>
#include <carry_test/paths.hpp>
#include "backtest_support.hpp"

#include <carry_test/process.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

using carry::Decimal;
using carry::Rounding;
using carry_test::Process;
using carry_test::TempDir;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

using carry_test::backtest::carryd;
using carry_test::backtest::dec;
using carry_test::backtest::RunResult;
using carry_test::backtest::summary_fields;

const fs::path kData = fs::path(carry_test::source_dir()) / "data";
const std::vector<std::string> kSymbols = {"BTCUSDT", "ETHUSDT"};

// The sample's real funding (~3 %/yr) is below the default entry threshold after costs: this
// config makes the strategy open positions so that settlements find something to pay on.
std::string trading_config(const TempDir& dir) {
  return dir.write("trading.yaml",
                   "strategy:\n"
                   "  funding:\n"
                   "    min_expected_apr: 0.01\n"
                   "    close_apr: -0.5\n"
                   "    holding_horizon_hours: 720\n"
                   "backtest:\n"
                   "  spot_maker_fee: 0\n"
                   "  spot_taker_fee: 0\n"
                   "  perp_maker_fee: 0\n"
                   "  perp_taker_fee: 0.0002\n"
                   "log:\n"
                   "  console: false\n");
}

// ---- a small CSV reader of our own (the test must not trust the project's readers) ----

struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::size_t col(const std::string& name) const {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw std::runtime_error("no column " + name);
    return static_cast<std::size_t>(it - header.begin());
  }
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : line) {
    if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

Csv read_csv(const fs::path& p) {
  Csv csv;
  std::ifstream in(p);
  std::string line;
  if (!std::getline(in, line)) throw std::runtime_error("empty " + p.string());
  csv.header = split(line);
  while (std::getline(in, line))
    if (!line.empty()) csv.rows.push_back(split(line));
  return csv;
}

std::string summary_line(const std::string& out) {
  const auto pos = out.find("Backtest done:");
  return pos == std::string::npos ? "" : out.substr(pos, out.find('\n', pos) - pos);
}

// Every table, rows ordered by primary key (all columns when there is none), as text.
std::map<std::string, std::vector<std::string>> dump_tables(const fs::path& db_path) {
  SQLite::Database db(db_path.string(), SQLite::OPEN_READONLY);
  std::vector<std::string> tables;
  SQLite::Statement t(db,
                      "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
  while (t.executeStep()) tables.push_back(t.getColumn(0).getString());
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& name : tables) {
    std::vector<std::pair<int, std::string>> pk;
    std::vector<std::string> all;
    SQLite::Statement info(db, "PRAGMA table_info(\"" + name + "\")");
    while (info.executeStep()) {
      all.push_back("\"" + info.getColumn(1).getString() + "\"");
      if (info.getColumn(5).getInt() > 0) pk.emplace_back(info.getColumn(5).getInt(), all.back());
    }
    std::sort(pk.begin(), pk.end());
    std::string order;
    for (const auto& c : pk) order += (order.empty() ? "" : ",") + c.second;
    if (order.empty())
      for (const auto& c : all) order += (order.empty() ? "" : ",") + c;
    SQLite::Statement q(db, "SELECT * FROM \"" + name + "\" ORDER BY " + order);
    auto& rows = out[name];
    while (q.executeStep()) {
      std::string row;
      for (int i = 0; i < q.getColumnCount(); ++i) {
        const auto c = q.getColumn(i);
        row += (i ? "|" : "") + (c.isNull() ? std::string("NULL") : c.getString());
      }
      rows.push_back(std::move(row));
    }
  }
  return out;
}

// ---- the independent funding computation ----

struct Settlement {
  std::int64_t ts_ms;
  Decimal rate;
  int interval_h;
};

struct Coverage {
  std::int64_t start_ms, end_ms;  // [start, end)
};

// Candle files cover [first open, last open + interval); docs/backtest.md "Period".
Coverage candle_coverage(const Csv& c, std::int64_t interval_ms) {
  const auto t = c.col("open_time_ms");
  return {std::stoll(c.rows.front()[t]), std::stoll(c.rows.back()[t]) + interval_ms};
}

// Bitget's price steps of the perps (the backtest quotes on them, bid down and ask up).
Decimal perp_tick(const std::string& symbol) { return symbol == "BTCUSDT" ? dec("0.1") : dec("0.01"); }

struct SymbolFunding {
  std::vector<std::pair<std::int64_t, Decimal>> settled;  // (ts_ns, amount) where a position was held
  long double tolerance = 0;
};

// For every settlement inside the run: the perp position built from the fills stamped before it,
// times the rate and the perp mark (mid of the latest perp quote at or before it; a 1m candle
// becomes a quote at its last millisecond, close -/+ 1 bp, bid rounded down and ask up to the
// tick). Positive rate: longs pay, shorts receive.
SymbolFunding expected_funding(const std::string& symbol,
                               const std::vector<std::pair<std::int64_t, Decimal>>& perp_fills) {
  const Csv spot = read_csv(kData / ("binance_spot_" + symbol + "_1m.csv"));
  const Csv perp = read_csv(kData / ("binance_perp_" + symbol + "_1m.csv"));
  const Csv fund = read_csv(kData / ("binance_funding_" + symbol + ".csv"));
  std::vector<Settlement> settlements;
  for (const auto& r : fund.rows)
    settlements.push_back({std::stoll(r[fund.col("funding_time_ms")]), dec(r[fund.col("funding_rate")]),
                           std::stoi(r[fund.col("interval_hours")])});
  const Coverage cs = candle_coverage(spot, 60'000), cp = candle_coverage(perp, 60'000);
  const Coverage cf{settlements.front().ts_ms - settlements.front().interval_h * 3'600'000LL,
                    settlements.back().ts_ms + 1};
  const std::int64_t start = std::max({cs.start_ms, cp.start_ms, cf.start_ms});
  const std::int64_t end = std::min({cs.end_ms, cp.end_ms, cf.end_ms});

  std::vector<std::pair<std::int64_t, Decimal>> quotes;  // (quote ts ms, close)
  const auto t_col = perp.col("open_time_ms"), c_col = perp.col("close");
  for (const auto& r : perp.rows) quotes.emplace_back(std::stoll(r[t_col]) + 60'000 - 1, dec(r[c_col]));

  const Decimal h = dec("0.0001"), one = Decimal::from_units(1), tick = perp_tick(symbol);
  SymbolFunding out;
  for (const auto& s : settlements) {
    if (s.ts_ms < start || s.ts_ms >= end) continue;
    const std::int64_t s_ns = s.ts_ms * 1'000'000;
    Decimal position;
    for (const auto& [ts, signed_size] : perp_fills)
      if (ts < s_ns) position += signed_size;
    if (position.is_zero()) continue;
    auto q = std::upper_bound(quotes.begin(), quotes.end(), s.ts_ms,
                              [](std::int64_t t, const auto& e) { return t < e.first; });
    if (q == quotes.begin()) throw std::runtime_error("no perp quote before a settlement");
    const Decimal close = std::prev(q)->second;
    const Decimal bid = close.checked_mul(one - h, Rounding::Down).value().round_to_step(tick, Rounding::Down).value();
    const Decimal ask = close.checked_mul(one + h, Rounding::Up).value().round_to_step(tick, Rounding::Up).value();
    const long double mark = (static_cast<long double>(bid.raw()) + ask.raw()) / 2 / 1e9L;
    const long double amount =
        -(static_cast<long double>(s.rate.raw()) / 1e9L) * (static_cast<long double>(position.raw()) / 1e9L) * mark;
    out.settled.emplace_back(s_ns, Decimal::from_double(static_cast<double>(amount)).value());
    // The engine multiplies in 9-decimal fixed point: rate x size is rounded (<= 0.5e-9), then
    // x mark (the first error scaled by the mark) and rounded again (<= 0.5e-9); the mid of the
    // tick-rounded quote may differ by one raw unit of halving; plus the conversion above.
    out.tolerance += 0.5e-9L * mark + 0.5e-9L +
                     1e-9L * std::fabs(static_cast<double>(s.rate.to_double() * position.to_double())) + 2e-9L;
  }
  return out;
}

class BacktestFunding : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("bt_funding");
    run_ = new RunResult(
        carryd({"backtest", "--data", kData.string(), "--config", trading_config(*dir_), "--out", dir_->file("out")}));
  }
  static void TearDownTestSuite() {
    delete run_;
    delete dir_;
  }
  static TempDir* dir_;
  static RunResult* run_;
};
TempDir* BacktestFunding::dir_ = nullptr;
RunResult* BacktestFunding::run_ = nullptr;

TEST_F(BacktestFunding, RunsEndToEndOnBothSymbolsAt1m) {
  ASSERT_EQ(run_->code, 0) << run_->err;
  const auto f = summary_fields(run_->out);
  EXPECT_EQ(f.at("symbols"), "2");
  EXPECT_GT(std::stoi(f.at("trades")), 0) << run_->out;
  for (const auto& s : kSymbols) EXPECT_NE(run_->err.find(s + ": using"), std::string::npos) << run_->err;
  EXPECT_NE(run_->err.find("perp 1m"), std::string::npos) << run_->err;
  for (const char* file : {"backtest.db", "report.md", "equity.png"})
    EXPECT_TRUE(fs::exists(dir_->path() / "out" / file)) << file;
}

// The decision trail holds news only: every OPEN / CLOSE / REBALANCE, and a HOLD only when its
// reason differs from that symbol's previous decision (an unchanged HOLD is not repeated because
// time passed). The log carries the same decisions as the table.
TEST_F(BacktestFunding, DecisionTrailHoldsOnlyNews) {
  ASSERT_EQ(run_->code, 0) << run_->err;
  SQLite::Database db((dir_->path() / "out" / "backtest.db").string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT symbol, kind, reason FROM decisions ORDER BY id");
  std::map<std::string, std::pair<std::string, std::string>> last;  // symbol -> (kind, reason)
  std::size_t rows = 0, opens = 0;
  while (q.executeStep()) {
    ++rows;
    const std::string symbol = q.getColumn(0).getString(), kind = q.getColumn(1).getString(),
                      reason = q.getColumn(2).getString();
    opens += kind == "OPEN";
    if (kind == "HOLD" && last.count(symbol)) {
      EXPECT_FALSE(last[symbol] == std::make_pair(kind, reason))
          << symbol << " repeats HOLD " << reason << " (row " << rows << ")";
    }
    last[symbol] = {kind, reason};
  }
  EXPECT_GT(opens, 0u);
  // 35 days of 1m quotes evaluated every minute: a few dozen decisions, not tens of thousands.
  EXPECT_LT(rows, 1000u);
  std::size_t logged = 0;
  for (const auto& line : carry_test::read_lines(dir_->path() / "out" / "logs" / "app.jsonl"))
    logged += line.find("\"event\":\"strategy.decision\"") != std::string::npos;
  EXPECT_EQ(logged, rows);
}

// A 1m candle gives the spot and the perp quote the same stamp. Every decision must see both
// quotes of the latest candle at or before it: a decision between the two (the new spot, the
// previous perp) would see a "basis" that is one minute of price move, and act on it.
TEST_F(BacktestFunding, DecisionsSeeBothLegsOfTheLatestCandle) {
  ASSERT_EQ(run_->code, 0) << run_->err;
  SQLite::Database db((dir_->path() / "out" / "backtest.db").string(), SQLite::OPEN_READONLY);
  std::size_t checked = 0;
  for (const auto& symbol : kSymbols) {
    // (quote ts ns, close) of each market: the candle quote is stamped at its last millisecond.
    std::map<std::string, std::vector<std::pair<std::int64_t, double>>> closes;
    for (const std::string market : {"spot", "perp"}) {
      const Csv c = read_csv(kData / ("binance_" + market + "_" + symbol + "_1m.csv"));
      for (const auto& r : c.rows)
        closes[market].emplace_back((std::stoll(r[c.col("open_time_ms")]) + 60'000 - 1) * 1'000'000,
                                    std::stod(r[c.col("close")]));
    }
    auto latest_close = [&](const std::string& market, std::int64_t ts) {
      const auto& v = closes[market];
      auto it = std::upper_bound(v.begin(), v.end(), ts, [](std::int64_t t, const auto& e) { return t < e.first; });
      if (it == v.begin()) throw std::runtime_error("a decision before the first quote");
      return std::prev(it)->second;
    };
    SQLite::Statement q(db,
                        "SELECT ts_ns, json_extract(numbers, '$.spot_mid'), json_extract(numbers, '$.perp_mid') "
                        "FROM decisions WHERE symbol = ? ORDER BY id");
    q.bind(1, symbol);
    while (q.executeStep()) {
      const std::int64_t ts = q.getColumn(0).getInt64();
      const double spot_mid = q.getColumn(1).getDouble(), perp_mid = q.getColumn(2).getDouble();
      if (spot_mid <= 0 || perp_mid <= 0) continue;  // before the first quotes
      ++checked;
      // The quote is close -/+ 1 bp with the bid rounded down and the ask up to the tick: its mid
      // is the close within a tick (0.1 at most here).
      EXPECT_NEAR(spot_mid, latest_close("spot", ts), 0.1) << symbol << " decision at " << ts;
      EXPECT_NEAR(perp_mid, latest_close("perp", ts), 0.1) << symbol << " decision at " << ts;
    }
  }
  // At least an OPEN and a HOLD per symbol (a held pair logs little more: only changes are news).
  EXPECT_GE(checked, 2 * kSymbols.size());
}

TEST_F(BacktestFunding, FundingPnlEqualsIndependentComputation) {
  ASSERT_EQ(run_->code, 0) << run_->err;
  SQLite::Database db((dir_->path() / "out" / "backtest.db").string(), SQLite::OPEN_READONLY);

  std::map<std::string, std::vector<std::pair<std::int64_t, Decimal>>> fills;  // perp, signed base size
  SQLite::Statement qf(db, "SELECT symbol, side, size, ts_event_ns FROM fills WHERE market = 'perp' ORDER BY id");
  while (qf.executeStep()) {
    const Decimal size = dec(qf.getColumn(2).getString());
    fills[qf.getColumn(0).getString()].emplace_back(qf.getColumn(3).getInt64(),
                                                    qf.getColumn(1).getString() == "buy" ? size : -size);
  }
  std::map<std::pair<std::string, std::int64_t>, Decimal> recorded;
  Decimal recorded_sum;
  SQLite::Statement qe(db, "SELECT symbol, ts_ns, amount FROM funding_events ORDER BY id");
  while (qe.executeStep()) {
    const Decimal amount = dec(qe.getColumn(2).getString());
    recorded[{qe.getColumn(0).getString(), qe.getColumn(1).getInt64()}] = amount;
    recorded_sum += amount;
  }

  std::map<std::pair<std::string, std::int64_t>, Decimal> expected;
  long double expected_sum = 0, tolerance = 0;
  for (const auto& s : kSymbols) {
    const SymbolFunding e = expected_funding(s, fills[s]);
    for (const auto& [ts, amount] : e.settled) {
      expected[{s, ts}] = amount;
      expected_sum += amount.to_double();
    }
    tolerance += e.tolerance;
  }
  ASSERT_GT(expected.size(), 0u) << "the trading config must hold positions across settlements";

  // Same settlements paid, each within its own rounding.
  std::set<std::pair<std::string, std::int64_t>> exp_keys, rec_keys;
  for (const auto& [k, v] : expected) exp_keys.insert(k);
  for (const auto& [k, v] : recorded) rec_keys.insert(k);
  EXPECT_EQ(exp_keys, rec_keys);
  for (const auto& [k, v] : expected) {
    const auto it = recorded.find(k);
    if (it == recorded.end()) continue;
    EXPECT_NEAR(it->second.to_double(), v.to_double(), 2e-4) << k.first << " at " << k.second;
  }

  // Totals: the sum of the table and the summary (printed to the cent: +/- 0.005) against ours.
  const double summary = std::stod(summary_fields(run_->out).at("funding_pnl"));
  EXPECT_NEAR(recorded_sum.to_double(), static_cast<double>(expected_sum), static_cast<double>(tolerance));
  EXPECT_NEAR(summary, static_cast<double>(expected_sum), 0.005 + static_cast<double>(tolerance));
  EXPECT_NEAR(summary, recorded_sum.to_double(), 0.005 + 1e-9);
}

TEST(BacktestDeterminism, TwoRunsGiveIdenticalSummaryReportAndTables) {
  TempDir dir("bt_det");
  const std::string cfg = trading_config(dir);
  const auto a = carryd({"backtest", "--data", kData.string(), "--config", cfg, "--out", dir.file("a")});
  const auto b = carryd({"backtest", "--data", kData.string(), "--config", cfg, "--out", dir.file("b")});
  ASSERT_EQ(a.code, 0) << a.err;
  ASSERT_EQ(b.code, 0) << b.err;
  EXPECT_NE(summary_line(a.out), "");
  EXPECT_EQ(summary_line(a.out), summary_line(b.out));
  const std::string report_a = carry_test::read_file(dir.path() / "a" / "report.md");
  EXPECT_GT(report_a.size(), 100u);
  EXPECT_EQ(report_a, carry_test::read_file(dir.path() / "b" / "report.md"));
  EXPECT_EQ(carry_test::read_file(dir.path() / "a" / "equity.png"),
            carry_test::read_file(dir.path() / "b" / "equity.png"));
  const auto ta = dump_tables(dir.path() / "a" / "backtest.db");
  const auto tb = dump_tables(dir.path() / "b" / "backtest.db");
  ASSERT_EQ(ta.size(), tb.size());
  EXPECT_GT(ta.at("fills").size(), 0u);
  for (const auto& [name, rows] : ta) {
    ASSERT_TRUE(tb.count(name)) << name;
    EXPECT_EQ(rows.size(), tb.at(name).size()) << name;
    EXPECT_TRUE(rows == tb.at(name)) << "table " << name << " differs";
  }
}

// ---- bad input: one day of BTCUSDT copied into a temp folder, then damaged ----

class BacktestBadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    copy_head("binance_spot_BTCUSDT_1m.csv", 1441);
    copy_head("binance_perp_BTCUSDT_1m.csv", 1441);
    // The funding rows around that day.
    const Csv f = read_csv(kData / "binance_funding_BTCUSDT.csv");
    std::ofstream out(dir_.path() / "binance_funding_BTCUSDT.csv");
    out << "funding_time_ms,funding_time_utc,symbol,funding_rate,interval_hours\n";
    for (const auto& r : f.rows) {
      const auto t = std::stoll(r[f.col("funding_time_ms")]);
      if (t >= 1747699200000LL && t <= 1747699200000LL + 32 * 3'600'000LL) out << join(r) << "\n";
    }
  }
  static std::string join(const std::vector<std::string>& r) {
    std::string s;
    for (std::size_t i = 0; i < r.size(); ++i) s += (i ? "," : "") + r[i];
    return s;
  }
  void copy_head(const std::string& name, int lines) {
    std::ifstream in(kData / name);
    std::ofstream out(dir_.path() / name);
    std::string l;
    for (int i = 0; i < lines && std::getline(in, l); ++i) out << l << "\n";
  }
  std::vector<std::string> lines(const std::string& name) { return carry_test::read_lines(dir_.path() / name); }
  void write(const std::string& name, const std::vector<std::string>& ls) {
    std::ofstream out(dir_.path() / name);
    for (const auto& l : ls) out << l << "\n";
  }
  RunResult run(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"backtest",
                                     "--data",
                                     dir_.path().string(),
                                     "--out",
                                     dir_.file("out"),
                                     "--config",
                                     dir_.write("quiet.yaml", "log:\n  console: false\n")};
    // The default config trades BTCUSDT and ETHUSDT; this folder only has BTCUSDT.
    if (std::find(extra.begin(), extra.end(), "--symbols") == extra.end())
      extra.insert(extra.end(), {"--symbols", "BTCUSDT"});
    args.insert(args.end(), extra.begin(), extra.end());
    return carryd(args);
  }
  std::string file(const std::string& name) const { return dir_.file(name); }
  TempDir dir_{"bt_bad"};
};

TEST_F(BacktestBadInput, TheUndamagedCopyRuns) {
  const auto r = run();
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Backtest done: days=1.00 symbols=1"), std::string::npos) << r.out << r.err;
}

TEST_F(BacktestBadInput, MissingColumnNamesFileAndLine) {
  auto ls = lines("binance_spot_BTCUSDT_1m.csv");
  ls[0] = "open_time_ms,open_time_utc,open,high,low,closing,volume";
  write("binance_spot_BTCUSDT_1m.csv", ls);
  const auto r = run();
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find(file("binance_spot_BTCUSDT_1m.csv") + ":1: missing column 'close'"), std::string::npos) << r.err;
  EXPECT_EQ(summary_line(r.out), "");
}

TEST_F(BacktestBadInput, BadNumberNamesFileLineAndColumn) {
  auto ls = lines("binance_perp_BTCUSDT_1m.csv");
  auto fields = split(ls[2]);
  fields[5] = "105x58.2";  // close of line 3
  ls[2] = join(fields);
  write("binance_perp_BTCUSDT_1m.csv", ls);
  const auto r = run();
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find(file("binance_perp_BTCUSDT_1m.csv") + ":3: bad number in column 'close': '105x58.2'"),
            std::string::npos)
      << r.err;
}

TEST_F(BacktestBadInput, UnsortedRowsNameFileAndLine) {
  auto ls = lines("binance_spot_BTCUSDT_1m.csv");
  std::swap(ls[9], ls[10]);  // lines 10 and 11: line 11 goes back in time
  write("binance_spot_BTCUSDT_1m.csv", ls);
  const auto r = run();
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find(file("binance_spot_BTCUSDT_1m.csv") + ":11: out of order"), std::string::npos) << r.err;
}

TEST_F(BacktestBadInput, UnsortedFundingNamesFileAndLine) {
  auto ls = lines("binance_funding_BTCUSDT.csv");
  ASSERT_GE(ls.size(), 4u);
  std::swap(ls[1], ls[2]);
  write("binance_funding_BTCUSDT.csv", ls);
  const auto r = run();
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find(file("binance_funding_BTCUSDT.csv") + ":3:"), std::string::npos) << r.err;
}

TEST_F(BacktestBadInput, UnknownSymbolListsTheSymbolsFound) {
  const auto r = run({"--symbols", "XRPUSDT"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("unknown symbol XRPUSDT"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("BTCUSDT"), std::string::npos) << r.err;
}

TEST_F(BacktestBadInput, FromAfterToIsAnError) {
  const auto r = run({"--from", "2025-05-21", "--to", "2025-05-20"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("--from"), std::string::npos) << r.err;
  EXPECT_EQ(summary_line(r.out), "");
}

// ---- choosing the files ----

TEST(BacktestFiles, HourlyTimeframe) {
  TempDir dir("bt_1h");
  const auto r = carryd({"backtest", "--data", kData.string(), "--timeframe", "1h", "--config",
                         dir.write("quiet.yaml", "log:\n  console: false\n"), "--out", dir.file("out")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("perp 1h"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("perp 1m"), std::string::npos) << r.err;
  // Order lifetimes shorter than a bar are raised to it, and the run says so (stderr, report).
  const std::string report = carry_test::read_file(dir.path() / "out" / "report.md");
  for (const std::string line :
       {"leader_timeout_s: 120 s configured, 7200 s used", "order_expiry_s: 60 s configured, 3600 s used",
        "chase_interval_ms: 2000 ms configured, 3600000 ms used", "hedge_timeout_s: 30 s configured, 7200 s used",
        "reopen_cooldown_s: 900 s configured, 3600 s used"}) {
    EXPECT_NE(r.err.find("note: 3600 s bars: " + line + "\n"), std::string::npos) << r.err;
    EXPECT_NE(report.find("Raised to the bar length: " + line), std::string::npos) << report;
  }
  const auto f = summary_fields(r.out);
  EXPECT_EQ(f.at("symbols"), "2");
  EXPECT_GT(std::stod(f.at("days")), 100.0);  // the hourly files span four months, the 1m ones 35 days
  EXPECT_TRUE(fs::exists(dir.path() / "out" / "report.md"));
}

// On hourly candles the leader takes (a resting leader's hedge could only trade at the close of
// the bar that filled it): every fill is a taker's, and each leader fill is hedged at the same
// candle quote, so spot and perp fills come in the same instant.
TEST(BacktestFiles, HourlyCandlesOpenWithBothLegsTakingAtTheSameQuote) {
  TempDir dir("bt_1h_trading");
  const auto r = carryd({"backtest", "--data", kData.string(), "--timeframe", "1h", "--symbols", "ETHUSDT", "--to",
                         "2025-03-15", "--config", trading_config(dir), "--out", dir.file("out")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_GT(std::stoi(summary_fields(r.out).at("trades")), 0) << r.out;
  EXPECT_NE(r.err.find("note: 3600 s bars: leader: post-only maker configured, taker IOC used"), std::string::npos)
      << r.err;
  SQLite::Database db((dir.path() / "out" / "backtest.db").string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM fills WHERE maker = 1").getInt(), 0);
  SQLite::Statement q(db, "SELECT ts_event_ns, COUNT(DISTINCT market) FROM fills GROUP BY ts_event_ns");
  std::size_t instants = 0;
  while (q.executeStep()) {
    ++instants;
    EXPECT_EQ(q.getColumn(1).getInt(), 2) << "fills at " << q.getColumn(0).getInt64() << " are one leg only";
  }
  EXPECT_GT(instants, 0u);
}

TEST(BacktestFiles, ExplicitFilesForOneSymbol) {
  TempDir dir("bt_explicit");
  const auto r = carryd({"backtest", "--spot", (kData / "binance_spot_ETHUSDT_1m.csv").string(), "--perp",
                         (kData / "binance_perp_ETHUSDT_1m.csv").string(), "--funding",
                         (kData / "binance_funding_ETHUSDT.csv").string(), "--config", trading_config(dir), "--out",
                         dir.file("out")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("ETHUSDT: using"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("BTCUSDT"), std::string::npos) << r.err;
  const auto f = summary_fields(r.out);
  EXPECT_EQ(f.at("symbols"), "1");
  EXPECT_GT(std::stoi(f.at("trades")), 0);
  SQLite::Database db((dir.path() / "out" / "backtest.db").string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM fills WHERE symbol <> 'ETHUSDT'").getInt(), 0);
}

}  // namespace
