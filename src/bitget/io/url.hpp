#pragma once
// Endpoint URLs from config ("https://api.bitget.com", "ws://127.0.0.1:8081/v2/ws/public").
#include <carry/core/result.hpp>

#include <string>
#include <string_view>

namespace carry::bitget::io {

struct Url {
  bool tls = false;        // https / wss
  bool websocket = false;  // ws / wss
  std::string host;        // without brackets
  std::string port;        // explicit or the scheme default
  std::string path;        // "/" when absent; no query

  // Host header / SNI value: host, plus ":port" when not the scheme default.
  std::string authority() const;
  // True for a literal IPv4/IPv6 address (no SNI is sent for those, RFC 6066 section 3).
  bool host_is_ip() const;
  // 127.0.0.0/8, ::1 or "localhost": the only hosts allowed without TLS (keys never cross a
  // network in clear text).
  bool host_is_loopback() const;
};

// Accepts http, https, ws, wss. Anything else (or an empty host, a bad port) is invalid_argument.
Result<Url> parse_url(std::string_view text);

}  // namespace carry::bitget::io
