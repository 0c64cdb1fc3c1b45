#pragma once
// monitor.http.listen: "host:port" where host is an IPv4 literal, a bracketed IPv6 literal
// ("[::1]:9464") or "localhost"; port 0..65535 (0 = the kernel picks one). Pure parsing, so the
// loader can name the key and the HTTP server can bind exactly what was validated.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace carry::config {

struct ListenAddress {
  std::string host;  // without brackets: "127.0.0.1", "::1"; "localhost" becomes "127.0.0.1"
  std::uint16_t port = 0;
  bool loopback = false;  // 127.0.0.0/8 or ::1
};

// nullopt with `why` set for anything else (no port, a name other than localhost, port > 65535).
std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string* why = nullptr);

struct HttpMonitorConfig;
struct KeyError {
  std::string key, what;
};
// The loader's rule for monitor.http: a parseable listen address ("" = off), and a token when it is
// not loopback (an endpoint showing positions and PnL is otherwise open to the network).
std::optional<KeyError> http_listen_error(const HttpMonitorConfig& http);

}  // namespace carry::config
