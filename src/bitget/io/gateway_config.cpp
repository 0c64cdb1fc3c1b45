#include <carry/bitget/io/gateway_config.hpp>

#include "url.hpp"

namespace carry::bitget {

std::string GatewayConfig::rest_url() const {
  return rest_base_url.empty() ? std::string(kLiveRestUrl) : rest_base_url;
}
std::string GatewayConfig::ws_public() const {
  return ws_url_for(account_kind, !ws_public_url.empty() ? std::string_view(ws_public_url)
                                                         : (demo ? kDemoWsPublicUrl : kLiveWsPublicUrl));
}
std::string GatewayConfig::ws_private() const {
  return ws_url_for(account_kind, !ws_private_url.empty() ? std::string_view(ws_private_url)
                                                          : (demo ? kDemoWsPrivateUrl : kLiveWsPrivateUrl));
}

RestClientConfig GatewayConfig::rest_config() const {
  RestClientConfig c;
  c.base_url = rest_url();
  c.ca_file = ca_file;
  c.verify_tls = verify_tls;
  c.request_timeout = rest_timeout;
  c.connect_timeout = connect_timeout;
  c.max_concurrency = rest_max_concurrency;
  c.cb_fail_threshold = rest_cb_fail_threshold;
  c.cb_open = rest_cb_open_seconds;
  c.rate_limit = rest_rate_limit;
  return c;
}

namespace {
WsClientConfig ws_config(const GatewayConfig& g, std::string url, std::string name, bool priv) {
  WsClientConfig c;
  c.url = std::move(url);
  c.ca_file = g.ca_file;
  c.verify_tls = g.verify_tls;
  c.connect_timeout = g.connect_timeout;
  c.session.name = std::move(name);
  c.session.private_channel = priv;
  c.session.dialect = g.account_kind == AccountKind::Uta ? WsDialect::V3 : WsDialect::V2;
  c.session.ping_interval = g.ws_ping_interval;
  c.session.pong_timeout = g.ws_pong_timeout;
  c.session.idle_timeout = g.ws_idle_timeout;
  c.session.login_timeout = g.ws_login_timeout;
  c.session.subscribe_timeout = g.ws_subscribe_timeout;
  c.session.backoff = g.ws_backoff;
  return c;
}
}  // namespace

WsClientConfig GatewayConfig::ws_public_config() const { return ws_config(*this, ws_public(), "public", false); }
WsClientConfig GatewayConfig::ws_private_config() const { return ws_config(*this, ws_private(), "private", true); }

std::string GatewayConfig::describe() const {
  return "rest=" + rest_url() + " ws_public=" + ws_public() + " ws_private=" + ws_private() +
         " account=" + std::string(to_string(account_kind)) + " demo=" + (demo ? "true" : "false") +
         " product=" + product_type + " margin=" + margin_mode + "/" + margin_coin +
         " position_mode=" + std::string(to_wire(position_mode)) + " " +
         (credentials.empty() ? std::string("keys=none") : credentials.redacted());
}

std::string_view to_string(DestinationKind k) noexcept {
  switch (k) {
    case DestinationKind::Loopback:
      return "loopback";
    case DestinationKind::Demo:
      return "demo";
    case DestinationKind::Live:
      return "live";
  }
  return "?";
}

namespace {
// One endpoint: loopback by address, demo only on Bitget's own demo hosts with demo mode on, and
// live otherwise (an unparsable URL too: never guess in favour of "not real money").
Destination classify(std::string_view url_text, std::string_view endpoint, bool demo, std::string_view demo_host) {
  Destination d;
  d.endpoint = std::string(endpoint);
  auto url = io::parse_url(url_text);
  if (!url) {
    d.host = std::string(url_text);
    return d;
  }
  d.host = url->host;
  if (url->host_is_loopback())
    d.kind = DestinationKind::Loopback;
  else if (demo && url->host == demo_host)
    d.kind = DestinationKind::Demo;
  return d;
}
}  // namespace

Destination private_destination(const GatewayConfig& g) {
  const Destination rest = classify(g.rest_url(), "rest", g.demo, kRestHost);
  const Destination ws = classify(g.ws_private(), "ws_private", g.demo, kDemoWsHost);
  return static_cast<int>(ws.kind) > static_cast<int>(rest.kind) ? ws : rest;
}

}  // namespace carry::bitget
