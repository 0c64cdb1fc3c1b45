// carryd fetch-history (a real process) against bitget-sim (a real process) serving synthetic
// history (--history-days): the files hold exactly what the sim serves, paged (more rows than one
// page on every endpoint), load with `carryd backtest --data`; an interrupted run resumes without
// downloading complete windows again (counted by the sim's /sim/stats), a run over complete files
// downloads nothing, transient 429s are retried, bad arguments give one line and a non-zero exit.
#include <carry_test/paths.hpp>
#include <carry_test/sim_process.hpp>

#include <carry/core/decimal.hpp>
#include <carry/core/time.hpp>

#include <carry_test/process.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace {

using carry::Decimal;
using carry::UnixNanos;
using carry::test::http_call;
using carry::test::SimProcess;
using carry_test::Process;
using carry_test::TempDir;
using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kMinuteMs = 60'000;
constexpr const char* kSpotPath = "/api/v2/spot/market/history-candles";
constexpr const char* kPerpPath = "/api/v2/mix/market/history-candles";
constexpr const char* kFundingPath = "/api/v2/mix/market/history-fund-rate";

struct RunResult {
  int code = -1;
  std::string out, err;
};

std::vector<std::string> lines_of(const fs::path& p) { return carry_test::read_lines(p); }

std::string date_of(std::int64_t ms) { return UnixNanos::from_ms(ms).to_rfc3339().substr(0, 10); }

class FetchHistory : public ::testing::Test {
 protected:
  void SetUp() override {
    // Hourly settlements so the funding history spans more than one 100-row page.
    sim_ = std::make_unique<SimProcess>(
        carry_test::sim_exe(), std::vector<std::string>{"--listen", "127.0.0.1:0", "--synthetic", "--seed", "5",
                                                        "--history-days", "7", "--funding-interval", "3600"});
    ASSERT_TRUE(sim_->is_ready()) << sim_->ready().dump();
    rest_ = sim_->ready()["rest"];
    // Three whole days well inside the sim's history: [today-5d, today-2d).
    const std::int64_t today = stats()["server_time"].get<std::int64_t>() / kDayMs * kDayMs;
    from_ms_ = today - 5 * kDayMs;
    to_ms_ = today - 2 * kDayMs;
    from_ = date_of(from_ms_);
    to_ = date_of(to_ms_ - kDayMs);  // a bare --to includes that day
    config_ = dir_.write("quiet.yaml", "log:\n  console: false\n");
  }

  json stats() const { return http_call(sim_->port(), "GET", "/sim/stats").json(); }
  std::uint64_t calls(const json& s, const std::string& path) const {
    return s["requests_by_path"].value(path, std::uint64_t{0});
  }

  std::vector<std::string> fetch_args(const fs::path& out) const {
    return {carry_test::carryd_path(),
            "fetch-history",
            "--symbol",
            "BTCUSDT",
            "--from",
            from_,
            "--to",
            to_,
            "--out",
            out.string(),
            "--config",
            config_};
  }
  std::map<std::string, std::string> env() const { return {{"EXCHANGE__REST_URL", rest_}}; }

  RunResult run(std::vector<std::string> args) const {
    Process p(std::move(args), env());
    const auto code = p.wait(120s);
    return {code.value_or(-1), p.out(), p.err()};
  }
  RunResult fetch(const fs::path& out) const { return run(fetch_args(out)); }

  std::string name(const std::string& role) const {
    const std::string range = date_of(from_ms_).substr(0, 4) + date_of(from_ms_).substr(5, 2) +
                              date_of(from_ms_).substr(8, 2) + "-" + to_.substr(0, 4) + to_.substr(5, 2) +
                              to_.substr(8, 2);
    if (role == "funding") return "bitget_funding_BTCUSDT_" + range + ".csv";
    return "bitget_" + role + "_BTCUSDT_1m_" + range + ".csv";
  }

  std::size_t expected_candles() const { return static_cast<std::size_t>((to_ms_ - from_ms_) / kMinuteMs); }
  std::uint64_t windows() const { return (expected_candles() + 199) / 200; }

  std::unique_ptr<SimProcess> sim_;
  std::string rest_, from_, to_, config_;
  std::int64_t from_ms_ = 0, to_ms_ = 0;
  TempDir dir_{"fetch_history"};
};

// Every row the sim serves for [from, to), asked directly (200 per call), by open time.
std::map<std::int64_t, std::vector<Decimal>> served_candles(unsigned short port, const std::string& path, bool perp,
                                                            std::int64_t from, std::int64_t to) {
  std::map<std::int64_t, std::vector<Decimal>> out;
  for (std::int64_t t = from; t < to; t += 200 * kMinuteMs) {
    std::string target = std::string(path) +
                         "?symbol=BTCUSDT&granularity=" + (perp ? "1m&productType=USDT-FUTURES" : "1min") +
                         "&startTime=" + std::to_string(t) +
                         "&endTime=" + std::to_string(std::min(t + 200 * kMinuteMs, to) - 1) + "&limit=200";
    const auto j = http_call(port, "GET", target).json();
    for (const auto& row : j.at("data")) {
      std::vector<Decimal> v;
      for (int k = 1; k <= 5; ++k) v.push_back(*Decimal::parse(row[k].get<std::string>()));
      out[std::stoll(row[0].get<std::string>())] = v;
    }
  }
  return out;
}

void expect_candles_match(const fs::path& file, const std::map<std::int64_t, std::vector<Decimal>>& served) {
  const auto ls = lines_of(file);
  ASSERT_FALSE(ls.empty());
  EXPECT_EQ(ls[0], "open_time_ms,open_time_utc,open,high,low,close,volume");
  ASSERT_EQ(ls.size() - 1, served.size()) << file;
  auto it = served.begin();
  for (std::size_t i = 1; i < ls.size(); ++i, ++it) {
    std::vector<std::string> f;
    std::stringstream ss(ls[i]);
    for (std::string c; std::getline(ss, c, ',');) f.push_back(c);
    ASSERT_EQ(f.size(), 7u) << file << ":" << i + 1;
    ASSERT_EQ(std::stoll(f[0]), it->first) << file << ":" << i + 1 << " (rows sorted, unique, none missing)";
    EXPECT_EQ(f[1], UnixNanos::from_ms(it->first).to_rfc3339());
    for (int k = 0; k < 5; ++k)
      ASSERT_EQ(*Decimal::parse(f[2 + k]), it->second[k]) << file << ":" << i + 1 << " column " << 2 + k;
  }
}

TEST_F(FetchHistory, FilesHoldWhatTheSimServesPagedAndTheBacktestLoadsThem) {
  const fs::path out = dir_.path() / "data";
  const auto before = stats();
  const auto r = fetch(out);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto after = stats();
  const std::string n = std::to_string(expected_candles());
  EXPECT_NE(r.out.find("fetch-history done: symbol=BTCUSDT timeframe=1m spot=" + n + " perp=" + n + " funding=73 "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("spot: done, 4,320 rows -> " + name("spot")), std::string::npos) << r.err;

  // One request per 200-candle window, per market; funding walked back over two 100-row pages.
  EXPECT_EQ(calls(after, kSpotPath) - calls(before, kSpotPath), windows());
  EXPECT_EQ(calls(after, kPerpPath) - calls(before, kPerpPath), windows());
  EXPECT_GE(calls(after, kFundingPath) - calls(before, kFundingPath), 2u);
  EXPECT_GT(windows(), 1u);

  for (const char* role : {"spot", "perp", "funding"}) {
    EXPECT_TRUE(fs::exists(out / name(role))) << name(role);
    EXPECT_FALSE(fs::exists(out / (name(role) + ".part"))) << name(role);
  }
  expect_candles_match(out / name("spot"), served_candles(sim_->port(), kSpotPath, false, from_ms_, to_ms_));
  expect_candles_match(out / name("perp"), served_candles(sim_->port(), kPerpPath, true, from_ms_, to_ms_));

  // Funding: every hourly settlement in [from, to], with the sim's rates, 1 h intervals.
  std::map<std::int64_t, Decimal> rates;
  for (int page = 1; page <= 5; ++page) {
    const auto j = http_call(sim_->port(), "GET",
                             std::string(kFundingPath) +
                                 "?symbol=BTCUSDT&productType=USDT-FUTURES&pageSize=100&pageNo=" + std::to_string(page))
                       .json();
    for (const auto& e : j.at("data"))
      rates[std::stoll(e["fundingTime"].get<std::string>())] = *Decimal::parse(e["fundingRate"].get<std::string>());
  }
  const auto fl = lines_of(out / name("funding"));
  ASSERT_EQ(fl.size(), 1u + 73u);
  EXPECT_EQ(fl[0], "funding_time_ms,funding_time_utc,symbol,funding_rate,interval_hours");
  for (std::size_t i = 1; i < fl.size(); ++i) {
    const std::int64_t t = from_ms_ + static_cast<std::int64_t>(i - 1) * 3'600'000;
    std::vector<std::string> f;
    std::stringstream ss(fl[i]);
    for (std::string c; std::getline(ss, c, ',');) f.push_back(c);
    ASSERT_EQ(f.size(), 5u);
    EXPECT_EQ(std::stoll(f[0]), t) << "line " << i + 1;
    EXPECT_EQ(f[2], "BTCUSDT");
    ASSERT_TRUE(rates.count(t));
    EXPECT_EQ(*Decimal::parse(f[3]), rates[t]) << "line " << i + 1;
    EXPECT_EQ(f[4], "1");
  }

  const auto bt = run({carry_test::carryd_path(), "backtest", "--data", out.string(), "--symbols", "BTCUSDT",
                       "--config", config_, "--out", (dir_.path() / "bt").string()});
  ASSERT_EQ(bt.code, 0) << bt.err;
  EXPECT_NE(bt.out.find("Backtest done: days=3.00 symbols=1"), std::string::npos) << bt.out;
  EXPECT_NE(bt.err.find("BTCUSDT: using " + UnixNanos::from_ms(from_ms_).to_rfc3339() + " .. " +
                        UnixNanos::from_ms(to_ms_).to_rfc3339()),
            std::string::npos)
      << bt.err;
  EXPECT_EQ(bt.err.find("warning"), std::string::npos) << bt.err;  // no gaps

  // Same arguments again: everything is complete, nothing is downloaded, nothing changes.
  const std::string spot_before = carry_test::read_file(out / name("spot"));
  const auto again_before = stats();
  const auto again = fetch(out);
  ASSERT_EQ(again.code, 0) << again.err;
  const auto again_after = stats();
  for (const char* p : {kSpotPath, kPerpPath, kFundingPath})
    EXPECT_EQ(calls(again_after, p), calls(again_before, p)) << p;
  EXPECT_NE(again.out.find("downloaded=0"), std::string::npos) << again.out;
  EXPECT_EQ(carry_test::read_file(out / name("spot")), spot_before);
}

TEST_F(FetchHistory, InterruptedRunResumesWithoutDownloadingCompleteWindowsAgain) {
  const fs::path whole = dir_.path() / "whole", cut = dir_.path() / "cut";
  ASSERT_EQ(fetch(whole).code, 0);

  // Slower answers leave time to interrupt mid-run even on a loaded machine.
  ASSERT_EQ(http_call(sim_->port(), "POST", "/sim/faults", {{"content-type", "application/json"}},
                      R"({"latency_min_ms": 100, "latency_max_ms": 100})")
                .status,
            200);
  const auto s0 = stats();
  {
    Process p(fetch_args(cut), env());
    // Interrupt once a few windows are on disk (the run paces ~18 requests/s per endpoint).
    const auto part = cut / (name("spot") + ".part");
    ASSERT_TRUE(carry_test::wait_until([&] { return fs::exists(part) && lines_of(part).size() > 601; }, 60s));
    p.signal(SIGINT);
    const auto code = p.wait(30s);
    ASSERT_TRUE(code.has_value());
    ASSERT_EQ(*code, 130) << p.err();
    EXPECT_NE(p.err().find("run the same command again to resume"), std::string::npos) << p.err();
  }
  ASSERT_TRUE(fs::exists(cut / (name("spot") + ".part")));
  ASSERT_FALSE(fs::exists(cut / name("spot")));
  const auto s1 = stats();
  const auto first_spot = calls(s1, kSpotPath) - calls(s0, kSpotPath);
  const auto first_perp = calls(s1, kPerpPath) - calls(s0, kPerpPath);
  EXPECT_GE(first_spot, 3u);
  EXPECT_LT(first_spot, windows());

  const auto r = fetch(cut);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("spot: resuming after "), std::string::npos) << r.err;
  const auto s2 = stats();
  // Every window was downloaded exactly once across the two runs.
  EXPECT_EQ(first_spot + calls(s2, kSpotPath) - calls(s1, kSpotPath), windows());
  EXPECT_EQ(first_perp + calls(s2, kPerpPath) - calls(s1, kPerpPath), windows());
  for (const char* role : {"spot", "perp", "funding"})
    EXPECT_EQ(carry_test::read_file(cut / name(role)), carry_test::read_file(whole / name(role))) << role;
}

TEST_F(FetchHistory, KilledMidWriteTheCutLineIsRepairedAndOnlyTheRestIsFetched) {
  const fs::path whole = dir_.path() / "whole", cut = dir_.path() / "cut";
  ASSERT_EQ(fetch(whole).code, 0);
  // What a SIGKILL in the middle of a write leaves: 1000 rows and half of the next line.
  const auto ls = lines_of(whole / name("spot"));
  fs::create_directories(cut);
  {
    std::ofstream part(cut / (name("spot") + ".part"), std::ios::binary);
    for (std::size_t i = 0; i <= 1000; ++i) part << ls[i] << "\n";
    part << ls[1001].substr(0, ls[1001].size() / 2);
  }
  const auto s0 = stats();
  const auto r = fetch(cut);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("removed an unfinished last line"), std::string::npos) << r.err;
  const auto s1 = stats();
  EXPECT_EQ(calls(s1, kSpotPath) - calls(s0, kSpotPath), (expected_candles() - 1000 + 199) / 200);
  EXPECT_EQ(calls(s1, kPerpPath) - calls(s0, kPerpPath), windows());
  EXPECT_EQ(carry_test::read_file(cut / name("spot")), carry_test::read_file(whole / name("spot")));
}

TEST_F(FetchHistory, TransientErrorsAreRetried) {
  const auto set = http_call(sim_->port(), "POST", "/sim/faults", {{"content-type", "application/json"}},
                             R"({"http_429_next": 2, "http_5xx_next": 1, "http_scope": "public"})");
  ASSERT_EQ(set.status, 200) << set.body;
  const fs::path out = dir_.path() / "data";
  const auto r = fetch(out);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("retry 1/"), std::string::npos) << r.err;
  EXPECT_EQ(lines_of(out / name("spot")).size(), expected_candles() + 1);
  EXPECT_EQ(lines_of(out / name("perp")).size(), expected_candles() + 1);
  const auto s = stats();
  // Fewer consecutive failures than the circuit breaker's threshold (5): plain retries.
  EXPECT_EQ(s["faults_injected"].value("http_429", 0), 2) << s.dump();
  EXPECT_EQ(s["faults_injected"].value("http_5xx", 0), 1) << s.dump();
}

TEST_F(FetchHistory, PermanentErrorsAndBadArgumentsGiveOneLineAndNonZeroExit) {
  const auto last_line = [](const RunResult& r) {
    // Progress lines may precede it; the error is one last line naming the culprit.
    std::string e = r.err;
    if (!e.empty() && e.back() == '\n') e.pop_back();
    const auto nl = e.rfind('\n');
    return nl == std::string::npos ? e : e.substr(nl + 1);
  };
  const fs::path out = dir_.path() / "never";
  auto args = [&](std::vector<std::string> a) {
    a.insert(a.begin(), {carry_test::carryd_path(), "fetch-history"});
    a.insert(a.end(), {"--out", out.string(), "--config", config_});
    return a;
  };
  const auto backwards = run(args({"--symbol", "BTCUSDT", "--from", to_, "--to", from_}));
  EXPECT_EQ(backwards.code, 2);
  EXPECT_EQ(backwards.err.find("carryd: fetch-history: --from/--to: empty range"), 0u) << backwards.err;
  EXPECT_EQ(std::count(backwards.err.begin(), backwards.err.end(), '\n'), 1) << backwards.err;

  const auto same =
      run(args({"--symbol", "BTCUSDT", "--from", "2025-06-01T00:00:00Z", "--to", "2025-06-01T00:00:00Z"}));
  EXPECT_EQ(same.code, 2);
  EXPECT_NE(same.err.find("empty range"), std::string::npos) << same.err;

  const auto bad_date = run(args({"--symbol", "BTCUSDT", "--from", "2025-13-01", "--to", to_}));
  EXPECT_EQ(bad_date.code, 2);
  EXPECT_EQ(bad_date.err,
            "carryd: fetch-history: --from: bad date '2025-13-01' (expected YYYY-MM-DD or RFC 3339 UTC)\n");

  const auto missing = run(args({"--symbol", "BTCUSDT", "--from", from_}));
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("--from and --to are required"), std::string::npos) << missing.err;

  const auto unknown = run(args({"--symbol", "DOGEUSDT", "--from", from_, "--to", to_}));
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(last_line(unknown).find("carryd: fetch-history: setup: GET /api/v2/mix/market/current-fund-rate failed"),
            std::string::npos)
      << unknown.err;
  EXPECT_NE(last_line(unknown).find("40034"), std::string::npos) << unknown.err;

  const auto future = run(args({"--symbol", "BTCUSDT", "--from", from_, "--to", "2100-01-01"}));
  EXPECT_EQ(future.code, 2);
  EXPECT_NE(last_line(future).find("is after the exchange's current time"), std::string::npos) << future.err;

  EXPECT_FALSE(fs::exists(out)) << "nothing is created for a refused run";
}

}  // namespace
