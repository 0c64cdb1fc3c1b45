#pragma once
// Everything bitget::Gateway needs to reach an exchange: endpoints (all overridable, so the
// gateway points at bitget-sim on loopback as easily as at Bitget), demo mode, keys, timeouts,
// REST guards and the futures account settings. Keys are never printed: use describe().
#include <carry/bitget/account_kind.hpp>
#include <carry/bitget/io/rest_client.hpp>
#include <carry/bitget/io/ws_client.hpp>
#include <carry/bitget/signer.hpp>
#include <carry/bitget/wire.hpp>
#include <carry/core/backoff.hpp>

#include <chrono>
#include <string>

namespace carry::bitget {

inline constexpr std::string_view kLiveRestUrl = "https://api.bitget.com";
inline constexpr std::string_view kLiveWsPublicUrl = "wss://ws.bitget.com/v2/ws/public";
inline constexpr std::string_view kLiveWsPrivateUrl = "wss://ws.bitget.com/v2/ws/private";
inline constexpr std::string_view kDemoWsPublicUrl = "wss://wspap.bitget.com/v2/ws/public";
inline constexpr std::string_view kDemoWsPrivateUrl = "wss://wspap.bitget.com/v2/ws/private";

inline constexpr std::string_view kRestHost = "api.bitget.com";
inline constexpr std::string_view kDemoWsHost = "wspap.bitget.com";

// Where this gateway's private requests (signed REST, the private WebSocket login) would go.
// Loopback: the simulator or a test server on this machine. Demo: Bitget's demo trading
// (`paptrading: 1` on api.bitget.com, the wspap.bitget.com WebSocket host). Live: anything else,
// whatever the configured environment says: real money, or keys sent to an unknown host.
enum class DestinationKind { Loopback, Demo, Live };
std::string_view to_string(DestinationKind k) noexcept;

struct Destination {
  DestinationKind kind = DestinationKind::Live;
  std::string host;      // the host that decided the kind (the first live one, else the first demo one)
  std::string endpoint;  // "rest" or "ws_private"
};

struct GatewayConfig;
Destination private_destination(const GatewayConfig& g);

struct GatewayConfig {
  // ---- endpoints ("" = Bitget's, per `demo`) ----
  std::string rest_base_url;  // e.g. "http://127.0.0.1:8080" for the simulator
  std::string ws_public_url;  // e.g. "ws://127.0.0.1:8081/v2/ws/public"
  std::string ws_private_url;
  // The account's kind picks the protocol: the WebSocket paths follow it on the configured hosts
  // (/v2/ws/... for Classic, /v3/ws/... for UTA). Detected at start (probe_account_kind).
  AccountKind account_kind = AccountKind::Classic;
  bool demo = false;    // header paptrading: 1 and the wspap WebSocket hosts
  std::string ca_file;  // extra trust anchors (PEM) added to the system store
  bool verify_tls = true;

  // ---- keys (private endpoints and channels need all three) ----
  Credentials credentials;
  std::string locale = "en-US";

  // ---- REST ----
  std::chrono::milliseconds rest_timeout{5000};
  std::chrono::milliseconds connect_timeout{3000};
  std::size_t rest_max_concurrency = 8;
  int rest_cb_fail_threshold = 5;
  std::chrono::seconds rest_cb_open_seconds{30};
  bool rest_rate_limit = true;
  bool sync_server_time = true;  // measure the clock offset in start()
  // Re-measure it this often while running (0 = never), and at once after a timestamp refusal.
  std::chrono::seconds time_sync_interval{300};

  // ---- WebSocket ----
  std::chrono::milliseconds ws_ping_interval{25000};
  std::chrono::milliseconds ws_pong_timeout{10000};
  std::chrono::milliseconds ws_idle_timeout{35000};
  std::chrono::milliseconds ws_login_timeout{10000};
  std::chrono::milliseconds ws_subscribe_timeout{10000};
  BackoffPolicy ws_backoff{};
  bool private_streams = true;  // start the private WS when credentials are set
  // Bitget closes every connection after 24 h: the public session moves to a new connection
  // before that (make before break); 0 = never. The private session is left to reconnect (its
  // reconnect triggers the REST reconciliation, and private pushes must not arrive twice).
  std::chrono::seconds ws_rotate_after{std::chrono::hours(23) + std::chrono::minutes(30)};

  // ---- futures account ----
  std::string product_type = "USDT-FUTURES";
  std::string margin_coin = "USDT";
  std::string margin_mode = "crossed";  // "crossed" | "isolated"
  PositionMode position_mode = PositionMode::OneWay;

  std::string rest_url() const;
  std::string ws_public() const;
  std::string ws_private() const;
  RestClientConfig rest_config() const;
  WsClientConfig ws_public_config() const;
  WsClientConfig ws_private_config() const;
  // One line for logs: endpoints, demo flag, redacted key. Never the secret or passphrase.
  std::string describe() const;
};

}  // namespace carry::bitget
