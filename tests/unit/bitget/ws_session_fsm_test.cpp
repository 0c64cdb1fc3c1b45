#include <carry/bitget/ws_session_fsm.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>

namespace carry::bitget {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const SubscriptionArg kTicker{"USDT-FUTURES", "ticker", "BTCUSDT", ""};
const SubscriptionArg kBooks{"USDT-FUTURES", "books", "BTCUSDT", ""};
const SubscriptionArg kOrders{"USDT-FUTURES", "orders", "default", ""};

template <class T>
std::vector<T> all(const WsActions& a) {
  std::vector<T> out;
  for (const auto& x : a)
    if (auto* p = std::get_if<T>(&x)) out.push_back(*p);
  return out;
}
template <class T>
bool has(const WsActions& a) {
  return !all<T>(a).empty();
}
std::vector<std::string> sent(const WsActions& a) {
  std::vector<std::string> out;
  for (auto& s : all<ws_action::Send>(a)) out.push_back(s.text);
  return out;
}
std::string ack(const SubscriptionArg& a) { return json{{"event", "subscribe"}, {"arg", a.to_json()}}.dump(); }
// v3 args travel in SubscriptionArg as {instType, topic, symbol}; the wire says topic/symbol.
std::string v3_ack(const SubscriptionArg& a) {
  json arg = {{"instType", a.inst_type}, {"topic", a.channel}};
  if (!a.inst_id.empty()) arg["symbol"] = a.inst_id;
  return json{{"event", "subscribe"}, {"arg", arg}}.dump();
}

struct Harness {
  explicit Harness(WsSessionConfig c = {}, bool priv = false)
      : signer({"key", "secret", "pass"}, false), cfg(std::move(c)) {
    cfg.private_channel = priv;
    fsm.emplace(cfg, priv ? &signer : nullptr, events, 42);
  }
  UnixNanos t = UnixNanos::from_seconds(1'700'000'000);
  Signer signer;
  WsSessionConfig cfg;
  RecordingEventSink events;
  std::optional<WsSessionFsm> fsm;

  WsActions advance(std::chrono::milliseconds d) {
    t = t + d;
    return fsm->on_timer(t);
  }
  // start + connect + ack everything -> Streaming
  WsActions stream_up() {
    WsActions a = fsm->state() == WsState::Disconnected ? fsm->start(t) : WsActions{};
    auto c = fsm->on_connected(t);
    a.insert(a.end(), c.begin(), c.end());
    if (cfg.private_channel) {
      auto l = fsm->on_message(R"({"event":"login","code":0})", t);
      a.insert(a.end(), l.begin(), l.end());
    }
    for (const auto& w : std::vector<SubscriptionArg>(fsm->wanted())) {
      auto r = fsm->on_message(cfg.dialect == WsDialect::V3 ? v3_ack(w) : ack(w), t);
      a.insert(a.end(), r.begin(), r.end());
    }
    return a;
  }
};

TEST(WsSessionFsm, PublicHappyPathSubscribesAndStreams) {
  Harness h;
  h.fsm->subscribe({kTicker, kBooks}, h.t);
  auto s = h.fsm->start(h.t);
  ASSERT_EQ(all<ws_action::ConnectAfter>(s).size(), 1u);
  EXPECT_EQ(all<ws_action::ConnectAfter>(s)[0].delay, 0ms);
  auto c = h.fsm->on_connected(h.t);
  EXPECT_EQ(h.fsm->state(), WsState::Subscribing);
  auto msgs = sent(c);
  ASSERT_EQ(msgs.size(), 1u);
  auto j = json::parse(msgs[0]);
  EXPECT_EQ(j["op"], "subscribe");
  EXPECT_EQ(j["args"].size(), 2u);
  h.fsm->on_message(ack(kTicker), h.t);
  EXPECT_EQ(h.fsm->state(), WsState::Subscribing);
  h.fsm->on_message(ack(kBooks), h.t);
  EXPECT_EQ(h.fsm->state(), WsState::Streaming);
  auto d = h.fsm->on_message(
      R"({"action":"snapshot","arg":{"instType":"USDT-FUTURES","channel":"ticker","instId":"BTCUSDT"},"data":[],"ts":1})",
      h.t);
  ASSERT_EQ(all<ws_action::Data>(d).size(), 1u);
  EXPECT_NE(all<ws_action::Data>(d)[0].text.find("snapshot"), std::string_view::npos);
}

TEST(WsSessionFsm, PingsOnScheduleAndPongKeepsLinkAlive) {
  Harness h;
  h.fsm->subscribe({kTicker}, h.t);
  h.stream_up();
  auto a = h.advance(24s);
  EXPECT_TRUE(sent(a).empty());
  a = h.advance(1s);
  ASSERT_EQ(sent(a), std::vector<std::string>{"ping"});
  h.t = h.t + 200ms;
  h.fsm->on_message("pong", h.t);
  a = h.advance(9s);
  EXPECT_FALSE(has<ws_action::Close>(a));
  EXPECT_EQ(h.fsm->state(), WsState::Streaming);
  ASSERT_TRUE(h.fsm->next_deadline());
}

TEST(WsSessionFsm, PongMissingClosesAndBacksOff) {
  Harness h;
  h.fsm->subscribe({kTicker, kBooks}, h.t);
  h.stream_up();
  h.advance(25s);           // ping sent
  auto a = h.advance(10s);  // no pong, no data
  ASSERT_TRUE(has<ws_action::Close>(a));
  EXPECT_EQ(all<ws_action::Close>(a)[0].reason, "pong missing");
  ASSERT_TRUE(has<ws_action::ConnectAfter>(a));
  EXPECT_GT(all<ws_action::ConnectAfter>(a)[0].delay, 0ms);
  // The books subscription must drop its local book.
  ASSERT_EQ(all<ws_action::BookResync>(a).size(), 1u);
  EXPECT_EQ(all<ws_action::BookResync>(a)[0].arg, kBooks);
  EXPECT_EQ(h.fsm->state(), WsState::BackingOff);
  EXPECT_EQ(h.events.count("ws.dead_link"), 1u);
}

TEST(WsSessionFsm, SilentLinkWithoutAnyFrameIsDead) {
  WsSessionConfig c;
  c.ping_interval = 100s;  // no ping involved
  c.idle_timeout = 5s;
  Harness h(c);
  h.fsm->subscribe({kTicker}, h.t);
  h.stream_up();
  auto a = h.advance(4s);
  EXPECT_FALSE(has<ws_action::Close>(a));
  h.fsm->on_message(R"({"action":"update","arg":{},"data":[],"ts":1})", h.t);
  a = h.advance(4s);
  EXPECT_FALSE(has<ws_action::Close>(a));
  a = h.advance(1s);
  ASSERT_TRUE(has<ws_action::Close>(a));
  EXPECT_EQ(all<ws_action::Close>(a)[0].reason, "no data");
}

TEST(WsSessionFsm, PrivateLogsInWithSecondsTimestampThenSubscribes) {
  Harness h({}, true);
  h.fsm->subscribe({kOrders}, h.t);
  h.fsm->start(h.t);
  auto c = h.fsm->on_connected(h.t);
  EXPECT_EQ(h.fsm->state(), WsState::LoggingIn);
  auto msgs = sent(c);
  ASSERT_EQ(msgs.size(), 1u);
  auto login = json::parse(msgs[0]);
  EXPECT_EQ(login["op"], "login");
  EXPECT_EQ(login["args"][0]["timestamp"], std::to_string(h.t.seconds()));
  auto l = h.fsm->on_message(R"({"event":"login","code":"0","msg":""})", h.t);
  EXPECT_EQ(h.fsm->state(), WsState::Subscribing);
  ASSERT_EQ(sent(l).size(), 1u);
  EXPECT_EQ(json::parse(sent(l)[0])["args"][0]["channel"], "orders");
}

TEST(WsSessionFsm, LoginRejectedBacksOffAndReports) {
  Harness h({}, true);
  h.fsm->subscribe({kOrders}, h.t);
  h.fsm->start(h.t);
  h.fsm->on_connected(h.t);
  auto a = h.fsm->on_message(R"({"event":"error","code":30015,"msg":"Invalid sign"})", h.t);
  ASSERT_TRUE(has<ws_action::Close>(a));
  ASSERT_TRUE(has<ws_action::ConnectAfter>(a));
  EXPECT_EQ(h.fsm->state(), WsState::BackingOff);
  ASSERT_EQ(h.events.count("ws.login_failed"), 1u);
  EXPECT_EQ(h.events.last("ws.login_failed")->fields["code"], "30015");
  // No subscribe was ever sent.
  for (const auto& s : sent(a)) EXPECT_EQ(s.find("subscribe"), std::string::npos);
}

TEST(WsSessionFsm, LoginWithoutReplyTimesOut) {
  Harness h({}, true);
  h.fsm->start(h.t);
  h.fsm->on_connected(h.t);
  auto a = h.advance(10s);
  EXPECT_TRUE(has<ws_action::Close>(a));
  EXPECT_EQ(h.fsm->state(), WsState::BackingOff);
}

TEST(WsSessionFsm, SubscribeErrorNamingAnArgDropsIt) {
  Harness h;
  const SubscriptionArg bad{"SPOT", "candleundefined", "BTCUSDT", ""};
  h.fsm->subscribe({kTicker, bad}, h.t);
  h.fsm->start(h.t);
  h.fsm->on_connected(h.t);
  h.fsm->on_message(ack(kTicker), h.t);
  auto a = h.fsm->on_message(
      R"({"event":"error","code":30001,"msg":"instType:sp,channel:candleundefined,instId:BTCUSDT doesn't exist"})",
      h.t);
  EXPECT_FALSE(has<ws_action::Close>(a));
  EXPECT_EQ(h.fsm->state(), WsState::Streaming);
  ASSERT_EQ(h.fsm->wanted().size(), 1u);
  EXPECT_EQ(h.fsm->wanted()[0], kTicker);
  ASSERT_EQ(h.events.count("ws.subscribe_failed"), 1u);
  EXPECT_EQ(h.events.last("ws.subscribe_failed")->fields["action"], "dropped");
}

TEST(WsSessionFsm, UnattributableSubscribeErrorBacksOff) {
  Harness h;
  h.fsm->subscribe({kTicker}, h.t);
  h.fsm->start(h.t);
  h.fsm->on_connected(h.t);
  auto a = h.fsm->on_message(R"({"event":"error","code":30006,"msg":"request too many"})", h.t);
  EXPECT_TRUE(has<ws_action::Close>(a));
  EXPECT_EQ(h.fsm->state(), WsState::BackingOff);
  EXPECT_EQ(h.events.last("ws.subscribe_failed")->fields["action"], "reconnect");
  EXPECT_EQ(h.fsm->wanted().size(), 1u);  // kept for the next connection
}

TEST(WsSessionFsm, SubscribeWithoutAckTimesOut) {
  Harness h;
  h.fsm->subscribe({kTicker}, h.t);
  h.fsm->start(h.t);
  h.fsm->on_connected(h.t);
  h.advance(5s);
  h.fsm->on_message("pong", h.t);
  auto a = h.advance(5s);
  EXPECT_TRUE(has<ws_action::Close>(a));
  EXPECT_EQ(h.events.count("ws.subscribe_timeout"), 1u);
}

TEST(WsSessionFsm, ResubscribesEverythingAndReportsReconnected) {
  Harness h({}, true);
  h.fsm->subscribe({kOrders, {"USDT-FUTURES", "positions", "default", ""}, {"USDT-FUTURES", "account", "", "default"}},
                   h.t);
  auto first = h.stream_up();
  EXPECT_FALSE(has<ws_action::Reconnected>(first));  // the first session is not a reconnect
  auto closed = h.fsm->on_closed(h.t, "eof");
  EXPECT_FALSE(has<ws_action::Close>(closed));  // already closed
  auto delay = all<ws_action::ConnectAfter>(closed).at(0).delay;
  h.advance(delay);
  EXPECT_EQ(h.fsm->state(), WsState::Connecting);
  h.fsm->on_connected(h.t);
  auto l = h.fsm->on_message(R"({"event":"login","code":0})", h.t);
  ASSERT_EQ(sent(l).size(), 1u);
  auto sub = json::parse(sent(l)[0]);
  EXPECT_EQ(sub["args"].size(), 3u);
  EXPECT_EQ(sub["args"][2]["coin"], "default");
  WsActions acks;
  for (const auto& w : h.fsm->wanted()) {
    auto r = h.fsm->on_message(ack(w), h.t);
    acks.insert(acks.end(), r.begin(), r.end());
  }
  ASSERT_EQ(all<ws_action::Reconnected>(acks).size(), 1u);
  EXPECT_TRUE(all<ws_action::Reconnected>(acks)[0].private_stream);
  EXPECT_EQ(h.fsm->connections(), 2u);
}

TEST(WsSessionFsm, ReconnectStormBackoffGrowsThenResetsAfterStablePeriod) {
  WsSessionConfig c;
  c.backoff = {500ms, 30'000ms, 2.0, 0.0};  // no jitter: exact nominal delays
  c.stable_period = 60s;
  Harness h(c);
  h.fsm->subscribe({kTicker}, h.t);
  h.fsm->start(h.t);
  std::vector<std::chrono::milliseconds> delays;
  for (int i = 0; i < 8; ++i) {
    auto a = h.fsm->on_closed(h.t, "connect refused");
    delays.push_back(all<ws_action::ConnectAfter>(a).at(0).delay);
    h.advance(delays.back());
  }
  EXPECT_EQ(delays[0], 500ms);
  EXPECT_EQ(delays[1], 1000ms);
  EXPECT_EQ(delays[2], 2000ms);
  EXPECT_EQ(delays[6], 30000ms);  // capped
  EXPECT_EQ(delays[7], 30000ms);
  EXPECT_EQ(h.fsm->backoff_attempts(), 8);
  // A link that comes up and dies quickly does not reset the backoff...
  h.stream_up();
  h.advance(20s);
  h.fsm->on_message("pong", h.t);
  auto quick = h.fsm->on_closed(h.t, "reset by peer");
  EXPECT_EQ(all<ws_action::ConnectAfter>(quick).at(0).delay, 30000ms);
  h.advance(30s);
  // ...but streaming for the stable period does.
  h.stream_up();
  for (int i = 0; i < 7; ++i) {
    h.advance(10s);
    h.fsm->on_message("pong", h.t);
  }
  EXPECT_EQ(h.fsm->backoff_attempts(), 0);
  EXPECT_EQ(h.events.count("ws.backoff_reset"), 1u);
  auto after = h.fsm->on_closed(h.t, "eof");
  EXPECT_EQ(all<ws_action::ConnectAfter>(after).at(0).delay, 500ms);
}

TEST(WsSessionFsm, JitteredBackoffStaysWithinNominalBounds) {
  WsSessionConfig c;
  c.backoff = {1000ms, 8000ms, 2.0, 0.5};
  Harness h(c);
  h.fsm->start(h.t);
  for (int i = 0; i < 6; ++i) {
    auto a = h.fsm->on_closed(h.t, "x");
    auto d = all<ws_action::ConnectAfter>(a).at(0).delay;
    const auto nominal = std::min<std::chrono::milliseconds>(1000ms * (1 << i), 8000ms);
    EXPECT_LE(d, nominal);
    EXPECT_GE(d, nominal / 2);
    h.advance(d);
  }
}

TEST(WsSessionFsm, SendsAreRateLimited) {
  WsSessionConfig c;
  c.max_args_bytes = 80;  // one arg per message
  c.max_sends_per_second = 4;
  Harness h(c);
  std::vector<SubscriptionArg> args;
  for (int i = 0; i < 10; ++i) args.push_back({"SPOT", "books1", "S" + std::to_string(i), ""});
  h.fsm->subscribe(args, h.t);
  h.fsm->start(h.t);
  auto a = h.fsm->on_connected(h.t);
  EXPECT_EQ(sent(a).size(), 4u);
  ASSERT_TRUE(h.fsm->next_deadline());
  EXPECT_EQ(*h.fsm->next_deadline(), h.t + 1s);
  a = h.advance(500ms);
  EXPECT_TRUE(sent(a).empty());
  a = h.advance(500ms);
  EXPECT_EQ(sent(a).size(), 4u);
  a = h.advance(1s);
  EXPECT_EQ(sent(a).size(), 2u);
}

TEST(WsSessionFsm, ResyncResubscribesOneBook) {
  Harness h;
  h.fsm->subscribe({kBooks}, h.t);
  h.stream_up();
  auto a = h.fsm->resync(kBooks, h.t);
  ASSERT_EQ(all<ws_action::BookResync>(a).size(), 1u);
  auto msgs = sent(a);
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(json::parse(msgs[0])["op"], "unsubscribe");
  EXPECT_EQ(json::parse(msgs[1])["op"], "subscribe");
  EXPECT_TRUE(h.fsm->resync({"SPOT", "books", "NOPE", ""}, h.t).empty());
}

TEST(WsSessionFsm, LateFramesAfterCloseAreIgnored) {
  Harness h;
  h.fsm->subscribe({kTicker}, h.t);
  h.stream_up();
  h.fsm->on_closed(h.t, "eof");
  EXPECT_TRUE(h.fsm->on_message(R"({"action":"update","arg":{},"data":[],"ts":1})", h.t).empty());
}

// ---------- the UTA (v3) dialect ----------
const SubscriptionArg kV3Books1{"usdt-futures", "books1", "BTCUSDT", ""};
const SubscriptionArg kV3Order{"UTA", "order", "", ""};

WsSessionConfig v3_config() {
  WsSessionConfig c;
  c.dialect = WsDialect::V3;
  return c;
}

TEST(WsSessionFsm, V3PublicSubscribesByTopicAndSymbolAndStreamsOnV3Acks) {
  Harness h(v3_config());
  h.fsm->subscribe({kV3Books1}, h.t);
  h.fsm->start(h.t);
  auto msgs = sent(h.fsm->on_connected(h.t));
  ASSERT_EQ(msgs.size(), 1u);
  const auto j = json::parse(msgs[0]);
  EXPECT_EQ(j["op"], "subscribe");
  ASSERT_EQ(j["args"].size(), 1u);
  EXPECT_EQ(j["args"][0], (json{{"instType", "usdt-futures"}, {"topic", "books1"}, {"symbol", "BTCUSDT"}}));
  EXPECT_EQ(h.fsm->state(), WsState::Subscribing);
  h.fsm->on_message(v3_ack(kV3Books1), h.t);
  EXPECT_EQ(h.fsm->state(), WsState::Streaming);
}

TEST(WsSessionFsm, V3PrivateLogsInAsV2AndSubscribesTheUtaTopicsWithoutSymbol) {
  Harness h(v3_config(), true);
  h.fsm->subscribe({kV3Order}, h.t);
  h.fsm->start(h.t);
  auto login = sent(h.fsm->on_connected(h.t));
  ASSERT_EQ(login.size(), 1u);
  EXPECT_EQ(json::parse(login[0])["op"], "login");
  auto sub = sent(h.fsm->on_message(R"({"event":"login","code":0})", h.t));
  ASSERT_EQ(sub.size(), 1u);
  EXPECT_EQ(json::parse(sub[0])["args"][0], (json{{"instType", "UTA"}, {"topic", "order"}}));
  h.fsm->on_message(v3_ack(kV3Order), h.t);
  EXPECT_EQ(h.fsm->state(), WsState::Streaming);
}

TEST(WsSessionFsm, V3SubscribeErrorNamingTheArgDropsIt) {
  Harness h(v3_config());
  const SubscriptionArg bad{"usdt-futures", "books1", "NOPEUSDT", ""};
  h.fsm->subscribe({kV3Books1, bad}, h.t);
  h.fsm->start(h.t);
  h.fsm->on_connected(h.t);
  h.fsm->on_message(v3_ack(kV3Books1), h.t);
  auto r = h.fsm->on_message(
      R"({"event":"error","code":30001,"msg":"symbol not exist","arg":{"instType":"usdt-futures","topic":"books1","symbol":"NOPEUSDT"}})",
      h.t);
  EXPECT_FALSE(has<ws_action::Close>(r));
  EXPECT_EQ(h.fsm->state(), WsState::Streaming);
  EXPECT_EQ(h.fsm->wanted(), std::vector<SubscriptionArg>{kV3Books1});
}

// Error 30033: the venue closes the connection for an upgrade in about 60 s. The session must not
// treat it as a failure (no backoff, no close of its own accord): it tells the driver, which brings
// a new connection up first where it can and else reconnects at once.
void expect_planned_reconnect(Harness& h, const SubscriptionArg& arg, const std::function<std::string()>& ack_text) {
  h.fsm->subscribe({arg}, h.t);
  h.stream_up();
  ASSERT_EQ(h.fsm->state(), WsState::Streaming);
  auto notice = h.fsm->on_message(R"({"event":"error","code":30033})", h.t);
  EXPECT_TRUE(has<ws_action::PlannedReconnect>(notice));
  EXPECT_FALSE(has<ws_action::Close>(notice));
  EXPECT_FALSE(has<ws_action::ConnectAfter>(notice));
  EXPECT_EQ(h.fsm->state(), WsState::Streaming);  // still streaming until replaced
  EXPECT_EQ(h.fsm->planned_reconnects(), 1u);
  EXPECT_EQ(h.events.count("ws.planned_reconnect"), 1u);

  auto now = h.fsm->reconnect_now(h.t, "service upgrade");
  EXPECT_TRUE(has<ws_action::Close>(now));
  ASSERT_EQ(all<ws_action::ConnectAfter>(now).size(), 1u);
  EXPECT_EQ(all<ws_action::ConnectAfter>(now)[0].delay, 0ms);
  EXPECT_EQ(h.fsm->backoff_attempts(), 0);
  h.advance(0ms);
  h.fsm->on_connected(h.t);
  if (h.cfg.private_channel) h.fsm->on_message(R"({"event":"login","code":0})", h.t);
  auto back = h.fsm->on_message(ack_text(), h.t);
  EXPECT_EQ(h.fsm->state(), WsState::Streaming);
  EXPECT_TRUE(has<ws_action::Reconnected>(back));  // downstream reconciles what it may have missed
  EXPECT_EQ(h.events.count("ws.backoff"), 0u);
}

TEST(WsSessionFsm, ServiceUpgradeNoticeIsAPlannedReconnectOnV3) {
  Harness h(v3_config(), true);
  expect_planned_reconnect(h, kV3Order, [] { return v3_ack(kV3Order); });
}

TEST(WsSessionFsm, ServiceUpgradeNoticeIsAPlannedReconnectOnV2) {
  Harness h;
  expect_planned_reconnect(h, kTicker, [] { return ack(kTicker); });
}

}  // namespace
}  // namespace carry::bitget
