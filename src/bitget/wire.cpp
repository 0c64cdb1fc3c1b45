#include <carry/bitget/wire.hpp>

#include "json_fields.hpp"

#include <array>
#include <charconv>
#include <stdexcept>

namespace carry::bitget {

std::string Error::to_string() const {
  std::string s(carry_category().message(static_cast<int>(errc)));
  if (!exchange_code.empty()) s += " [" + exchange_code + "]";
  if (!message.empty()) s += ": " + message;
  return s;
}

void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw std::runtime_error(e.to_string());
}

Error bad_payload(std::string message) { return {Errc::bad_payload, {}, std::move(message)}; }
Error invalid_argument(std::string message) { return {Errc::invalid_argument, {}, std::move(message)}; }

namespace {

template <std::size_t N>
bool one_of(std::string_view code, const std::array<std::string_view, N>& set) noexcept {
  for (auto c : set)
    if (c == code) return true;
  return false;
}

constexpr std::array<std::string_view, 19> kAuth = {"40001", "40002", "40003", "40004", "40005", "40006", "40007",
                                                    "40009", "40010", "40011", "40012", "40014", "40018", "40037",
                                                    "40038", "40085", "40099", "30005", "30011"};
constexpr std::array<std::string_view, 3> kAuthWs = {"30012", "30013", "30015"};
// A well-formed timestamp outside the exchange's window ("expired"): our clock offset is stale,
// not the key. 40005/30013 (unparseable timestamp) stay auth failures: a re-sync cannot fix them.
constexpr std::array<std::string_view, 2> kClockSkew = {"40008", "30014"};
constexpr std::array<std::string_view, 4> kRate = {"429", "30006", "30007", "22035"};
constexpr std::array<std::string_view, 4> kReleaseWindow = {"45001", "40725", "40808", "40015"};
constexpr std::array<std::string_view, 2> kDuplicate = {"45034", "43118"};
constexpr std::array<std::string_view, 10> kNotFound = {"40768", "43001", "45057", "31007", "40109",
                                                        "43020", "43025", "43033", "80011", "40819"};

}  // namespace

Errc classify_error(std::string_view code, int http_status) noexcept {
  if (http_status == 429) return Errc::rate_limited;
  const bool success_code = code == "00000" || code == "0";
  if (success_code && http_status >= 200 && http_status < 300) return Errc::ok;
  if (one_of(code, kRate)) return Errc::rate_limited;
  if (one_of(code, kClockSkew)) return Errc::clock_skew;
  if (one_of(code, kAuth) || one_of(code, kAuthWs)) return Errc::auth_failed;
  if (one_of(code, kReleaseWindow)) return Errc::http_server_error;
  if (one_of(code, kDuplicate)) return Errc::duplicate;
  if (one_of(code, kNotFound)) return Errc::not_found;
  if (http_status >= 500) return Errc::http_server_error;
  if (http_status == 401 || http_status == 403)
    return code.empty() || success_code ? Errc::auth_failed : Errc::exchange_rejected;
  return Errc::exchange_rejected;
}

WireResult<Envelope> parse_envelope(std::string_view body, int http_status) {
  using detail::json;
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  const std::string http = std::to_string(http_status);
  if (j.is_discarded() || !j.is_object()) {
    if (http_status == 429) return Error{Errc::rate_limited, "429", "HTTP 429"};
    if (http_status >= 500) return Error{Errc::http_server_error, http, "HTTP " + http};
    std::string head(body.substr(0, 120));
    return bad_payload("response body (HTTP " + http + ") is not a JSON object: " + head);
  }
  Envelope env;
  auto code = detail::opt_text(j, "code");
  if (!code) {
    if (http_status == 429) return Error{Errc::rate_limited, "429", "HTTP 429"};
    if (http_status >= 500) return Error{Errc::http_server_error, http, "HTTP " + http};
    return bad_payload("code: missing (HTTP " + http + ")");
  }
  env.code = *code;
  env.msg = detail::text_or(j, "msg");
  if (auto rt = detail::opt_text(j, "requestTime")) {
    // Informational only; the doc sample for single-position carries an implausible value, so
    // only the syntax is checked.
    std::int64_t v = 0;
    auto [ptr, ec] = std::from_chars(rt->data(), rt->data() + rt->size(), v);
    if (ec != std::errc() || ptr != rt->data() + rt->size())
      return bad_payload("requestTime: not an integer: \"" + *rt + "\"");
    env.request_time_ms = v;
  }
  const Errc e = classify_error(env.code, http_status);
  if (e != Errc::ok) {
    std::string exch = env.code == "00000" ? http : env.code;
    return Error{e, exch, env.msg.empty() ? "HTTP " + http : env.msg};
  }
  if (auto it = j.find("data"); it != j.end()) env.data = std::move(*it);
  return env;
}

std::optional<MarketType> market_from_inst_type(std::string_view t) noexcept {
  if (t == "SPOT" || t == "sp" || t == "SP") return MarketType::Spot;
  if (t.size() > 8 && t.substr(t.size() - 8) == "-FUTURES") return MarketType::Perp;
  if (t == "mc" || t == "MC") return MarketType::Perp;  // v1 recordings
  return std::nullopt;
}

std::string_view to_wire(PositionMode m) noexcept { return m == PositionMode::Hedge ? "hedge_mode" : "one_way_mode"; }

std::optional<PositionMode> position_mode_from_wire(std::string_view s) noexcept {
  if (s == "one_way_mode") return PositionMode::OneWay;
  if (s == "hedge_mode") return PositionMode::Hedge;
  return std::nullopt;
}

}  // namespace carry::bitget
