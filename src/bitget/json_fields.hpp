#pragma once
// Private helpers: typed field access on nlohmann::json with errors that name the field.
// Bitget sends numbers as strings almost everywhere, but sometimes as JSON numbers; both parse.
#include <carry/bitget/wire.hpp>
#include <carry/core/decimal.hpp>
#include <carry/core/time.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace carry::bitget::detail {

using json = nlohmann::json;

inline std::string path(std::string_view ctx, std::string_view key) {
  std::string p(ctx);
  if (!p.empty()) p.push_back('.');
  p.append(key);
  return p;
}
inline std::string index_path(std::string_view ctx, std::size_t i) {
  return std::string(ctx) + "[" + std::to_string(i) + "]";
}

inline const json* find(const json& o, const char* key) {
  if (!o.is_object()) return nullptr;
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return nullptr;
  return &*it;
}

// String or number rendered as text; nullopt when missing or null.
inline std::optional<std::string> opt_text(const json& o, const char* key) {
  const json* v = find(o, key);
  if (!v) return std::nullopt;
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number() || v->is_boolean()) return v->dump();
  return std::nullopt;
}

inline WireResult<std::string> text(const json& o, const char* key, std::string_view ctx) {
  if (!o.is_object()) return bad_payload(std::string(ctx) + ": expected an object");
  const json* v = find(o, key);
  if (!v) return bad_payload(path(ctx, key) + ": missing");
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number()) return v->dump();
  return bad_payload(path(ctx, key) + ": expected a string");
}

inline std::string text_or(const json& o, const char* key, std::string fallback = {}) {
  auto t = opt_text(o, key);
  return t ? *t : std::move(fallback);
}

inline WireResult<Decimal> parse_dec(std::string_view s, const std::string& where) {
  auto d = Decimal::parse(s);
  if (!d) return bad_payload(where + ": not a decimal: \"" + std::string(s) + "\"");
  return *d;
}

// Rounds half-up to 9 decimals when the text carries more precision than Decimal holds.
// Only for analytics values (equity, ratios, liquidation price), never prices/sizes we trade on.
inline WireResult<Decimal> parse_dec_rounded(std::string_view s, const std::string& where) {
  auto d = Decimal::parse(s);
  if (d) return *d;
  const auto dot = s.find('.');
  if (dot == std::string_view::npos || s.size() - dot - 1 <= 9 || s.find_first_of("eE") != std::string_view::npos)
    return bad_payload(where + ": not a decimal: \"" + std::string(s) + "\"");
  auto head = Decimal::parse(s.substr(0, dot + 10));
  if (!head) return bad_payload(where + ": not a decimal: \"" + std::string(s) + "\"");
  const char next = s[dot + 10];
  if (next < '0' || next > '9') return bad_payload(where + ": not a decimal: \"" + std::string(s) + "\"");
  if (next >= '5') {
    const bool neg = !s.empty() && s[0] == '-';
    auto adj = head->checked_add(Decimal::from_raw(neg ? -1 : 1));
    if (!adj) return bad_payload(where + ": out of range");
    return *adj;
  }
  return *head;
}

inline WireResult<Decimal> dec(const json& o, const char* key, std::string_view ctx) {
  auto t = text(o, key, ctx);
  if (!t) return t.error();
  return parse_dec(*t, path(ctx, key));
}

inline WireResult<Decimal> dec_rounded(const json& o, const char* key, std::string_view ctx) {
  auto t = text(o, key, ctx);
  if (!t) return t.error();
  return parse_dec_rounded(*t, path(ctx, key));
}

// Missing, null, "", "-1", "null" -> nullopt; anything else must be a decimal.
inline WireResult<std::optional<Decimal>> opt_dec(const json& o, const char* key, std::string_view ctx,
                                                  bool rounded = false) {
  auto t = opt_text(o, key);
  if (!t || t->empty() || *t == "-1" || *t == "null") return std::optional<Decimal>{};
  auto d = rounded ? parse_dec_rounded(*t, path(ctx, key)) : parse_dec(*t, path(ctx, key));
  if (!d) return d.error();
  return std::optional<Decimal>{*d};
}

inline WireResult<UnixNanos> ms_time(const json& o, const char* key, std::string_view ctx) {
  auto t = text(o, key, ctx);
  if (!t) return t.error();
  auto u = UnixNanos::parse_ms(*t);
  if (!u) return bad_payload(path(ctx, key) + ": not a millisecond timestamp: \"" + *t + "\"");
  return *u;
}

inline WireResult<std::optional<UnixNanos>> opt_ms_time(const json& o, const char* key, std::string_view ctx) {
  auto t = opt_text(o, key);
  if (!t || t->empty() || *t == "-1" || *t == "0") return std::optional<UnixNanos>{};
  auto u = UnixNanos::parse_ms(*t);
  if (!u) return bad_payload(path(ctx, key) + ": not a millisecond timestamp: \"" + *t + "\"");
  return std::optional<UnixNanos>{*u};
}

inline WireResult<int> integer(const json& o, const char* key, std::string_view ctx) {
  auto t = text(o, key, ctx);
  if (!t) return t.error();
  int v = 0;
  const auto& s = *t;
  if (s.empty()) return bad_payload(path(ctx, key) + ": empty integer");
  std::size_t i = 0;
  bool neg = false;
  if (s[0] == '-') {
    neg = true;
    i = 1;
  }
  if (i == s.size()) return bad_payload(path(ctx, key) + ": not an integer: \"" + s + "\"");
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9' || v > 100'000'000)
      return bad_payload(path(ctx, key) + ": not an integer: \"" + s + "\"");
    v = v * 10 + (s[i] - '0');
  }
  return neg ? -v : v;
}

inline WireResult<const json*> array(const json& o, const char* key, std::string_view ctx) {
  const json* v = find(o, key);
  if (!v) return bad_payload(path(ctx, key) + ": missing");
  if (!v->is_array()) return bad_payload(path(ctx, key) + ": expected an array");
  return v;
}

inline WireResult<Side> side_field(const json& o, const char* key, std::string_view ctx) {
  auto t = text(o, key, ctx);
  if (!t) return t.error();
  if (*t == "buy" || *t == "Buy" || *t == "BUY") return Side::Buy;
  if (*t == "sell" || *t == "Sell" || *t == "SELL") return Side::Sell;
  return bad_payload(path(ctx, key) + ": unknown side \"" + *t + "\"");
}

// Parses every element of the JSON array `arr` with `one(element, "ctx[i]")` (a WireResult<T>),
// stopping at the first error, so each list parser only states how one element reads.
template <class F, class T = typename std::invoke_result_t<F&, const json&, const std::string&>::value_type>
WireResult<std::vector<T>> parse_each(const json& arr, std::string_view ctx, F&& one) {
  if (!arr.is_array()) return bad_payload(std::string(ctx) + ": expected an array");
  std::vector<T> out;
  out.reserve(arr.size());
  for (std::size_t i = 0; i < arr.size(); ++i) {
    auto r = one(arr[i], index_path(ctx, i));
    if (!r) return r.error();
    out.push_back(std::move(*r));
  }
  return out;
}

// parse_each over the list under `key`; Bitget sends null (or nothing) when the list is empty.
template <class F, class T = typename std::invoke_result_t<F&, const json&, const std::string&>::value_type>
WireResult<std::vector<T>> parse_each_in(const json& o, const char* key, std::string_view ctx, F&& one) {
  const json* list = find(o, key);
  if (!list) return std::vector<T>{};
  return parse_each(*list, path(ctx, key), std::forward<F>(one));
}

// Propagates an error out of the enclosing function returning WireResult<...>. `var` is a name
// being declared, which parentheses would break.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define CARRY_TRY_ASSIGN(var, expr)               \
  auto var##_result = (expr);                     \
  if (!var##_result) return var##_result.error(); \
  auto var = std::move(*var##_result)
// NOLINTEND(bugprone-macro-parentheses)

}  // namespace carry::bitget::detail
