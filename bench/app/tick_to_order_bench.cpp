// Tick-to-order latency inside carryd (issue 6): a raw Bitget WS `books1` frame in -> the signed
// HTTP request bytes out, on one thread, exactly along the live path:
//   1. gateway: frame guard + FastBboParser (simdjson) -> carry::Bbo      (bitget::Gateway::on_public)
//   2. engine::Engine::on_market -> OMS maker chaser / strategy -> take_commands   (app::Runtime)
//   3. the command as the gateway sends it: JSON body (requests.hpp), rate-limiter slot,
//      ACCESS-* headers (Signer::rest_headers), HTTP/1.1 bytes (encode_http_request)
//                                                    (Gateway::place/amend/cancel, RestClient::send)
// The engine is built like the daemon builds it: make_engine_setup(config::Config{}) (the shipped
// defaults), the async JSONL logger at info, and client ids from store::ClientIdCounter (SQLite).
//
// Scenario (BM_TickToOrder_Amend): funding makes the strategy OPEN on BTCUSDT; its leader is a
// post-only perp SELL at the ask, chased by the OMS. Each measured tick is a books1 frame whose ask
// moved one tick below the resting order after the chase interval: the chaser amends (Bitget
// modify-order). Between measured ticks, untimed, a scripted venue answers every command (acks,
// order pushes), the clock moves in 1 s steps with Engine::on_timer as the daemon's timer does,
// and exhausted chains (chase_max_amends) are canceled by the venue so the strategy re-quotes.
// Every measured tick must yield at least one command and its signed bytes, or the run aborts.
//
// BM_TickToOrder_Hold: the same frames while the strategy holds (funding too low): no order.
// BM_TickToOrder_Amend_NoLog / _NoLogNoStore: the amend ticks with a null event sink (and
// in-memory client ids), to show what logging and the durable id counter add.
// *_AfterIdle: 1 ms of sleep before each measured tick (carryd's thread idles between frames),
// so the tick starts with caches others have used: the cold-start figure next to the warm loop.
//
// Left out (no I/O here): the WebSocket read/unmasking, Runtime::on_market's copy of the quote
// into its per-symbol snapshot, co_spawn and coroutine frames per command (Runtime::pump), the
// REST semaphore and circuit-breaker checks, and the socket write. The logger's console sink is
// off (carryd's default writes the human log to stderr too, on the logger's own thread).
#include <carry/app/backtest_runner.hpp>
#include <carry/bitget/fast_bbo.hpp>
#include <carry/bitget/io/rest_client.hpp>
#include <carry/bitget/rate_limiter.hpp>
#include <carry/bitget/requests.hpp>
#include <carry/bitget/signer.hpp>
#include <carry/engine/engine.hpp>
#include <carry/log/logger.hpp>
#include <carry/store/client_id_counter.hpp>
#include <carry_test/paths.hpp>

#include "gateway_setup.hpp"  // src/app: the daemon's config -> GatewayConfig mapping

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <time.h>

namespace {

using namespace carry;
namespace bg = carry::bitget;
namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "tick_to_order_bench: %s\n", what.c_str());
  std::exit(2);
}

constexpr std::int64_t kStartMs = 1'730'332'860'000;  // the capture's day (2024-10-31)
const Decimal kPerpTick = "0.1"_dec;                  // Bitget BTCUSDT perp pricePlace 1
const Decimal kBasePerpAsk = "72380.5"_dec;
const Decimal kSpotOffset = "25.37"_dec;  // spot quotes this much below the perp's

// ---------------------------------------------------------------- frames

// A books1 push byte for byte in the layout Bitget sends (checked against the capture below).
std::string books1_frame(std::string_view inst_type, std::string_view symbol, std::string_view ask,
                         std::string_view ask_size, std::string_view bid, std::string_view bid_size, std::int64_t ts_ms,
                         std::int64_t push_ts_ms) {
  std::string f;
  f.reserve(256);
  f.append(R"({"action":"snapshot","arg":{"instType":")").append(inst_type);
  f.append(R"(","channel":"books1","instId":")").append(symbol);
  f.append(R"("},"data":[{"asks":[[")").append(ask).append(R"(",")").append(ask_size);
  f.append(R"("]],"bids":[[")").append(bid).append(R"(",")").append(bid_size);
  f.append(R"("]],"checksum":0,"ts":")").append(std::to_string(ts_ms));
  f.append(R"("}],"ts":)").append(std::to_string(push_ts_ms)).append("}");
  return f;
}

// The generator must reproduce the captured futures books1 frame exactly (tests/fixtures/bitget/ws, tardis v2).
void check_frame_layout() {
  const std::string path = std::string(carry_test::fixtures_dir()) + "/bitget/ws/bitget_ws_v2_v3_message_samples.jsonl";
  std::ifstream in(path);
  if (!in) die("cannot read " + path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find(R"("api_version":"v2")") == std::string::npos ||
        line.find(R"("channel":"books1","instId":"ADAUSDT")") == std::string::npos)
      continue;
    const auto start = line.find(R"("msg":)") + 6;
    const std::string captured = line.substr(start, line.size() - start - 1);
    const std::string ours =
        books1_frame("USDT-FUTURES", "ADAUSDT", "0.3555", "10230", "0.3553", "112096", 1730332859988, 1730332859989);
    if (captured != ours) die("books1 frame layout differs from the capture:\n  " + captured + "\n  " + ours);
    return;
  }
  die("no futures books1 ADAUSDT frame in " + path);
}

std::string perp_frame(Decimal ask, std::int64_t ts_ms) {
  return books1_frame("USDT-FUTURES", "BTCUSDT", ask.to_string(1), "1.734", (ask - kPerpTick).to_string(1), "2.051",
                      ts_ms, ts_ms + 1);
}
std::string spot_frame(Decimal perp_ask, std::int64_t ts_ms) {
  const Decimal ask = perp_ask - kSpotOffset;
  return books1_frame("SPOT", "BTCUSDT", ask.to_string(2), "0.51234", (ask - "0.01"_dec).to_string(2), "0.83120", ts_ms,
                      ts_ms + 1);
}

// ---------------------------------------------------------------- percentiles

std::int64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

double pct(std::vector<std::int64_t> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())));
  return static_cast<double>(v[i]) / 1000.0;  // us
}

// ---------------------------------------------------------------- the in-process daemon slice

struct Options {
  bool real_log = true;     // log::Logger (async JSONL) at info, as carryd; else NullEventSink
  bool durable_ids = true;  // store::ClientIdCounter (SQLite, blocks of 256), as carryd
  double funding_rate = 0.0005;
  // > 0: the thread sleeps this long (untimed) before each measured tick, as carryd's thread
  // waits in epoll between frames; caches and branch predictors are then no longer warm.
  std::chrono::microseconds idle_before_tick{0};
};

class Slice {
 public:
  explicit Slice(const Options& opt) : clock_(UnixNanos::from_ms(kStartMs)) {
    cfg_.keys = {"bg_0123456789abcdef0123456789abcdef",
                 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "bench-passphrase"};
    gw_ = app::gateway_config(cfg_, true);
    signer_ = std::make_unique<bg::Signer>(gw_.credentials, gw_.demo, gw_.locale);
    authority_ = gw_.rest_url().substr(gw_.rest_url().find("://") + 3);

    const fs::path dir = (fs::path(carry_test::binary_dir()) / "bench" / CARRY_BENCH_AREA) / "tick_to_order";
    fs::remove_all(dir);
    fs::create_directories(dir);
    if (opt.real_log) {
      sink_ = std::make_unique<log::Logger>(
          log::LogOptions{.dir = (dir / "logs").string(), .level = LogLevel::Info, .console = false}, clock_);
    } else {
      sink_ = std::make_unique<NullEventSink>();
    }
    const std::string& prefix = cfg_.strategy.funding.client_oid_prefix;
    if (opt.durable_ids) {
      counter_ = std::make_unique<store::ClientIdCounter>(dir / "ids.db");
      ids_ = std::make_unique<ClientOidGenerator>(prefix, counter_->last_reserved(), counter_->persist_callback());
    } else {
      ids_ = std::make_unique<ClientOidGenerator>(prefix, 0);
    }
    engine_ = std::make_unique<engine::Engine>(engine::make_engine_setup(cfg_), *ids_, *sink_, clock_, nullptr);
    for (const std::string& sym : cfg_.strategy.funding.symbols) {
      const Decimal px = sym == "BTCUSDT" ? kBasePerpAsk : "2650.15"_dec;
      for (MarketType m : {MarketType::Spot, MarketType::Perp})
        engine_->add_instrument(app::backtest_instrument(sym, m, px, cfg_.backtest));
    }
    const UnixNanos t = clock_.now();
    for (auto [account, coin, amount] :
         {std::tuple{MarketType::Spot, "USDT", 10000}, std::tuple{MarketType::Spot, "BTC", 0},
          std::tuple{MarketType::Perp, "USDT", 10000}})
      engine_->on_exec(BalanceUpdate{account, coin, Decimal::from_units(amount), {}, {}, t, t});
    engine_->on_private_activity();
    ask_ = kBasePerpAsk;
    feed_untimed(spot_frame(ask_, now_ms()));
    feed_untimed(perp_frame(ask_, now_ms()));
    funding_rate_ = *Decimal::from_double(opt.funding_rate);
    funding();
  }

  // ---- the measured path ----
  struct Split {
    std::int64_t parse_ns, engine_ns, wire_ns;  // wall (steady clock)
    std::int64_t cpu_ns;                        // this thread's CPU time over the three
  };
  // frame -> Bbo -> engine -> commands -> signed bytes; returns the stage times. The machine is
  // shared, so wall time includes preemption; the thread CPU time (read outside the wall
  // stamps, a syscall each) does not.
  Split tick(std::string_view frame) {
    const std::int64_t c0 = thread_cpu_ns();
    const auto t0 = SteadyClock::now();
    const Bbo bbo = parse(frame);
    const auto t1 = SteadyClock::now();
    engine_->on_market(bbo);
    commands_.clear();
    engine_->take_commands(commands_);
    const auto t2 = SteadyClock::now();
    wires_.resize(commands_.size());
    for (std::size_t i = 0; i < commands_.size(); ++i) wires_[i] = to_wire(commands_[i]);
    const auto t3 = SteadyClock::now();
    const std::int64_t c1 = thread_cpu_ns();
    return {(t1 - t0).count(), (t2 - t1).count(), (t3 - t2).count(), c1 - c0};
  }
  const std::vector<oms::Command>& commands() const { return commands_; }
  const std::vector<std::string>& wires() const { return wires_; }

  // ---- untimed driving ----
  std::int64_t now_ms() const { return clock_.now().ms(); }
  std::int64_t now_ns() const { return clock_.now().ns; }
  void advance(std::chrono::milliseconds d) { clock_.advance(d); }
  Decimal ask() const { return ask_; }

  void feed_untimed(const std::string& frame) {
    engine_->on_market(parse(frame));
    settle();
  }
  // The futures ticker's funding state (the daemon hears it every few seconds): the next
  // settlement is the next 8 h boundary, so it never goes stale over a long run.
  void funding() {
    constexpr std::int64_t k8h = 8LL * 3600 * 1'000'000'000;
    FundingRateUpdate f;
    f.symbol = "BTCUSDT";
    f.rate = funding_rate_;
    f.interval_hours = 8;
    f.next_settlement = UnixNanos{(clock_.now().ns / k8h + 1) * k8h};
    f.ts_event = f.ts_init = clock_.now();
    engine_->on_market(f);
    settle();
  }

  // One second of daemon life: timer, a quote on both markets at the current level, answers.
  void second(Decimal perp_ask) {
    clock_.advance(std::chrono::seconds(1));
    if (clock_.now().seconds() % 10 == 0) funding();
    ask_ = perp_ask;
    engine_->on_private_activity();
    engine_->on_timer();
    if (counter_) counter_->top_up();  // as carryd's timer does
    settle();
    feed_untimed(spot_frame(perp_ask, now_ms()));
    feed_untimed(perp_frame(perp_ask, now_ms()));
  }

  // The live perp leader this bench chases: acked, nothing pending, amends left in its chain.
  const oms::Order* chaseable() const {
    for (const oms::Order* o : engine_->oms().open_orders("BTCUSDT")) {
      if (o->market != MarketType::Perp || o->side != Side::Sell || !o->is_live()) continue;
      if (o->amend_pending || o->cancel_pending || o->query_pending || !o->price) continue;
      auto it = chain_amends_.find(o->chain);
      if (it != chain_amends_.end() && it->second >= cfg_.strategy.funding.chase_max_amends) continue;
      return o;
    }
    return nullptr;
  }
  // A chain with no amends left: the venue cancels it (as a post-only order eventually is), and
  // the strategy re-quotes a fresh leader after its requote pause.
  void retire_exhausted() {
    for (const oms::Order* o : engine_->oms().open_orders("BTCUSDT")) {
      auto it = chain_amends_.find(o->chain);
      if (it == chain_amends_.end() || it->second < cfg_.strategy.funding.chase_max_amends || !o->is_live()) continue;
      auto v = venue_.find(o->client_oid);
      if (v == venue_.end() || !v->second.open) continue;
      v->second.open = false;
      push(*o, OrderStatus::Canceled);
      settle();
      return;
    }
  }
  UnixNanos last_chase() const { return last_chase_; }
  void note_chased() {
    last_chase_ = clock_.now();
    ++measured_amends_;
  }

  // The venue's answers to whatever the engine sent (untimed): acks and private-stream pushes.
  void settle() {
    for (int round = 0; round < 100; ++round) {
      pending_.clear();
      engine_->take_commands(pending_);
      if (pending_.empty()) return;
      answer(pending_);
    }
    die("engine did not settle after 100 rounds of venue answers");
  }
  void answer(const std::vector<oms::Command>& cmds) {
    for (const auto& cmd : cmds) {
      if (const auto* p = std::get_if<PlaceOrderRequest>(&cmd)) {
        const std::string id = next_order_id();
        venue_[p->client_oid] = {id, true};
        ++places_;
        if (p->market == MarketType::Perp && p->side == Side::Sell) last_chase_ = clock_.now();
        engine_->on_place_result(p->client_oid, OrderAck{id, p->client_oid});
        if (const oms::Order* o = engine_->oms().find(p->client_oid)) push(*o, OrderStatus::Acked);
      } else if (const auto* a = std::get_if<AmendOrderRequest>(&cmd)) {
        if (const oms::Order* old = engine_->oms().find(a->client_oid)) ++chain_amends_[old->chain];
        auto v = venue_.find(a->client_oid);
        if (v == venue_.end() || !v->second.open) {
          engine_->on_amend_result(a->new_client_oid, Result<OrderAck>(make_error_code(Errc::exchange_rejected)));
          continue;
        }
        v->second.open = false;
        const std::string id = next_order_id();
        venue_[a->new_client_oid] = {id, true};
        engine_->on_amend_result(a->new_client_oid, OrderAck{id, a->new_client_oid});
        if (const oms::Order* n = engine_->oms().find(a->new_client_oid)) push(*n, OrderStatus::Acked);
        if (const oms::Order* o = engine_->oms().find(a->client_oid)) push(*o, OrderStatus::Canceled);
      } else if (const auto* c = std::get_if<CancelOrderRequest>(&cmd)) {
        auto v = venue_.find(c->client_oid);
        if (v == venue_.end() || !v->second.open) {
          engine_->on_cancel_result(c->client_oid, Result<OrderAck>(make_error_code(Errc::exchange_rejected)));
          continue;
        }
        v->second.open = false;
        engine_->on_cancel_result(c->client_oid, OrderAck{v->second.order_id, c->client_oid});
        if (const oms::Order* o = engine_->oms().find(c->client_oid)) push(*o, OrderStatus::Canceled);
      } else if (const auto* q = std::get_if<oms::QueryOrderRequest>(&cmd)) {
        const oms::Order* o = engine_->oms().find(q->client_oid);
        auto v = venue_.find(q->client_oid);
        if (!o || v == venue_.end()) {
          engine_->on_query_result(q->client_oid, Result<std::optional<OrderUpdate>>(std::optional<OrderUpdate>{}));
        } else {
          const OrderStatus st = v->second.open ? OrderStatus::Acked : OrderStatus::Canceled;
          engine_->on_query_result(q->client_oid,
                                   Result<std::optional<OrderUpdate>>(std::optional<OrderUpdate>(update(*o, st))));
        }
      }
    }
    engine_->on_private_activity();
  }

  // Keeps the OMS order map at the size hours of daemon life give it (the bench compresses days
  // of chasing into seconds); carryd prunes the same way, every 60 s (orders finished 30 min ago).
  void prune() { engine_->oms().prune_terminal(clock_.mono() - std::chrono::minutes(10)); }

  // ClientIdCounter reserves the next block of ids in the background once half a block is used
  // (started by the timer's top_up, in second()); a live daemon sends orders seconds apart, so
  // that write is long done when the block runs out. The bench sends thousands a second: give
  // the background write its time, untimed.
  void let_id_prefetch_finish() {
    if (!counter_) return;
    const std::uint64_t reserved = counter_->last_reserved();
    if (reserved - ids_->last_used() < 128 && waited_for_ != reserved) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      waited_for_ = reserved;
    }
  }

  const engine::Engine& engine() const { return *engine_; }
  std::uint64_t places() const { return places_; }
  std::uint64_t measured_amends() const { return measured_amends_; }

 private:
  Bbo parse(std::string_view frame) {
    // Gateway::Impl::on_public: O(1) completeness guard, then the simdjson books1/ticker path.
    const auto first = frame.find_first_not_of(" \t\r\n");
    const auto last = frame.find_last_not_of(" \t\r\n");
    if (first == std::string_view::npos || frame[first] != '{' || frame[last] != '}') die("truncated frame");
    auto fast = parser_.parse(frame);
    if (!fast) die("frame rejected: " + fast.error().to_string());
    const bg::FastBbo& f = *fast;
    return Bbo{std::string(f.symbol), f.market,   f.bid_price, f.bid_size,
               f.ask_price,           f.ask_size, f.ts_event,  clock_.now()};
  }

  // Gateway::place / amend / cancel -> perp_* / spot_* -> Impl::call -> RestClient::send ->
  // HttpTransport::perform, minus the awaits.
  std::string to_wire(const oms::Command& cmd) {
    std::string_view path;
    bg::WireResult<std::string> body = std::string();
    if (const auto* req = std::get_if<PlaceOrderRequest>(&cmd)) {
      if (req->market == MarketType::Perp) {
        body = bg::build_perp_place_body(
            bg::to_perp_order(*req, gw_.product_type, gw_.margin_mode, gw_.margin_coin, gw_.position_mode));
        path = "/api/v2/mix/order/place-order";
      } else {
        auto r = bg::to_spot_order(*req);
        if (!r) die("spot order refused: " + r.error().message());
        body = bg::build_spot_place_body(*r);
        path = "/api/v2/spot/trade/place-order";
      }
    } else if (const auto* req = std::get_if<AmendOrderRequest>(&cmd)) {
      const bg::OrderRef ref{req->order_id, req->client_oid};
      if (req->market == MarketType::Perp) {
        body = bg::build_perp_modify_body(req->symbol, ref, req->new_client_oid, req->new_size, req->new_price,
                                          gw_.product_type, gw_.margin_coin);
        path = "/api/v2/mix/order/modify-order";
      } else {
        body = bg::build_spot_cancel_replace_body(req->symbol, ref, req->new_client_oid, req->new_size, req->new_price);
        path = "/api/v2/spot/trade/cancel-replace-order";
      }
    } else if (const auto* req = std::get_if<CancelOrderRequest>(&cmd)) {
      const bg::OrderRef ref{req->order_id, req->client_oid};
      if (req->market == MarketType::Perp) {
        body = bg::build_perp_cancel_body(req->symbol, ref, gw_.product_type, gw_.margin_coin);
        path = "/api/v2/mix/order/cancel-order";
      } else {
        body = bg::build_spot_cancel_body(req->symbol, ref);
        path = "/api/v2/spot/trade/cancel-order";
      }
    } else {
      die("a measured tick produced an order query, which this bench does not sign");
    }
    if (!body) die("request body refused: " + body.error().to_string());
    // RestClient::send: the endpoint's token bucket (time follows the simulated clock), then the
    // ACCESS-* headers stamped with the exchange time, then the socket bytes.
    (void)limiter_.acquire(path, SteadyClock::time_point(std::chrono::nanoseconds(clock_.now().ns)));
    const auto headers = signer_->rest_headers(clock_.now().ms(), "POST", path, "", *body);
    auto wire = bg::encode_http_request(true, path, authority_, headers, *body);
    if (!wire) die("request bytes refused");
    return std::move(*wire);
  }

  OrderUpdate update(const oms::Order& o, OrderStatus status) const {
    OrderUpdate u;
    u.spec() = o.spec();
    u.client_oid = o.client_oid;
    auto v = venue_.find(o.client_oid);
    u.order_id = v != venue_.end() ? v->second.order_id : o.order_id;
    u.status = status;
    u.ts_event = u.ts_init = clock_.now();
    return u;
  }
  void push(const oms::Order& o, OrderStatus status) { engine_->on_exec(update(o, status)); }
  std::string next_order_id() { return std::to_string(1'250'000'000'000'000'000LL + ++order_seq_); }

  struct VenueOrder {
    std::string order_id;
    bool open = false;
  };

  config::Config cfg_;
  bg::GatewayConfig gw_;
  ManualClock clock_;
  std::unique_ptr<EventSink> sink_;
  std::unique_ptr<store::ClientIdCounter> counter_;
  std::unique_ptr<ClientOidGenerator> ids_;
  std::unique_ptr<engine::Engine> engine_;
  bg::FastBboParser parser_;
  std::unique_ptr<bg::Signer> signer_;
  bg::RateLimiter limiter_;
  std::string authority_;
  std::vector<oms::Command> commands_, pending_;
  std::vector<std::string> wires_;
  std::map<std::string, VenueOrder, std::less<>> venue_;
  std::map<std::string, int, std::less<>> chain_amends_;
  std::int64_t order_seq_ = 0;
  std::uint64_t places_ = 0, measured_amends_ = 0, waited_for_ = 0;
  UnixNanos last_chase_;
  Decimal ask_, funding_rate_;
};

struct Samples {
  std::vector<std::int64_t> total, parse, engine, wire, cpu;
  std::size_t commands = 0, bytes = 0;
  void reserve(std::size_t n) {
    for (auto* v : {&total, &parse, &engine, &wire, &cpu}) v->reserve(n);
  }
  void add(const Slice::Split& s) {
    parse.push_back(s.parse_ns);
    engine.push_back(s.engine_ns);
    wire.push_back(s.wire_ns);
    total.push_back(s.parse_ns + s.engine_ns + s.wire_ns);
    cpu.push_back(s.cpu_ns);
  }
  void report(benchmark::State& state) const {
    auto& c = state.counters;
    c["p50_us"] = pct(total, 0.50);
    c["p99_us"] = pct(total, 0.99);
    c["p999_us"] = pct(total, 0.999);
    c["max_us"] = pct(total, 1.0);
    c["cpu_p50_us"] = pct(cpu, 0.50);
    c["cpu_p99_us"] = pct(cpu, 0.99);
    c["cpu_p999_us"] = pct(cpu, 0.999);
    c["parse_p50_us"] = pct(parse, 0.50);
    c["engine_p50_us"] = pct(engine, 0.50);
    c["wire_p50_us"] = pct(wire, 0.50);
    c["parse_p99_us"] = pct(parse, 0.99);
    c["engine_p99_us"] = pct(engine, 0.99);
    c["wire_p99_us"] = pct(wire, 0.99);
    const double n = static_cast<double>(std::max<std::size_t>(total.size(), 1));
    c["cmds_per_tick"] = static_cast<double>(commands) / n;
    c["bytes_per_tick"] = static_cast<double>(bytes) / n;
  }
};

// Each iteration: (untimed) bring the scenario to a chaseable leader and let the chase interval
// pass; (timed) the frame that moves the ask one tick below it; (untimed) the venue's answers.
void run_amend(benchmark::State& state, Options opt) {
  check_frame_layout();
  Slice s(opt);
  const std::int64_t interval_ns = std::int64_t{config::Config{}.strategy.funding.chase_interval_ms} * 1'000'000;
  Samples samples;
  samples.reserve(static_cast<std::size_t>(state.max_iterations));
  std::string frame;
  std::uint64_t ticks = 0;
  for (auto _ : state) {
    // Untimed: a chaseable leader, and the chase interval passed with the market at its price.
    const oms::Order* head = nullptr;
    for (int step = 0;; ++step) {
      if (step > 1000) die("no chaseable leader after 1000 simulated seconds (the strategy did not open or re-quote)");
      head = s.chaseable();
      if (head && s.now_ns() - s.last_chase().ns >= interval_ns) break;
      if (!head) s.retire_exhausted();
      s.second(head ? *head->price : kBasePerpAsk);  // no leader: the market drifts back
    }
    s.advance(std::chrono::milliseconds(1));
    const std::string head_oid = head->client_oid;
    frame = perp_frame(*head->price - kPerpTick, s.now_ms());
    s.let_id_prefetch_finish();
    if (opt.idle_before_tick.count() > 0) std::this_thread::sleep_for(opt.idle_before_tick);

    const Slice::Split split = s.tick(frame);
    state.SetIterationTime(static_cast<double>(split.parse_ns + split.engine_ns + split.wire_ns) * 1e-9);

    bool amended = false;
    for (std::size_t i = 0; i < s.commands().size(); ++i) {
      if (s.wires()[i].empty()) die("a command of a measured tick has no request bytes");
      if (const auto* a = std::get_if<AmendOrderRequest>(&s.commands()[i]); a && a->client_oid == head_oid)
        amended = true;
      samples.bytes += s.wires()[i].size();
    }
    if (!amended) die("measured tick " + std::to_string(ticks) + " did not amend the leader " + head_oid);
    samples.commands += s.commands().size();
    samples.add(split);
    s.note_chased();
    s.answer(s.commands());
    s.settle();
    if (++ticks % 256 == 0) s.prune();
  }
  samples.report(state);
  state.counters["venue_places"] = static_cast<double>(s.places());
}

void BM_TickToOrder_Amend(benchmark::State& state) { run_amend(state, Options{}); }
void BM_TickToOrder_Amend_AfterIdle(benchmark::State& state) {
  run_amend(state, Options{.idle_before_tick = std::chrono::milliseconds(1)});
}
void BM_TickToOrder_Amend_NoLogNoStore_AfterIdle(benchmark::State& state) {
  run_amend(state, Options{.real_log = false, .durable_ids = false, .idle_before_tick = std::chrono::milliseconds(1)});
}
void BM_TickToOrder_Amend_NoLog(benchmark::State& state) { run_amend(state, Options{.real_log = false}); }
void BM_TickToOrder_Amend_NoLogNoStore(benchmark::State& state) {
  run_amend(state, Options{.real_log = false, .durable_ids = false});
}

// The same books1 frames while the strategy holds (funding below the opening threshold): the
// common tick, which ends in the engine with no order.
void BM_TickToOrder_Hold(benchmark::State& state) {
  check_frame_layout();
  Slice s(Options{.funding_rate = 0.00001});
  const auto view = s.engine().strategy().view("BTCUSDT");
  if (!view || view->mode != strategy::SymbolMode::Flat || view->last_decision != strategy::DecisionKind::Hold)
    die("hold scenario: the strategy is not flat and holding");
  Samples samples;
  samples.reserve(static_cast<std::size_t>(state.max_iterations));
  std::string frame;
  std::uint64_t ticks = 0;
  for (auto _ : state) {
    s.advance(std::chrono::milliseconds(100));  // books1 pushes are 10-100 ms apart
    if (ticks % 10 == 0) s.second(kBasePerpAsk);
    frame = perp_frame(ticks % 2 ? kBasePerpAsk : kBasePerpAsk - kPerpTick, s.now_ms());
    const Slice::Split split = s.tick(frame);
    state.SetIterationTime(static_cast<double>(split.parse_ns + split.engine_ns + split.wire_ns) * 1e-9);
    if (!s.commands().empty()) die("hold tick " + std::to_string(ticks) + " produced a command");
    samples.add(split);
    ++ticks;
  }
  samples.report(state);
}

BENCHMARK(BM_TickToOrder_Amend)->UseManualTime()->Iterations(20000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TickToOrder_Amend_NoLog)->UseManualTime()->Iterations(20000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TickToOrder_Amend_NoLogNoStore)->UseManualTime()->Iterations(20000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TickToOrder_Amend_AfterIdle)->UseManualTime()->Iterations(5000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TickToOrder_Amend_NoLogNoStore_AfterIdle)
    ->UseManualTime()
    ->Iterations(5000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TickToOrder_Hold)->UseManualTime()->Iterations(20000)->Unit(benchmark::kMicrosecond);

}  // namespace
