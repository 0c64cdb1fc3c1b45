#include "csv_file.hpp"

#include "fast_decimal.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>

namespace carry::backtest::detail {
namespace {

constexpr std::int64_t kMinPlausibleMs = 946'684'800'000;    // 2000-01-01
constexpr std::int64_t kMaxPlausibleMs = 4'102'444'800'000;  // 2100-01-01

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string quoted(std::string_view s) {
  constexpr std::size_t kMax = 40;  // keep messages one line even for garbage input
  std::string out = "'";
  out.append(s.substr(0, kMax));
  if (s.size() > kMax) out += "...";
  out += "'";
  return out;
}

}  // namespace

std::string describe_ms(std::int64_t ms) {
  return std::to_string(ms) + " (" + UnixNanos::from_ms(ms).to_rfc3339() + ")";
}

DataResult<CsvFile> CsvFile::open(const std::filesystem::path& path) {
  CsvFile f;
  f.name_ = path.string();
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> fp(std::fopen(f.name_.c_str(), "rb"), &std::fclose);
  if (!fp) return DataError{f.name_, 0, std::string("cannot open: ") + std::strerror(errno)};
  // One read of the whole file: parsing then works on string_views without per-field I/O.
  if (std::fseek(fp.get(), 0, SEEK_END) != 0) return DataError{f.name_, 0, "cannot seek"};
  const long size = std::ftell(fp.get());
  if (size < 0) return DataError{f.name_, 0, "cannot tell size"};
  std::rewind(fp.get());
  f.buffer_.resize(static_cast<std::size_t>(size));
  if (size > 0 && std::fread(f.buffer_.data(), 1, f.buffer_.size(), fp.get()) != f.buffer_.size())
    return DataError{f.name_, 0, "read error"};

  std::string_view all(f.buffer_);
  if (all.starts_with("\xEF\xBB\xBF")) f.pos_ = 3;  // UTF-8 BOM from spreadsheet exports
  const std::size_t eol = all.find('\n', f.pos_);
  const std::string_view header_line =
      trim(all.substr(f.pos_, eol == std::string_view::npos ? std::string_view::npos : eol - f.pos_));
  if (header_line.empty()) return DataError{f.name_, 1, "empty file: expected a header row"};
  f.header_text_ = std::string(header_line);
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = header_line.find(',', start);
    f.header_.emplace_back(trim(header_line.substr(start, comma == std::string_view::npos ? comma : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  f.pos_ = eol == std::string_view::npos ? all.size() : eol + 1;
  f.fields_.resize(f.header_.size());
  return f;
}

DataResult<bool> header_has_column(const std::filesystem::path& path, std::string_view column) {
  const std::string name = path.string();
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> fp(std::fopen(name.c_str(), "rb"), &std::fclose);
  if (!fp) return DataError{name, 0, std::string("cannot open: ") + std::strerror(errno)};
  std::string head(4096, '\0');
  head.resize(std::fread(head.data(), 1, head.size(), fp.get()));
  std::string_view line(head);
  line = line.substr(0, line.find('\n'));
  std::size_t start = 0;
  while (start <= line.size()) {
    const std::size_t comma = std::min(line.find(',', start), line.size());
    if (trim(line.substr(start, comma - start)) == column) return true;
    start = comma + 1;
  }
  return false;
}

bool CsvFile::has_column(std::string_view column) const noexcept { return optional_column(column).has_value(); }

std::optional<std::size_t> CsvFile::optional_column(std::string_view column) const noexcept {
  for (std::size_t i = 0; i < header_.size(); ++i)
    if (header_[i] == column) return i;
  return std::nullopt;
}

DataResult<std::size_t> CsvFile::column(std::string_view column) const {
  if (auto i = optional_column(column)) return *i;
  return error_at(1, "missing column '" + std::string(column) + "' (header: " + header_text_ + ")");
}

DataResult<bool> CsvFile::next_row() {
  const std::size_t n = buffer_.size();
  const char* base = buffer_.data();
  while (true) {
    if (pos_ >= n) return false;
    const char* begin = base + pos_;
    const char* nl = static_cast<const char*>(std::memchr(begin, '\n', n - pos_));
    const char* end = nl ? nl : base + n;
    pos_ = nl ? static_cast<std::size_t>(nl - base) + 1 : n;
    ++line_;
    if (end > begin && end[-1] == '\r') --end;
    if (end == begin) {
      // Blank lines are tolerated only at the end of the file.
      for (std::size_t k = pos_; k < n; ++k)
        if (base[k] != '\n' && base[k] != '\r' && base[k] != ' ' && base[k] != '\t')
          return error("blank line before more data");
      pos_ = n;
      return false;
    }
    std::size_t count = 0;
    const std::size_t want = fields_.size();
    const char* p = begin;
    while (true) {
      const char* comma = static_cast<const char*>(std::memchr(p, ',', static_cast<std::size_t>(end - p)));
      const char* fend = comma ? comma : end;
      if (count < want) fields_[count] = std::string_view(p, static_cast<std::size_t>(fend - p));
      ++count;
      if (!comma) break;
      p = comma + 1;
    }
    if (count != want)
      return error("expected " + std::to_string(want) + " fields as in the header, found " + std::to_string(count));
    return true;
  }
}

DataResult<Decimal> CsvFile::decimal(std::size_t i, std::string_view column) const {
  const std::string_view text = fields_[i];
  if (text.empty()) return error("empty value in column '" + std::string(column) + "'");
  auto r = parse_decimal_fast(text);
  if (!r) return error("bad number in column '" + std::string(column) + "': " + quoted(text));
  return *r;
}

DataResult<std::int64_t> CsvFile::integer(std::size_t i, std::string_view column) const {
  const std::string_view text = fields_[i];
  if (text.empty()) return error("empty value in column '" + std::string(column) + "'");
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size())
    return error("bad integer in column '" + std::string(column) + "': " + quoted(text));
  return v;
}

DataResult<std::int64_t> CsvFile::unix_ms(std::size_t i, std::string_view column) const {
  auto v = integer(i, column);
  if (!v) return v;
  if (*v < kMinPlausibleMs || *v >= kMaxPlausibleMs)
    return error("column '" + std::string(column) + "': " + std::to_string(*v) +
                 " is not a Unix time in ms between 2000 and 2100 (seconds or ns by mistake?)");
  return v;
}

DataResult<void> CsvFile::check_utc_copy(std::size_t i, std::string_view column, std::int64_t ms,
                                         std::string_view ms_column) const {
  const std::string_view text = fields_[i];
  std::optional<std::int64_t> parsed;
  // Fast path for "YYYY-MM-DDTHH:MM:SSZ": consecutive rows share the date, so only the time of
  // day is parsed once the date has been seen (a full RFC 3339 parse per row cost ~25 % of a load).
  const auto two = [&](std::size_t at) -> int {
    const unsigned a = static_cast<unsigned>(text[at] - '0'), b = static_cast<unsigned>(text[at + 1] - '0');
    return a < 10 && b < 10 ? static_cast<int>(a * 10 + b) : -1;
  };
  if (text.size() == 20 && text[10] == 'T' && text[13] == ':' && text[16] == ':' && text[19] == 'Z') {
    if (text.substr(0, 10) != utc_date_) {
      auto day = UnixNanos::parse_rfc3339(text.substr(0, 10));
      if (day) {
        utc_date_.assign(text.substr(0, 10));
        utc_day_ms_ = day->ms();
      }
    }
    const int h = two(11), m = two(14), sec = two(17);
    if (text.substr(0, 10) == utc_date_ && h >= 0 && h < 24 && m >= 0 && m < 60 && sec >= 0 && sec < 60)
      parsed = utc_day_ms_ + h * 3'600'000LL + m * 60'000LL + sec * 1'000LL;
  }
  if (!parsed) {
    auto t = UnixNanos::parse_rfc3339(text);
    if (!t) return error("bad time in column '" + std::string(column) + "': " + quoted(text));
    parsed = t->ms();
  }
  if (*parsed != ms)
    return error("column '" + std::string(column) + "' " + quoted(text) + " disagrees with " + std::string(ms_column) +
                 " " + describe_ms(ms));
  return {};
}

}  // namespace carry::backtest::detail
