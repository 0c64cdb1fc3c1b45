#pragma once
// Small helpers shared by the matching engine's source files (exchange*.cpp).
#include "exchange.hpp"

#include <string>

namespace carry::sim::detail {

inline ApiError err(std::string code, std::string msg, int http = 400) {
  return ApiError{std::move(code), std::move(msg), http};
}

inline bool on_step(Decimal v, Decimal step) { return v.round_to_step(step, Rounding::Down).value() == v; }

inline std::string opposite_hold(const std::string& h) { return h == "long" ? "short" : "long"; }

}  // namespace carry::sim::detail
