#pragma once
// Hot path: a books1/books5/books15 or ticker push straight to best bid/offer, with simdjson
// On-Demand and no allocation in steady state. Everything else uses the nlohmann parsers in
// ws_parsers.hpp. Views returned here point into the parser's buffers and stay valid until the
// next parse() call.
#include <carry/bitget/wire.hpp>
#include <carry/core/decimal.hpp>
#include <carry/core/time.hpp>

#include <memory>
#include <optional>
#include <string_view>

namespace carry::bitget {

struct FastBbo {
  std::string_view channel;  // "books1", "books5", "books15", "ticker"
  std::string_view symbol;
  MarketType market = MarketType::Spot;
  Decimal bid_price, bid_size, ask_price, ask_size;
  UnixNanos ts_event;
  // Futures ticker only (absent elsewhere): the funding state carried by the same frame.
  std::optional<Decimal> funding_rate, mark_price, index_price;
  std::optional<UnixNanos> next_funding_time;
};

class FastBboParser {
 public:
  FastBboParser();
  ~FastBboParser();
  FastBboParser(FastBboParser&&) noexcept;
  FastBboParser& operator=(FastBboParser&&) noexcept;

  // Errors name the field; a frame of another channel is Errc::unsupported.
  WireResult<FastBbo> parse(std::string_view frame);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The same for Bitget UTA (v3) public frames: books1/books5/books50 (`a`/`b` levels, the item's
// ts) and ticker (bid1Price/ask1Price..., the push's top-level ts; a futures ticker also fills the
// funding fields). `channel` is the arg's `topic`, `symbol` its `symbol`.
class UtaFastBboParser {
 public:
  UtaFastBboParser();
  ~UtaFastBboParser();
  UtaFastBboParser(UtaFastBboParser&&) noexcept;
  UtaFastBboParser& operator=(UtaFastBboParser&&) noexcept;

  // Errors name the field; a frame of another topic is Errc::unsupported.
  WireResult<FastBbo> parse(std::string_view frame);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace carry::bitget
