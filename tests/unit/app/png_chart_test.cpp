#include <carry/app/png_chart.hpp>

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>

using namespace carry::app;

namespace {

// The decoded RGB pixels of a PNG written by render_line_chart (8-bit RGB, filter 0 rows).
struct Image {
  int w = 0, h = 0;
  std::vector<std::uint8_t> rgb;
  bool dark(int x, int y) const {
    const auto* p = &rgb[static_cast<std::size_t>((y * w + x) * 3)];
    return p[0] < 0x80 && p[1] < 0x80 && p[2] < 0x80;
  }
};

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

Image decode(const std::vector<std::uint8_t>& png) {
  Image img;
  std::vector<std::uint8_t> idat;
  EXPECT_EQ(std::memcmp(png.data(), "\x89PNG\r\n\x1a\n", 8), 0);
  for (std::size_t at = 8; at + 12 <= png.size();) {
    const std::uint32_t len = be32(&png[at]);
    const std::string type(reinterpret_cast<const char*>(&png[at + 4]), 4);
    const std::uint8_t* data = &png[at + 8];
    if (type == "IHDR") {
      img.w = static_cast<int>(be32(data));
      img.h = static_cast<int>(be32(data + 4));
    } else if (type == "IDAT") {
      idat.insert(idat.end(), data, data + len);
    }
    at += 12 + len;
  }
  std::vector<std::uint8_t> raw(static_cast<std::size_t>((img.w * 3 + 1) * img.h));
  uLongf size = raw.size();
  EXPECT_EQ(uncompress(raw.data(), &size, idat.data(), idat.size()), Z_OK);
  EXPECT_EQ(size, raw.size());
  for (int y = 0; y < img.h; ++y) {
    const auto* row = &raw[static_cast<std::size_t>(y * (img.w * 3 + 1))];
    EXPECT_EQ(row[0], 0);  // filter: none
    img.rgb.insert(img.rgb.end(), row + 1, row + 1 + img.w * 3);
  }
  return img;
}

int dark_pixels(const Image& img, int x0, int x1, int y0, int y1) {
  int n = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) n += img.dark(x, y);
  return n;
}

ChartSeries week_of_pnl() {
  ChartSeries s;
  for (int hour = 0; hour <= 24 * 7; ++hour) {
    s.x.push_back(hour);
    s.y.push_back(hour < 84 ? -0.1 * hour : -8.4 + 0.2 * (hour - 84));
  }
  return s;
}

}  // namespace

TEST(PngChart, DecodesToTheRequestedSizeWithTheCurveDrawn) {
  ChartOptions o;
  const Image img = decode(render_line_chart({week_of_pnl()}, o));
  ASSERT_EQ(img.w, o.width);
  ASSERT_EQ(img.h, o.height);
  // The curve's colour appears inside the plot.
  int curve = 0;
  for (int y = 20; y < o.height - 30; ++y)
    for (int x = 81; x < o.width - 20; ++x) {
      const auto* p = &img.rgb[static_cast<std::size_t>((y * img.w + x) * 3)];
      curve += p[0] == 0x1f && p[1] == 0x77 && p[2] == 0xb4;
    }
  EXPECT_GT(curve, 500);
}

TEST(PngChart, AxesCarryValueAndTimeLabels) {
  ChartOptions on;
  ChartOptions off;
  off.labels = false;
  const Image with = decode(render_line_chart({week_of_pnl()}, on));
  const Image without = decode(render_line_chart({week_of_pnl()}, off));
  // Left of the y axis: the values at the grid lines; below the x axis: the time ticks.
  EXPECT_GT(dark_pixels(with, 0, 70, 0, with.h - 30), 100);
  EXPECT_GT(dark_pixels(with, 80, with.w, with.h - 22, with.h), 50);
  EXPECT_EQ(dark_pixels(without, 0, 30, 0, without.h), 0);
  EXPECT_EQ(dark_pixels(without, 41, without.w, without.h - 22, without.h), 0);
}

TEST(PngChart, NoDataGivesABlankFramedChart) {
  const Image img = decode(render_line_chart({}));
  EXPECT_EQ(dark_pixels(img, 0, 75, 0, img.h), 0);           // nothing to label
  EXPECT_GT(dark_pixels(img, 80, 81, 20, img.h - 30), 100);  // the y axis
}
