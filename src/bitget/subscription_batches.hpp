#pragma once
// Subscribe/unsubscribe frames for a list of WebSocket args, batched so that each frame's args
// array stays within max_args_bytes. Shared by the v2 (SubscriptionArg) and v3 (uta::WsArg)
// builders: any Arg with to_json() and key(). Private to carry_bitget.
#include <carry/bitget/wire.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace carry::bitget::detail {

template <class Arg>
WireResult<std::vector<std::string>> batch_subscriptions(std::string_view op, const std::vector<Arg>& args,
                                                         std::size_t max_args_bytes) {
  if (op != "subscribe" && op != "unsubscribe") return invalid_argument("op: must be subscribe or unsubscribe");
  std::vector<std::string> out;
  std::string batch;  // serialized args array under construction, without the closing ']'
  auto flush = [&] {
    if (batch.empty()) return;
    out.push_back("{\"op\":\"" + std::string(op) + "\",\"args\":" + batch + "]}");
    batch.clear();
  };
  for (const auto& a : args) {
    const std::string item = a.to_json().dump();
    if (item.size() + 2 > max_args_bytes) return invalid_argument("args: " + a.key() + " alone exceeds the size limit");
    // '[' or ',' before the item, ']' after it
    if (!batch.empty() && batch.size() + 1 + item.size() + 1 > max_args_bytes) flush();
    batch += batch.empty() ? "[" : ",";
    batch += item;
  }
  flush();
  return out;
}

}  // namespace carry::bitget::detail
