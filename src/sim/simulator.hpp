#pragma once
// The whole simulated exchange without sockets: REST requests in -> responses out, WebSocket text
// in -> frames out, step() advances the tape, settles funding and runs delayed work, and the
// pushes it produces are drained by the I/O shell (server.cpp), which applies per-connection
// faults. Time comes from the injected Clock only.
#include "exchange.hpp"
#include "fault_config.hpp"
#include "funding.hpp"
#include "market.hpp"
#include "sim_config.hpp"
#include "tape.hpp"
#include "wire.hpp"

#include <carry/core/time.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace carry::sim {

struct HttpRequest {
  std::string method;                          // "GET", "POST"
  std::string target;                          // path + optional "?query", as received
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool loopback = true;
};

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  int delay_ms = 0;              // injected latency: the server waits this long before answering
  bool drop_connection = false;  // lost ack: close the connection instead of answering
};

// The WebSocket API a connection speaks: v2 (/v2/ws/...) or v3, the UTA one (/v3/ws/...). Both
// share the engine; args, topics and push shapes differ (ws_protocol.cpp, ws_protocol_v3.cpp).
enum class WsDialect { V2, V3 };

// v2: {instType, channel, instId | coin}; v3: {instType, topic (in `channel`), symbol (in
// `inst_id`, empty on the private topics)}.
struct WsSub {
  std::string inst_type, channel, inst_id;  // inst_id holds `coin` for the account channel
  bool coin_key = false;
  friend bool operator==(const WsSub&, const WsSub&) = default;
};

struct WsSession {
  std::uint64_t id = 0;
  bool is_private = false;
  WsDialect dialect = WsDialect::V2;
  std::string account;  // after a successful login
  std::vector<WsSub> subs;
  std::int64_t opened_ms = 0;
  std::int64_t last_ping_ms = 0;
};

struct WsOutput {
  std::vector<std::string> frames;
  bool close = false;  // close the connection after sending the frames
};

struct Push {
  bool is_private = false;
  WsDialect dialect = WsDialect::V2;  // only sessions of this dialect receive it
  std::string account;
  std::string inst_type, channel, key;  // key: symbol, or "default" for account/positions
  std::string action = "snapshot";
  nlohmann::json data;
  std::int64_t ts = 0;
};

struct SimStats {
  std::uint64_t requests_total = 0;
  std::map<std::string, std::uint64_t> requests_by_path;
  std::map<std::string, std::uint64_t> http_status;
  std::uint64_t private_rest_calls = 0;
  std::uint64_t ws_login_attempts = 0;
  std::uint64_t signature_failures = 0;
  std::uint64_t auth_failures = 0;
  std::uint64_t funding_settlements = 0;
  std::uint64_t ws_public_connections = 0, ws_private_connections = 0;
  std::uint64_t ws_messages_sent = 0;
  std::map<std::string, std::uint64_t> faults_injected;
};

// {"event":"error","code":...,"msg":...}: the error frame of both dialects.
std::string ws_error_event(int code, const std::string& msg);

class Simulator {
 public:
  Simulator(SimConfig config, std::unique_ptr<Tape> tape, const Clock& clock);

  HttpResponse handle_http(const HttpRequest& req);
  WsOutput on_ws_text(WsSession& session, std::string_view text);
  // Advances market data (unless stale_books), funding, delayed modify-orders.
  void step();
  std::vector<Push> drain_pushes();

  // The subscriptions of `s` that receive `p` (one frame each).
  static std::vector<const WsSub*> matches(const WsSession& s, const Push& p);
  static std::string render(const Push& p, const WsSub& sub);
  // render() plus the checksum-corruption fault; what the server sends.
  std::string render_for_delivery(const Push& p, const WsSub& sub);

  FaultConfig& faults() { return faults_; }
  // One-shot actions posted since the last call (ws_close_now, ws_stall_now, ws_service_upgrade).
  FaultActions take_actions();
  std::mt19937_64& rng() { return rng_; }
  SimStats& stats() { return stats_; }
  nlohmann::json stats_json() const;
  // GET /sim/orders: every order of every account, pending and finished (sim_ledger.cpp).
  nlohmann::json orders_json() const;
  const SimConfig& config() const { return config_; }
  Exchange& exchange() { return exchange_; }
  MarketState& market() { return market_; }
  FundingSchedule& funding() { return funding_; }
  std::int64_t now_ms() const { return clock_.now().ms(); }
  // The exchange's clock as clients see it (/api/v2/public/time, the signed-timestamp window):
  // now_ms() moved by the clock_skew_ms fault.
  std::int64_t server_ms() const { return now_ms() + faults_.clock_skew_ms; }
  bool corrupt_next_checksum();

  // A settled (or, with --history-days, synthetic past) funding event.
  struct FundingRecord {
    std::string symbol;
    Decimal rate;
    std::int64_t time_ms;
    Decimal mark;                                           // mark price used for the payments
    std::vector<std::pair<std::string, Decimal>> payments;  // api key -> amount (+ received)
  };
  const std::vector<FundingRecord>& funding_history() const { return funding_history_; }
  std::int64_t next_settlement(const std::string& perp_symbol) const { return next_settlement_.at(perp_symbol); }
  // Rate, next settlement, mark and index of a perp as the REST and WS tickers report them.
  wire::FundingView funding_view(const InstrumentMarket& perp) const;
  // Mark, unrealised PnL, margin and leverage of a position, as REST and pushes report them.
  wire::PositionFigures position_figures(const Account& acc, const Position& p) const;

 private:
  // --history-days: synthetic candles in the market state, past settlements in funding_history_.
  void seed_history();
  HttpResponse route(const HttpRequest& req, const std::string& path, const std::string& query);
  HttpResponse sim_admin(const HttpRequest& req, const std::string& path);
  // The /sim/ endpoints sim_admin routes to (sim_admin.cpp).
  HttpResponse sim_faults(const HttpRequest& req);
  HttpResponse sim_funding(const HttpRequest& req);
  std::optional<HttpResponse> set_account_mode(const HttpRequest& req);  // an error, or nullopt when applied
  nlohmann::json settlements_json() const;
  nlohmann::json accounts_json() const;
  // The response_drop fault: the request was executed, its answer is lost (closed or 503).
  void lose_response(HttpResponse& resp);

  void publish_market(const MarketChange& ch);
  void publish_refresh(InstrumentMarket& inst);
  Push ticker_push(const InstrumentMarket& inst) const;
  std::vector<Push> book_snapshots(const InstrumentMarket& inst, const std::string& only_channel) const;
  void settle_due_funding(std::int64_t now);
  // Queues a public push and its v3 twin (ws_protocol_v3.cpp), so both dialects see one market.
  void publish(Push p);
  std::optional<Push> v3_twin(const Push& v2) const;
  void render_private_events();
  WsOutput subscribe(WsSession& s, const nlohmann::json& args, bool unsubscribe);
  // Acks `sub`, records or forgets it; true when the subscribe snapshot should follow.
  static bool record_sub(WsSession& s, const WsSub& sub, const nlohmann::json& ack_arg, bool unsubscribe,
                         WsOutput& out);
  std::vector<Push> private_snapshot(const WsSession& s, const WsSub& sub);
  // The v3 protocol and pushes (ws_protocol_v3.cpp).
  WsOutput subscribe_v3(WsSession& s, const nlohmann::json& args, bool unsubscribe);
  std::vector<Push> private_snapshot_v3(const WsSession& s, const WsSub& sub) const;
  Push private_push_v3(const PrivateEvent& e, const Account& acc) const;
  Push ticker_push_v3(const InstrumentMarket& inst) const;
  static std::string render_v3(const Push& p, const WsSub& sub);
  // The login frame's account is of the other kind than the socket's dialect: the refusal frame.
  std::optional<std::string> login_refusal(const WsSession& s, const nlohmann::json& login_arg) const;

  SimConfig config_;
  std::unique_ptr<Tape> tape_;
  const Clock& clock_;
  std::int64_t start_ms_;
  MarketState market_;
  Exchange exchange_;
  FundingSchedule funding_;
  FaultConfig faults_;
  FaultActions pending_actions_;
  std::mt19937_64 rng_;
  SimStats stats_;
  std::vector<Push> pushes_;
  std::map<std::string, std::int64_t> next_settlement_;  // perp symbol -> ms
  std::vector<FundingRecord> funding_history_;           // oldest first
  std::map<std::pair<int, std::string>, std::int64_t> last_publish_ms_;
};

}  // namespace carry::sim
