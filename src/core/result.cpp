#include <carry/core/result.hpp>

namespace carry {
namespace {

class CarryCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "carry"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::ok:
        return "ok";
      case Errc::network:
        return "network error";
      case Errc::timeout:
        return "timed out";
      case Errc::http_server_error:
        return "HTTP server error";
      case Errc::rate_limited:
        return "rate limited";
      case Errc::circuit_open:
        return "circuit breaker open";
      case Errc::stale_data:
        return "stale market data";
      case Errc::clock_skew:
        return "request timestamp outside the exchange's window";
      case Errc::empty_response:
        return "empty response body";
      case Errc::exchange_rejected:
        return "rejected by the exchange";
      case Errc::auth_failed:
        return "authentication failed";
      case Errc::bad_payload:
        return "malformed payload";
      case Errc::invalid_argument:
        return "invalid argument";
      case Errc::out_of_range:
        return "out of range";
      case Errc::overflow:
        return "numeric overflow";
      case Errc::not_found:
        return "not found";
      case Errc::duplicate:
        return "duplicate";
      case Errc::blocked:
        return "blocked by a guard";
      case Errc::canceled:
        return "canceled";
      case Errc::config:
        return "configuration error";
      case Errc::io:
        return "I/O error";
      case Errc::unsupported:
        return "unsupported";
    }
    return "unknown carry error";
  }
};

}  // namespace

const boost::system::error_category& carry_category() noexcept {
  static const CarryCategory category;
  return category;
}

bool is_retryable(const boost::system::error_code& ec) noexcept {
  if (!ec) return false;
  if (ec.category() == carry_category()) {
    const int v = ec.value();
    return v >= static_cast<int>(Errc::network) && v < static_cast<int>(Errc::exchange_rejected);
  }
  // Transport errors from Asio/Beast/OpenSSL are transient by nature.
  return ec != boost::system::errc::make_error_code(boost::system::errc::operation_canceled);
}

}  // namespace carry
