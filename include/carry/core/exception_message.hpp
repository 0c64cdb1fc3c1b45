#pragma once
// What a coroutine's completion handler reports when the coroutine died of an exception.
#include <exception>
#include <string>

namespace carry {

// The exception's what(), or "unknown exception" for one not derived from std::exception; empty
// for a null pointer. Never throws: completion handlers must not.
inline std::string exception_message(std::exception_ptr e) noexcept {
  if (!e) return {};
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {}
  return "unknown exception";
}

}  // namespace carry
