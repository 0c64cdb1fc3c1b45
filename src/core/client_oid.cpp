#include <carry/core/client_oid.hpp>

#include <stdexcept>

namespace carry {

ClientOidGenerator::ClientOidGenerator(std::string prefix, std::uint64_t last_used,
                                       std::function<void(std::uint64_t)> persist)
    : prefix_(std::move(prefix)), counter_(last_used), persist_(std::move(persist)) {
  if (!valid_prefix(prefix_))
    throw std::invalid_argument("client id prefix must be 1-" + std::to_string(kMaxPrefix) + " chars of [0-9A-Za-z_-]");
}

bool ClientOidGenerator::valid_prefix(std::string_view prefix) noexcept {
  if (prefix.empty() || prefix.size() > kMaxPrefix) return false;
  for (char c : prefix) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string ClientOidGenerator::next() {
  const std::uint64_t value = counter_ + 1;
  if (persist_) persist_(value);  // persisted before use: a crash never hands out an id twice
  counter_ = value;
  return prefix_ + "-" + std::to_string(value);
}

bool ClientOidGenerator::owns(std::string_view oid) const noexcept {
  return oid.size() > prefix_.size() + 1 && oid.substr(0, prefix_.size()) == prefix_ && oid[prefix_.size()] == '-';
}

}  // namespace carry
