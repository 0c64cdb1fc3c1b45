#pragma once
// Client order ids: <tag>-<counter>, unique forever. The daemon's tag is the configured prefix
// followed by the store's instance id, so ids of another store on the same account never match
// owns(). The counter's persistence is injected (the store keeps it in SQLite) so ids survive restarts.
#include <cstdint>
#include <functional>
#include <string>

namespace carry {

class ClientOidGenerator {
 public:
  // `persist` is called with each counter value before the id is handed out, so a crash can never
  // reuse one. Bitget accepts up to 32 chars of [0-9A-Za-z_-]: the tag is validated (at most
  // kMaxPrefix chars), leaving room for the dash and a 14-digit counter.
  static constexpr std::size_t kMaxPrefix = 17;
  ClientOidGenerator(std::string prefix, std::uint64_t last_used, std::function<void(std::uint64_t)> persist = {});

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
