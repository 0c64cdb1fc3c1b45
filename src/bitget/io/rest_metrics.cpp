#include <carry/bitget/io/rest_metrics.hpp>

#include <algorithm>

namespace carry::bitget {

void RestMetrics::count(std::string_view endpoint, std::string_view code) {
  ++requests_[Key{std::string(endpoint), std::string(code)}];
}

void RestMetrics::record(std::string_view endpoint, std::string_view code, std::chrono::nanoseconds elapsed) {
  count(endpoint, code);
  auto it = latency_.find(endpoint);
  if (it == latency_.end()) it = latency_.emplace(std::string(endpoint), Latency{}).first;
  Latency& l = it->second;
  const double s = std::max(0.0, std::chrono::duration<double>(elapsed).count());
  const auto bucket = std::lower_bound(kBounds.begin(), kBounds.end(), s) - kBounds.begin();  // le: s <= bound
  ++l.counts[static_cast<std::size_t>(bucket)];
  l.sum_s += s;
  ++l.count;
}

std::string RestMetrics::status_code(int http_status) { return std::to_string(http_status); }

}  // namespace carry::bitget
