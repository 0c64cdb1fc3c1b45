#include <carry/log/logger.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

using namespace carry;
using namespace carry::log;
namespace fs = std::filesystem;

namespace {

struct LogDir {
  fs::path path = fs::temp_directory_path() / ("carry_log_" + std::to_string(::getpid()) + "_" +
                                               std::to_string(reinterpret_cast<std::uintptr_t>(this)));
  LogDir() { fs::remove_all(path); }
  ~LogDir() { fs::remove_all(path); }
};

std::vector<std::string> read_lines(const std::string& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

std::string read_all(const std::string& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST(Logger, EveryJsonlLineParsesWithRequiredFields) {
  LogDir dir;
  ManualClock clock(UnixNanos::from_ms(1'750'435'200'123));
  {
    Logger logger({.dir = dir.path.string(), .level = LogLevel::Debug, .console = false}, clock);
    logger.info("app.start", {{"mode", "testnet"}, {"pid", 42}});
    logger.warn("guard.price_deviation", {{"symbol", "BTCUSDT"}, {"bps", 61.5}, {"limit_bps", 50}});
    logger.emit(LogLevel::Debug, "order.submit", {{"client_oid", "cry-1"}, {"price", "30000.1"}});
    logger.info("weird", {{"text", "quote \" backslash \\ newline \n tab \t"}, {"bad_utf8", std::string("\xff\xfe")}});
    logger.info("collide", {{"ts", "mine"}, {"event", "x"}});
    logger.info("scalar_fields", 5);
    logger.flush();
    const auto lines = read_lines(logger.jsonl_path());
    ASSERT_EQ(lines.size(), 6u);
    const std::regex ts_re(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$)");
    for (const auto& line : lines) {
      const auto j = nlohmann::json::parse(line);  // throws (fails the test) if not JSON
      ASSERT_TRUE(j.contains("ts") && j.contains("level") && j.contains("event")) << line;
      EXPECT_TRUE(std::regex_match(j["ts"].get<std::string>(), ts_re)) << line;
    }
    const auto first = nlohmann::json::parse(lines[0]);
    EXPECT_EQ(first["ts"], "2025-06-20T16:00:00.123Z");
    EXPECT_EQ(first["level"], "info");
    EXPECT_EQ(first["event"], "app.start");
    EXPECT_EQ(first["pid"], 42);
    EXPECT_EQ(nlohmann::json::parse(lines[1])["bps"], 61.5);
    const auto collide = nlohmann::json::parse(lines[4]);
    EXPECT_EQ(collide["event"], "collide");
    EXPECT_EQ(collide["ts_"], "mine");
    EXPECT_EQ(nlohmann::json::parse(lines[5])["value"], 5);
    // The human log has the same events.
    const auto human = read_all(logger.human_path());
    EXPECT_NE(human.find("guard.price_deviation bps=61.5 limit_bps=50 symbol=BTCUSDT"), std::string::npos) << human;
  }
}

TEST(Logger, LevelFilters) {
  LogDir dir;
  ManualClock clock;
  Logger logger({.dir = dir.path.string(), .level = LogLevel::Warn, .console = false}, clock);
  logger.info("quiet");
  logger.warn("loud");
  logger.flush();
  const auto lines = read_lines(logger.jsonl_path());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["event"], "loud");
  EXPECT_EQ(parse_level("debug"), LogLevel::Debug);
  EXPECT_FALSE(parse_level("verbose"));
}

TEST(Logger, SecretsNeverReachEitherSink) {
  LogDir dir;
  ManualClock clock;
  Logger logger({.dir = dir.path.string(), .console = false}, clock);
  logger.add_secret("bg_0123456789abcdef");
  logger.add_secret("s3cr3t-value-xyz");
  logger.info(
      "rest.request",
      {{"headers", {{"ACCESS-KEY", "bg_0123456789abcdef"}, {"ACCESS-SIGN", "b64sig=="}, {"ACCESS-PASSPHRASE", "pp"}}},
       {"note", "secret is s3cr3t-value-xyz inside text"},
       {"api_secret", "whatever"}});
  logger.info("error text mentions bg_0123456789abcdef");
  logger.flush();
  const std::string all = read_all(logger.jsonl_path()) + read_all(logger.human_path());
  EXPECT_EQ(all.find("bg_0123456789abcdef"), std::string::npos) << all;
  EXPECT_EQ(all.find("s3cr3t-value-xyz"), std::string::npos) << all;
  EXPECT_EQ(all.find("b64sig=="), std::string::npos) << all;
  EXPECT_EQ(all.find("whatever"), std::string::npos) << all;
  EXPECT_NE(all.find("***"), std::string::npos);
}

TEST(Logger, RotatesBySize) {
  LogDir dir;
  ManualClock clock;
  {
    Logger logger({.dir = dir.path.string(), .max_file_bytes = 4096, .max_files = 3, .console = false}, clock);
    for (int i = 0; i < 400; ++i) logger.info("fill", {{"i", i}, {"pad", std::string(64, 'x')}});
    logger.flush();
  }
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir.path)) files += e.path().filename().string().rfind("app", 0) == 0;
  EXPECT_GE(files, 4);  // app.jsonl + rotated copies, app.log + rotated copies
  EXPECT_LE(fs::file_size(dir.path / "app.jsonl"), 4096u + 512u);
  for (const auto& line : read_lines((dir.path / "app.jsonl").string()))
    EXPECT_TRUE(nlohmann::json::accept(line)) << line;
}

// Hot callers ask enabled() before building an event's fields: it answers by the logger's level.
TEST(Logger, EnabledAnswersByLevel) {
  LogDir dir;
  ManualClock clock(UnixNanos::from_ms(1'750'435'200'123));
  Logger logger({.dir = dir.path.string(), .level = LogLevel::Warn, .console = false}, clock);
  const EventSink& sink = logger;
  EXPECT_FALSE(sink.enabled(LogLevel::Debug));
  EXPECT_FALSE(sink.enabled(LogLevel::Info));
  EXPECT_TRUE(sink.enabled(LogLevel::Warn));
  EXPECT_TRUE(sink.enabled(LogLevel::Critical));
  logger.set_level(LogLevel::Debug);
  EXPECT_TRUE(sink.enabled(LogLevel::Debug));
  EXPECT_FALSE(sink.enabled(LogLevel::Trace));
  EXPECT_FALSE(NullEventSink{}.enabled(LogLevel::Critical));
  EXPECT_TRUE(RecordingEventSink{}.enabled(LogLevel::Trace));
}

TEST(Logger, DeferredFieldsAreStampedAtEmitAndWrittenLikeImmediateOnes) {
  LogDir dir;
  ManualClock clock(UnixNanos::from_ms(1'750'435'200'123));
  Logger logger({.dir = dir.path.string(), .level = LogLevel::Info, .console = false}, clock);
  logger.add_secret("s3cr3t-value");
  logger.info("order.amend", {{"client_oid", "cry-1"}, {"note", "s3cr3t-value"}});
  std::string oid = "cry-1";
  logger.emit_deferred(LogLevel::Info, "order.amend", [oid] {
    return nlohmann::json{{"client_oid", oid}, {"note", "s3cr3t-value"}};
  });
  // The time is the emit's, not the write's; a filtered level never builds the fields.
  clock.advance(std::chrono::seconds(5));
  bool built = false;
  logger.emit_deferred(LogLevel::Debug, "noise", [&built] {
    built = true;
    return nlohmann::json::object();
  });
  logger.flush();
  EXPECT_FALSE(built);
  const auto lines = read_lines(logger.jsonl_path());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], lines[1]);
  EXPECT_EQ(nlohmann::json::parse(lines[1])["note"], "***");
  EXPECT_EQ(nlohmann::json::parse(lines[1])["ts"], "2025-06-20T16:00:00.123Z");
}

TEST(Logger, ABurstBeyondTheWakeThresholdIsWrittenInOrderWithNothingDropped) {
  LogDir dir;
  ManualClock clock(UnixNanos::from_ms(1'750'435'200'000));
  Logger logger({.dir = dir.path.string(), .level = LogLevel::Info, .console = false}, clock);
  constexpr int kEvents = 5'000;
  for (int i = 0; i < kEvents; ++i) logger.info("burst", {{"i", i}});
  logger.flush();
  const auto lines = read_lines(logger.jsonl_path());
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kEvents));
  for (int i = 0; i < kEvents; ++i) ASSERT_EQ(nlohmann::json::parse(lines[static_cast<std::size_t>(i)])["i"], i);
  EXPECT_EQ(read_lines(logger.human_path()).size(), static_cast<std::size_t>(kEvents));
}

TEST(Logger, DestructionWritesWhatIsStillQueued) {
  LogDir dir;
  ManualClock clock(UnixNanos::from_ms(1'750'435'200'000));
  std::string path;
  {
    Logger logger({.dir = dir.path.string(), .level = LogLevel::Info, .console = false}, clock);
    path = logger.jsonl_path();
    for (int i = 0; i < 10; ++i) logger.info("last_words", {{"i", i}});
  }
  EXPECT_EQ(read_lines(path).size(), 10u);
}

TEST(Logger, AnEventThatCannotBeFormattedIsReportedAndTheRestStillWritten) {
  LogDir dir;
  ManualClock clock(UnixNanos::from_ms(1'750'435'200'000));
  Logger logger({.dir = dir.path.string(), .level = LogLevel::Info, .console = false}, clock);
  logger.emit_deferred(LogLevel::Info, "order.amend", []() -> nlohmann::json { throw std::runtime_error("boom"); });
  logger.info("after", {{"ok", true}});
  logger.flush();
  const auto lines = read_lines(logger.jsonl_path());
  ASSERT_EQ(lines.size(), 2u);
  const auto failed = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(failed["event"], "log.write_failed");
  EXPECT_EQ(failed["lost_event"], "order.amend");
  EXPECT_EQ(nlohmann::json::parse(lines[1])["event"], "after");
}

TEST(Logger, TheConsoleCanShowACompactLineWhileTheFilesKeepEveryField) {
  LogDir dir;
  ManualClock clock(UnixNanos::from_ms(1'750'435'200'123));
  testing::internal::CaptureStderr();
  {
    LogOptions o{.dir = dir.path.string(), .level = LogLevel::Info, .console = true};
    o.console_line = [](std::string_view event, const nlohmann::json& f) -> std::optional<std::string> {
      if (event != "metrics.heartbeat") return std::nullopt;
      return "heartbeat " + f.value("symbol", std::string("?"));
    };
    Logger logger(o, clock);
    logger.add_secret("topsecretvalue");
    logger.info("metrics.heartbeat", {{"symbol", "BTCUSDT"}, {"long_field", 12345}});
    logger.info("order.submit", {{"client_oid", "c1"}, {"note", "topsecretvalue"}});
    logger.flush();
  }
  const std::string console = testing::internal::GetCapturedStderr();
  EXPECT_NE(console.find("info heartbeat BTCUSDT"), std::string::npos) << console;
  EXPECT_EQ(console.find("long_field"), std::string::npos) << console;
  EXPECT_NE(console.find("order.submit client_oid=c1"), std::string::npos) << console;
  EXPECT_EQ(console.find("topsecretvalue"), std::string::npos) << console;
  const std::string human = read_all((dir.path / "app.log").string());
  EXPECT_NE(human.find("long_field=12345"), std::string::npos) << human;
  const std::string jsonl = read_all((dir.path / "app.jsonl").string());
  EXPECT_NE(jsonl.find("\"long_field\":12345"), std::string::npos) << jsonl;
}
