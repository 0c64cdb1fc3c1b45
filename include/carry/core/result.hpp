#pragma once
// Expected failures are values: Result<T> with a project error category.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <string>
#include <system_error>

namespace carry {

enum class Errc {
  ok = 0,
  // retryable
  network = 1,        // connect/read/write failure
  timeout,            // a deadline expired (for a place request: outcome unknown)
  http_server_error,  // HTTP 5xx
  rate_limited,       // HTTP 429 or an exchange rate-limit code
  circuit_open,       // our breaker refuses to send
  stale_data,         // market data too old to act on
  clock_skew,         // the exchange refused our request timestamp: re-sync its clock, retry
  empty_response,     // a 2xx answer with an empty body (seen on Bitget v3): ask again
  // not retryable
  exchange_rejected = 100,  // a business error code from the exchange
  auth_failed,              // signature/key/passphrase/timestamp refused
  bad_payload,              // the exchange sent something we cannot parse
  invalid_argument,
  out_of_range,
  overflow,
  not_found,
  duplicate,
  blocked,   // a guard refused
  canceled,  // the operation was canceled (shutdown)
  config,
  io,
  unsupported,
};

const boost::system::error_category& carry_category() noexcept;

inline boost::system::error_code make_error_code(Errc e) noexcept { return {static_cast<int>(e), carry_category()}; }

// Transient failures that may succeed if repeated (after a backoff).
bool is_retryable(const boost::system::error_code& ec) noexcept;

template <class T>
using Result = boost::system::result<T, boost::system::error_code>;

}  // namespace carry

namespace boost::system {
template <>
struct is_error_code_enum<carry::Errc> : std::true_type {};
}  // namespace boost::system
