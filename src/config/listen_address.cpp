#include <carry/config/config.hpp>
#include <carry/config/listen_address.hpp>

#include <boost/asio/ip/address.hpp>

#include <charconv>

namespace carry::config {

std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string* why) {
  const auto fail = [&](std::string msg) -> std::optional<ListenAddress> {
    if (why) *why = std::move(msg);
    return std::nullopt;
  };
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return fail("expected host:port, e.g. 127.0.0.1:9464");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535)
    return fail("the port must be a number from 0 to 65535");
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return fail("an IPv6 host needs brackets, e.g. [::1]:9464");
  }
  ListenAddress out;
  out.port = static_cast<std::uint16_t>(port);
  if (host == "localhost") {
    out.host = "127.0.0.1";
    out.loopback = true;
    return out;
  }
  boost::system::error_code bad;
  const auto addr = boost::asio::ip::make_address(std::string(host), bad);
  if (bad) return fail("the host must be an IP address or localhost (no name lookup)");
  out.host = addr.to_string();
  out.loopback = addr.is_loopback();
  return out;
}

std::optional<KeyError> http_listen_error(const HttpMonitorConfig& http) {
  if (http.listen.empty()) return std::nullopt;
  std::string why;
  const auto addr = parse_listen_address(http.listen, &why);
  if (!addr) return KeyError{"monitor.http.listen", "'" + http.listen + "': " + why};
  if (!addr->loopback && http.token.empty())
    return KeyError{"monitor.http.token",
                    "required when monitor.http.listen ('" + http.listen + "') is not a loopback address"};
  return std::nullopt;
}

}  // namespace carry::config
