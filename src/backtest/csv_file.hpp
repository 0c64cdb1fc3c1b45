#pragma once
// Private: a whole CSV file in memory, header lookup by name, and row splitting without copies.
// Fields are string_views into the buffer, valid until the next next_row().
#include <carry/backtest/data_error.hpp>
#include <carry/core/decimal.hpp>
#include <carry/core/time.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace carry::backtest::detail {

class CsvFile {
 public:
  // Reads the file and its header (line 1). Errors: unreadable file, empty file.
  static DataResult<CsvFile> open(const std::filesystem::path& path);

  const std::string& name() const noexcept { return name_; }
  std::size_t column_count() const noexcept { return header_.size(); }
  bool has_column(std::string_view column) const noexcept;
  // Index of a required column; error "file:1: missing column 'x' (header: a,b,c)".
  DataResult<std::size_t> column(std::string_view column) const;
  std::optional<std::size_t> optional_column(std::string_view column) const noexcept;

  // Advances to the next data row. false at the end of the file (trailing blank lines allowed).
  // Errors: a blank line before more data, a row with the wrong number of fields.
  DataResult<bool> next_row();
  std::size_t line() const noexcept { return line_; }
  std::string_view field(std::size_t i) const noexcept { return fields_[i]; }

  DataError error(std::string message) const { return DataError{name_, line_, std::move(message)}; }
  DataError error_at(std::size_t line, std::string message) const { return DataError{name_, line, std::move(message)}; }

  // Field parsers; errors name the column and quote the text.
  DataResult<Decimal> decimal(std::size_t i, std::string_view column) const;
  // Unix ms, plausible range 2000-01-01 .. 2100-01-01 (catches seconds or ns by mistake).
  DataResult<std::int64_t> unix_ms(std::size_t i, std::string_view column) const;
  DataResult<std::int64_t> integer(std::size_t i, std::string_view column) const;
  // Checks an RFC 3339 copy of a ms timestamp (e.g. open_time_utc) against the ms value.
  DataResult<void> check_utc_copy(std::size_t i, std::string_view column, std::int64_t ms,
                                  std::string_view ms_column) const;

 private:
  std::string name_;
  std::string buffer_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::vector<std::string> header_;
  std::string header_text_;
  std::vector<std::string_view> fields_;
  // check_utc_copy's cache: the last date seen and its midnight in ms.
  mutable std::string utc_date_;
  mutable std::int64_t utc_day_ms_ = 0;
};

// Reads only the header line of a file: is `column` one of its columns?
DataResult<bool> header_has_column(const std::filesystem::path& path, std::string_view column);

// "1747699200000 (2025-05-20T00:00:00Z)" for messages.
std::string describe_ms(std::int64_t ms);

}  // namespace carry::backtest::detail
