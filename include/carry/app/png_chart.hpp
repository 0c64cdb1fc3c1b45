#pragma once
// A line chart written as a PNG (deflated with zlib; drawn by hand): enough for
// the backtest's equity curve, which a user would rather look at than read.
#include <cstdint>
#include <string>
#include <vector>

namespace carry::app {

struct ChartSeries {
  std::vector<double> x, y;      // same length, x ascending
  std::uint32_t rgb = 0x1f77b4;  // line colour
};

struct ChartOptions {
  int width = 900;
  int height = 360;
  bool zero_line = true;  // draw y = 0 when it is inside the range
  bool labels = true;     // y values at the grid lines; x as hours (or days beyond 3 days)
};

// The PNG file's bytes. Empty series give a blank framed chart.
std::vector<std::uint8_t> render_line_chart(const std::vector<ChartSeries>& series, const ChartOptions& options = {});

// Writes bytes to a file; false on I/O failure.
bool write_file(const std::string& path, const std::vector<std::uint8_t>& bytes);

}  // namespace carry::app
