#pragma once
// Bitget v2 wire basics: the parse/validation error type, the REST {code,msg,data} envelope and
// the classification of exchange error codes into carry::Errc (REFERENCE sections 1, 5, 7).
#include <carry/core/result.hpp>
#include <carry/core/types.hpp>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace carry::bitget {

// A failure with enough context to act on: the project error class, the exchange's own code
// (if any) and a message naming the culprit ("data[0].priceEndStep: not a decimal").
struct Error {
  Errc errc = Errc::bad_payload;
  std::string exchange_code;  // "40009", "30015", "429" (HTTP), or "" for local failures
  std::string message;

  boost::system::error_code code() const noexcept { return make_error_code(errc); }
  bool retryable() const noexcept { return is_retryable(code()); }
  std::string to_string() const;
};

// Needed by boost::system::result<T, Error>::value(): throws std::runtime_error(to_string()).
[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);

template <class T>
using WireResult = boost::system::result<T, Error>;

Error bad_payload(std::string message);
Error invalid_argument(std::string message);

// Maps an exchange error code (REST "code" or WS "code", number or string) and the HTTP status
// to an Errc. "00000" / "0" with a 2xx status is Errc::ok.
//   timestamp expired 40008 (REST), 30014 (WS login) -> clock_skew (retryable: re-sync the
//       server-time offset, then retry once)
//   other auth codes (40001..40007, 40009..40012, 40014, 40018, 40037, 40038, 40085, 40099, 30005,
//       30011..30013, 30015) -> auth_failed
//   HTTP 429, "429", 30006, 30007, 22035 -> rate_limited
//   release-window codes 45001, 40725, 40808, 40015 and HTTP 5xx -> http_server_error (retryable)
//   duplicate clientOid 45034, 43118 -> duplicate
//   order not found 40768, 43001, 45057, 31007, 40109, 43020, 43025, 43033, 80011, 40819
//       -> not_found
//   anything else -> exchange_rejected
Errc classify_error(std::string_view code, int http_status = 200) noexcept;

// The REST envelope. `data` is kept as a json value for the typed parsers.
struct Envelope {
  std::string code;  // "00000" on success
  std::string msg;
  std::int64_t request_time_ms = 0;  // number or string on the wire; 0 when absent
  nlohmann::json data;
};

// Parses a REST response body. Business errors (HTTP 200 with code != "00000") come back as an
// Error with the exchange code; a non-JSON body is bad_payload (or http_server_error on 5xx,
// rate_limited on 429).
WireResult<Envelope> parse_envelope(std::string_view body, int http_status = 200);

// "SPOT" -> Spot, "USDT-FUTURES" / "COIN-FUTURES" / "USDC-FUTURES" -> Perp; also "S*-FUTURES", the
// demo pairs Bitget delisted on 2025-08-04 (demo is the paptrading header now), for old recordings.
std::optional<MarketType> market_from_inst_type(std::string_view inst_type) noexcept;

enum class PositionMode : std::uint8_t { OneWay, Hedge };
std::string_view to_wire(PositionMode m) noexcept;  // "one_way_mode" | "hedge_mode"
std::optional<PositionMode> position_mode_from_wire(std::string_view s) noexcept;

}  // namespace carry::bitget
