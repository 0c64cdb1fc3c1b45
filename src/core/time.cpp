#include <carry/core/time.hpp>

#include <charconv>
#include <cstdio>

namespace carry {
namespace {

// Howard Hinnant's civil-date algorithms (proleptic Gregorian, UTC).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t y;
  unsigned m, d;
};

constexpr Civil civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

bool read_int(std::string_view s, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > s.size()) return false;
  for (std::size_t i = pos; i < pos + len; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, out);
  return ec == std::errc{};
}

std::string format(UnixNanos t, bool with_ms) {
  const std::int64_t ms = t.ms();
  std::int64_t days = ms >= 0 ? ms / 86'400'000 : -((-ms + 86'399'999) / 86'400'000);
  std::int64_t rem = ms - days * 86'400'000;
  const Civil c = civil_from_days(days);
  const int hh = static_cast<int>(rem / 3'600'000);
  const int mm = static_cast<int>(rem / 60'000 % 60);
  const int ss = static_cast<int>(rem / 1000 % 60);
  const int mss = static_cast<int>(rem % 1000);
  char buf[64];
  if (with_ms)
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<long long>(c.y), c.m, c.d, hh,
                  mm, ss, mss);
  else
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02dZ", static_cast<long long>(c.y), c.m, c.d, hh, mm,
                  ss);
  return buf;
}

}  // namespace

Result<UnixNanos> UnixNanos::parse_ms(std::string_view text) noexcept {
  std::int64_t v = 0;
  if (text.empty()) return make_error_code(Errc::invalid_argument);
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size()) return make_error_code(Errc::invalid_argument);
  if (v > 9'000'000'000'000 || v < -9'000'000'000'000) return make_error_code(Errc::out_of_range);
  return from_ms(v);
}

Result<UnixNanos> UnixNanos::parse_rfc3339(std::string_view s) noexcept {
  int y, mo, d, hh = 0, mi = 0, ss = 0;
  if (s.size() < 10 || !read_int(s, 0, 4, y) || s[4] != '-' || !read_int(s, 5, 2, mo) || s[7] != '-' ||
      !read_int(s, 8, 2, d))
    return make_error_code(Errc::invalid_argument);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return make_error_code(Errc::out_of_range);
  std::int64_t frac_ns = 0;
  std::size_t i = 10;
  if (i < s.size()) {
    if ((s[i] != 'T' && s[i] != ' ') || !read_int(s, 11, 2, hh) || s.size() < 19 || s[13] != ':' ||
        !read_int(s, 14, 2, mi) || s[16] != ':' || !read_int(s, 17, 2, ss))
      return make_error_code(Errc::invalid_argument);
    if (hh > 23 || mi > 59 || ss > 60) return make_error_code(Errc::out_of_range);
    i = 19;
    if (i < s.size() && s[i] == '.') {
      ++i;
      std::int64_t scale = 100'000'000;
      std::size_t start = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        frac_ns += (s[i] - '0') * scale;
        scale /= 10;
        ++i;
      }
      if (i == start) return make_error_code(Errc::invalid_argument);
    }
    const std::string_view zone = s.substr(i);
    if (zone != "Z" && zone != "z" && zone != "+00:00" && zone != "") return make_error_code(Errc::invalid_argument);
  }
  const std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const Civil back = civil_from_days(days);
  if (static_cast<int>(back.m) != mo || static_cast<int>(back.d) != d) return make_error_code(Errc::out_of_range);
  return UnixNanos{(days * 86400 + std::int64_t{hh} * 3600 + std::int64_t{mi} * 60 + ss) * 1'000'000'000 + frac_ns};
}

std::string UnixNanos::to_rfc3339_ms() const { return format(*this, true); }
std::string UnixNanos::to_rfc3339() const { return format(*this, false); }

UnixNanos SystemClock::now() const noexcept {
  return {std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
              .count()};
}

MonoNanos SystemClock::mono() const noexcept {
  return {std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
              .count()};
}

}  // namespace carry
