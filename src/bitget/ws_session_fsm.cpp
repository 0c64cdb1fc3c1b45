#include <carry/bitget/ws_session_fsm.hpp>

#include <carry/bitget/requests.hpp>
#include <carry/bitget/uta_ws.hpp>

#include <algorithm>
#include <stdexcept>

namespace carry::bitget {

using namespace std::chrono_literals;

namespace {

// The v3 arg {instType, topic, symbol} travels in SubscriptionArg as {inst_type, channel, inst_id}.
uta::WsArg to_v3(const SubscriptionArg& a) { return {a.inst_type, a.channel, a.inst_id}; }
SubscriptionArg from_v3(const uta::WsArg& a) { return {a.inst_type, a.topic, a.symbol, {}}; }

// A v3 message in the FSM's terms: events keep kind, code and msg; pushes only need recognising.
WireResult<WsMessage> from_v3(uta::WsMessage m) {
  if (std::holds_alternative<WsPong>(m)) return WsMessage{WsPong{}};
  if (auto* e = std::get_if<uta::WsEvent>(&m)) {
    WsEvent out;
    out.kind = e->kind;
    out.code = std::move(e->code);
    out.msg = std::move(e->msg);
    if (e->arg) out.arg = from_v3(*e->arg);
    return WsMessage{std::move(out)};
  }
  auto& p = std::get<uta::WsPush>(m);
  WsPush out;
  out.action = std::move(p.action);
  out.arg = from_v3(p.arg);
  out.ts = p.ts;
  return WsMessage{std::move(out)};  // data stays behind: the parsers read the frame itself
}

}  // namespace

std::string_view to_string(WsState s) noexcept {
  switch (s) {
    case WsState::Disconnected:
      return "disconnected";
    case WsState::Connecting:
      return "connecting";
    case WsState::LoggingIn:
      return "logging_in";
    case WsState::Subscribing:
      return "subscribing";
    case WsState::Streaming:
      return "streaming";
    case WsState::BackingOff:
      return "backing_off";
  }
  return "?";
}

WsSessionFsm::WsSessionFsm(WsSessionConfig config, const Signer* signer, EventSink& events, std::uint64_t backoff_seed)
    : config_(std::move(config)), signer_(signer), events_(events), backoff_(config_.backoff, backoff_seed) {
  if (config_.private_channel && !signer_) throw std::invalid_argument("private WS session needs a Signer");
  if (config_.max_sends_per_second < 2) throw std::invalid_argument("max_sends_per_second must be >= 2");
}

bool WsSessionFsm::connected() const noexcept {
  return state_ == WsState::LoggingIn || state_ == WsState::Subscribing || state_ == WsState::Streaming;
}

WsActions WsSessionFsm::start(UnixNanos now) {
  WsActions out;
  if (state_ != WsState::Disconnected) return out;
  state_ = WsState::Connecting;
  state_since_ = now;
  out.push_back(ws_action::ConnectAfter{0ms});
  return out;
}

WsActions WsSessionFsm::on_connected(UnixNanos now, std::optional<std::int64_t> login_seconds) {
  WsActions out;
  if (state_ != WsState::Connecting && state_ != WsState::BackingOff) return out;
  ++connections_;
  last_rx_ = now;
  last_ping_ = now;
  ping_outstanding_since_.reset();
  outbox_.clear();
  sent_times_.clear();
  pending_acks_.clear();
  events_.info("ws.connected", {{"session", config_.name}, {"connection", connections_}});
  if (config_.private_channel) {
    state_ = WsState::LoggingIn;
    state_since_ = now;
    outbox_.push_back(signer_->ws_login_message(login_seconds.value_or(now.seconds())));
    pump(now, out);
  } else {
    begin_subscribing(now, out);
  }
  return out;
}

void WsSessionFsm::begin_subscribing(UnixNanos now, WsActions& out) {
  state_ = WsState::Subscribing;
  state_since_ = now;
  pending_acks_ = wanted_;
  queue_subscription("subscribe", wanted_);
  if (pending_acks_.empty()) {
    state_ = WsState::Streaming;
    streaming_since_ = now;
    if (streamed_before_) out.push_back(ws_action::Reconnected{config_.private_channel, now});
    streamed_before_ = true;
  }
  pump(now, out);
}

void WsSessionFsm::queue_subscription(std::string_view op, const std::vector<SubscriptionArg>& args) {
  if (args.empty()) return;
  WireResult<std::vector<std::string>> msgs = std::vector<std::string>{};
  if (config_.dialect == WsDialect::V3) {
    std::vector<uta::WsArg> v3;
    v3.reserve(args.size());
    for (const auto& a : args) v3.push_back(to_v3(a));
    msgs = uta::build_subscription_messages(op, v3, config_.max_args_bytes);
  } else {
    msgs = build_subscription_messages(op, args, config_.max_args_bytes);
  }
  if (!msgs) {
    events_.error("ws.subscribe_build_failed", {{"session", config_.name}, {"error", msgs.error().to_string()}});
    return;
  }
  for (auto& m : *msgs) outbox_.push_back(std::move(m));
}

void WsSessionFsm::pump(UnixNanos now, WsActions& out) {
  while (!sent_times_.empty() && now - sent_times_.front() >= 1s) sent_times_.pop_front();
  while (!outbox_.empty() && static_cast<int>(sent_times_.size()) < config_.max_sends_per_second) {
    out.push_back(ws_action::Send{std::move(outbox_.front())});
    outbox_.pop_front();
    sent_times_.push_back(now);
  }
}

WsActions WsSessionFsm::on_message(std::string_view text, UnixNanos now) {
  WsActions out;
  if (!connected()) return out;  // a late frame from a socket we already gave up on
  last_rx_ = now;
  ping_outstanding_since_.reset();
  if (text == "pong") {
    check_timers(now, out);
    return out;
  }
  // Pushes put "action" first in practice: skip the full parse for them (the hot path). Anything
  // else is parsed, so events are recognised whatever their key order.
  const bool surely_push = text.substr(0, 16).find("\"action\"") != std::string_view::npos;
  if (!surely_push) {
    auto m = parse(text);
    if (m && std::holds_alternative<WsEvent>(*m)) {
      handle_event(std::get<WsEvent>(*m), now, out);
      check_timers(now, out);
      return out;
    }
    if (!m) {
      ++unparsed_events_;
      events_.warn("ws.bad_frame", {{"session", config_.name}, {"error", m.error().to_string()}});
      check_timers(now, out);
      return out;
    }
  }
  out.push_back(ws_action::Data{text});
  check_timers(now, out);
  return out;
}

WireResult<WsMessage> WsSessionFsm::parse(std::string_view text) const {
  if (config_.dialect == WsDialect::V2) return parse_ws_message(text);
  auto m = uta::parse_ws_message(text);
  if (!m) return m.error();
  return from_v3(std::move(*m));
}

std::optional<SubscriptionArg> WsSessionFsm::match_pending(std::string_view msg) const {
  // Error texts look like "instType:sp,channel:candleundefined,instId:BTCUSDT doesn't exist".
  for (const auto* list : {&pending_acks_, &wanted_}) {
    for (const auto& a : *list) {
      const std::string ch = "channel:" + a.channel + ",";
      const std::string id = "instId:" + (a.coin.empty() ? a.inst_id : a.coin);
      if (msg.find(ch) != std::string_view::npos && msg.find(id) != std::string_view::npos) return a;
    }
  }
  return std::nullopt;
}

void WsSessionFsm::drop_wanted(const SubscriptionArg& arg) {
  std::erase(wanted_, arg);
  std::erase(pending_acks_, arg);
}

void WsSessionFsm::handle_event(const WsEvent& ev, UnixNanos now, WsActions& out) {
  nlohmann::json fields = {{"session", config_.name}, {"code", ev.code}, {"msg", ev.msg}};
  if (ev.kind == WsEventKind::Login) {
    if (state_ != WsState::LoggingIn) return;
    if (ev.ok()) {
      events_.info("ws.login_ok", {{"session", config_.name}});
      begin_subscribing(now, out);
    } else {
      events_.error("ws.login_failed", fields);
      enter_backoff(now, "login rejected (code " + ev.code + ")", out);
    }
    return;
  }
  if (ev.kind == WsEventKind::Subscribe) {
    if (ev.arg) std::erase(pending_acks_, *ev.arg);
    if (state_ == WsState::Subscribing && pending_acks_.empty()) {
      state_ = WsState::Streaming;
      state_since_ = now;
      streaming_since_ = now;
      events_.info("ws.streaming", {{"session", config_.name}, {"channels", wanted_.size()}});
      if (streamed_before_) out.push_back(ws_action::Reconnected{config_.private_channel, now});
      streamed_before_ = true;
    }
    return;
  }
  if (ev.kind == WsEventKind::Unsubscribe) return;

  // An error event.
  if (ev.code == uta::kPlannedReconnectCode) {
    // Not a failure: the venue will close this connection for an upgrade in about 60 s.
    ++planned_reconnects_;
    events_.warn("ws.planned_reconnect", {{"session", config_.name},
                                          {"code", ev.code},
                                          {"msg", ev.msg},
                                          {"note", "service upgrade announced: replacing the connection"}});
    out.push_back(ws_action::PlannedReconnect{});
    return;
  }
  if (state_ == WsState::LoggingIn) {
    events_.error("ws.login_failed", fields);
    enter_backoff(now, "login rejected (code " + ev.code + ")", out);
    return;
  }
  const Errc errc = ev.errc();
  std::optional<SubscriptionArg> arg = ev.arg ? ev.arg : match_pending(ev.msg);
  if (arg && config_.drop_rejected_args && errc == Errc::exchange_rejected) {
    fields["arg"] = arg->key();
    fields["action"] = "dropped";
    events_.error("ws.subscribe_failed", fields);
    drop_wanted(*arg);
    if (state_ == WsState::Subscribing && pending_acks_.empty()) {
      state_ = WsState::Streaming;
      state_since_ = now;
      streaming_since_ = now;
      if (streamed_before_) out.push_back(ws_action::Reconnected{config_.private_channel, now});
      streamed_before_ = true;
    }
    return;
  }
  if (arg) fields["arg"] = arg->key();
  fields["action"] = "reconnect";
  events_.error("ws.subscribe_failed", fields);
  enter_backoff(now, "error event (code " + ev.code + ")", out);
}

// Closes the socket when one is open, drops what belonged to it and waits to connect again.
void WsSessionFsm::leave_connection(UnixNanos now, std::string_view reason, WsActions& out) {
  if (connected()) out.push_back(ws_action::Close{std::string(reason)});
  for (const auto& a : wanted_)
    if (a.channel == "books") out.push_back(ws_action::BookResync{a});
  state_ = WsState::BackingOff;
  state_since_ = now;
  pending_acks_.clear();
  outbox_.clear();
  ping_outstanding_since_.reset();
  streaming_since_.reset();
}

void WsSessionFsm::enter_backoff(UnixNanos now, std::string_view reason, WsActions& out) {
  const auto delay = backoff_.next();
  leave_connection(now, reason, out);
  events_.warn("ws.backoff", {{"session", config_.name},
                              {"reason", std::string(reason)},
                              {"delay_ms", delay.count()},
                              {"attempt", backoff_.attempts()}});
  out.push_back(ws_action::ConnectAfter{delay});
  connect_at_ = now + delay;
}

WsActions WsSessionFsm::on_closed(UnixNanos now, std::string_view reason) {
  WsActions out;
  if (state_ == WsState::BackingOff || state_ == WsState::Disconnected) return out;
  events_.warn("ws.closed",
               {{"session", config_.name}, {"reason", std::string(reason)}, {"state", std::string(to_string(state_))}});
  // The socket is already gone: no Close action, just schedule the reconnect.
  state_ = WsState::Connecting;  // makes enter_backoff skip the Close
  enter_backoff(now, reason, out);
  return out;
}

void WsSessionFsm::check_timers(UnixNanos now, WsActions& out) {
  if (state_ == WsState::BackingOff) {
    if (now >= connect_at_) {
      state_ = WsState::Connecting;
      state_since_ = now;
    }
    return;
  }
  if (!connected()) return;
  if (state_ == WsState::LoggingIn && now - state_since_ >= config_.login_timeout) {
    events_.error("ws.login_failed", {{"session", config_.name}, {"code", ""}, {"msg", "no login reply"}});
    enter_backoff(now, "login timeout", out);
    return;
  }
  if (state_ == WsState::Subscribing && now - state_since_ >= config_.subscribe_timeout) {
    nlohmann::json pending = nlohmann::json::array();
    for (const auto& a : pending_acks_) pending.push_back(a.key());
    events_.error("ws.subscribe_timeout", {{"session", config_.name}, {"pending", pending}});
    enter_backoff(now, "subscribe timeout", out);
    return;
  }
  if (ping_outstanding_since_ && now - *ping_outstanding_since_ >= config_.pong_timeout) {
    events_.warn("ws.dead_link", {{"session", config_.name}, {"why", "pong missing"}});
    enter_backoff(now, "pong missing", out);
    return;
  }
  if (now - last_rx_ >= config_.idle_timeout) {
    events_.warn("ws.dead_link", {{"session", config_.name}, {"why", "no data"}});
    enter_backoff(now, "no data", out);
    return;
  }
  if (now - last_ping_ >= config_.ping_interval) {
    outbox_.push_front("ping");
    last_ping_ = now;
    if (!ping_outstanding_since_) ping_outstanding_since_ = now;
  }
  if (state_ == WsState::Streaming && streaming_since_ && backoff_.attempts() > 0 &&
      now - *streaming_since_ >= config_.stable_period) {
    events_.info("ws.backoff_reset", {{"session", config_.name}, {"attempts", backoff_.attempts()}});
    backoff_.reset();
  }
  pump(now, out);
}

WsActions WsSessionFsm::reconnect_now(UnixNanos now, std::string_view reason) {
  WsActions out;
  if (!connected()) return out;  // already reconnecting (or stopped)
  events_.info("ws.reconnect_now", {{"session", config_.name}, {"reason", std::string(reason)}});
  leave_connection(now, reason, out);
  out.push_back(ws_action::ConnectAfter{std::chrono::milliseconds(0)});
  connect_at_ = now;
  return out;
}

WsActions WsSessionFsm::on_timer(UnixNanos now) {
  WsActions out;
  check_timers(now, out);
  return out;
}

WsActions WsSessionFsm::subscribe(const std::vector<SubscriptionArg>& args, UnixNanos now) {
  WsActions out;
  std::vector<SubscriptionArg> added;
  for (const auto& a : args) {
    if (std::find(wanted_.begin(), wanted_.end(), a) != wanted_.end()) continue;
    wanted_.push_back(a);
    added.push_back(a);
  }
  if (state_ == WsState::Subscribing || state_ == WsState::Streaming) {
    queue_subscription("subscribe", added);
    if (state_ == WsState::Subscribing) pending_acks_.insert(pending_acks_.end(), added.begin(), added.end());
    pump(now, out);
  }
  return out;
}

WsActions WsSessionFsm::unsubscribe(const std::vector<SubscriptionArg>& args, UnixNanos now) {
  WsActions out;
  std::vector<SubscriptionArg> removed;
  for (const auto& a : args) {
    if (std::find(wanted_.begin(), wanted_.end(), a) == wanted_.end()) continue;
    drop_wanted(a);
    removed.push_back(a);
  }
  if (state_ == WsState::Subscribing || state_ == WsState::Streaming) {
    queue_subscription("unsubscribe", removed);
    pump(now, out);
  }
  return out;
}

WsActions WsSessionFsm::resync(const SubscriptionArg& arg, UnixNanos now) {
  WsActions out;
  if (std::find(wanted_.begin(), wanted_.end(), arg) == wanted_.end()) return out;
  out.push_back(ws_action::BookResync{arg});
  events_.warn("ws.resubscribe", {{"session", config_.name}, {"arg", arg.key()}});
  if (state_ == WsState::Subscribing || state_ == WsState::Streaming) {
    queue_subscription("unsubscribe", {arg});
    queue_subscription("subscribe", {arg});
    pump(now, out);
  }
  return out;
}

std::optional<UnixNanos> WsSessionFsm::next_deadline() const noexcept {
  std::optional<UnixNanos> d;
  auto take = [&d](UnixNanos t) {
    if (!d || t < *d) d = t;
  };
  if (state_ == WsState::BackingOff) {
    take(connect_at_);
    return d;
  }
  if (!connected()) return d;
  take(last_ping_ + config_.ping_interval);
  take(last_rx_ + config_.idle_timeout);
  if (ping_outstanding_since_) take(*ping_outstanding_since_ + config_.pong_timeout);
  if (state_ == WsState::LoggingIn) take(state_since_ + config_.login_timeout);
  if (state_ == WsState::Subscribing) take(state_since_ + config_.subscribe_timeout);
  if (state_ == WsState::Streaming && streaming_since_ && backoff_.attempts() > 0)
    take(*streaming_since_ + config_.stable_period);
  if (!outbox_.empty() && !sent_times_.empty()) take(sent_times_.front() + 1s);
  return d;
}

}  // namespace carry::bitget
