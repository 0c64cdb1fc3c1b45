#pragma once
// Client order ids: prefix + monotonic counter, unique forever. The counter's persistence is
// injected (the store keeps it in SQLite) so ids survive restarts.
#include <cstdint>
#include <functional>
#include <string>

namespace carry {

class ClientOidGenerator {
 public:
  // `persist` is called with each counter value before the id is handed out, so a crash can never
  // reuse one. Bitget accepts up to 32 chars of [0-9A-Za-z_-]; the prefix is validated.
  ClientOidGenerator(std::string prefix, std::uint64_t last_used,
                     std::function<void(std::uint64_t)> persist = {});

  std::string next();
  std::uint64_t last_used() const noexcept { return counter_; }
  const std::string& prefix() const noexcept { return prefix_; }
  bool owns(std::string_view client_oid) const noexcept;

  static bool valid_prefix(std::string_view prefix) noexcept;

 private:
  std::string prefix_;
  std::uint64_t counter_;
  std::function<void(std::uint64_t)> persist_;
};

}  // namespace carry
