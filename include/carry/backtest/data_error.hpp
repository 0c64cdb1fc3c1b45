#pragma once
// Errors from loading backtest data: always name the culprit as `file:line: what is wrong`
// (line 0 = the whole file or a directory, printed as `file: what is wrong`).
#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <cstddef>
#include <stdexcept>
#include <string>

namespace carry::backtest {

struct DataError {
  // A real constructor (not an aggregate) so DataResult<T> never mistakes a T argument for an error.
  DataError() = default;
  DataError(std::string file_, std::size_t line_, std::string message_)
      : file(std::move(file_)), line(line_), message(std::move(message_)) {}

  std::string file;
  std::size_t line = 0;  // 1-based; the header is line 1; 0 when no line applies
  std::string message;

  std::string to_string() const {
    return line == 0 ? file + ": " + message : file + ":" + std::to_string(line) + ": " + message;
  }
  friend bool operator==(const DataError&, const DataError&) = default;
};

// Thrown only by DataResult<T>::value() on an error (call sites normally test has_value()).
class DataException : public std::runtime_error {
 public:
  explicit DataException(DataError e) : std::runtime_error(e.to_string()), error_(std::move(e)) {}
  const DataError& error() const noexcept { return error_; }

 private:
  DataError error_;
};

[[noreturn]] inline void throw_exception_from_error(const DataError& e, const boost::source_location&) {
  throw DataException(e);
}

template <class T>
using DataResult = boost::system::result<T, DataError>;

}  // namespace carry::backtest
