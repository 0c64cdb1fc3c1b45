#pragma once
// Private: the minimal JSON object writer the request builders share. The bodies are flat, and
// writing them by hand keeps build+sign fast (no DOM, one allocation).
#include <carry/core/decimal.hpp>

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace carry::bitget::detail {

class Body {
 public:
  Body() {
    s_.reserve(256);
    s_.push_back('{');
  }
  Body& str(std::string_view key, std::string_view value) {
    sep();
    quoted(key);
    s_.push_back(':');
    quoted(value);
    return *this;
  }
  // A decimal as a JSON string in its shortest exact form, without a temporary string.
  Body& dec(std::string_view key, Decimal d) {
    sep();
    quoted(key);
    s_.append(":\"");
    std::int64_t raw = d.raw();
    if (raw < 0) {
      s_.push_back('-');
      raw = -raw;  // |raw| < 2^63 for any value we send (sizes/prices are far below)
    }
    const auto units = static_cast<std::uint64_t>(raw) / Decimal::kScale;
    auto frac = static_cast<std::uint64_t>(raw) % Decimal::kScale;
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, units);
    s_.append(buf, end);
    if (frac != 0) {
      char f[9];
      for (int k = 8; k >= 0; --k) {
        f[k] = static_cast<char>('0' + frac % 10);
        frac /= 10;
      }
      int len = 9;
      while (f[len - 1] == '0') --len;
      s_.push_back('.');
      s_.append(f, static_cast<std::size_t>(len));
    }
    s_.push_back('"');
    return *this;
  }
  Body& raw(std::string_view key, std::string_view json_value) {
    sep();
    quoted(key);
    s_.push_back(':');
    s_.append(json_value);
    return *this;
  }
  std::string done() && {
    s_.push_back('}');
    return std::move(s_);
  }

 private:
  void sep() {
    if (s_.size() > 1) s_.push_back(',');
  }
  void quoted(std::string_view v) {
    s_.push_back('"');
    bool plain = true;
    for (char c : v) plain &= c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20;
    if (plain) {  // the usual case: symbols, ids, numbers
      s_.append(v);
      s_.push_back('"');
      return;
    }
    for (char c : v) {
      switch (c) {
        case '"':
          s_.append("\\\"");
          break;
        case '\\':
          s_.append("\\\\");
          break;
        case '\n':
          s_.append("\\n");
          break;
        case '\r':
          s_.append("\\r");
          break;
        case '\t':
          s_.append("\\t");
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            static constexpr char hex[] = "0123456789abcdef";
            s_.append("\\u00");
            s_.push_back(hex[(c >> 4) & 0xf]);
            s_.push_back(hex[c & 0xf]);
          } else {
            s_.push_back(c);
          }
      }
    }
    s_.push_back('"');
  }
  std::string s_;
};

}  // namespace carry::bitget::detail
