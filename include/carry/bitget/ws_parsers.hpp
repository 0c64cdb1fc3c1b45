#pragma once
// Bitget v2 WebSocket messages (REFERENCE section 5): the text "pong", events (subscribe /
// unsubscribe / login / error, code as number or string) and pushes
// {"action","arg":{instType,channel,instId|coin},"data":[...],"ts"}; typed parsers per channel.
#include <carry/bitget/rest_parsers.hpp>
#include <carry/bitget/wire.hpp>
#include <carry/core/events.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace carry::bitget {

// One channel subscription. The private `account` channel is keyed by `coin`, all others by instId.
struct SubscriptionArg {
  std::string inst_type;  // "SPOT", "USDT-FUTURES"
  std::string channel;    // "ticker", "books1", "books", "trade", "orders", "fill", "positions", "account"
  std::string inst_id;    // symbol or "default"
  std::string coin;       // account channel only ("default")

  nlohmann::json to_json() const;
  std::string key() const;  // "USDT-FUTURES/books1/BTCUSDT" (stable identity)
  friend bool operator==(const SubscriptionArg&, const SubscriptionArg&) = default;
};

struct WsPong {};

enum class WsEventKind : std::uint8_t { Subscribe, Unsubscribe, Login, Error };
struct WsEvent {
  WsEventKind kind = WsEventKind::Error;
  std::optional<SubscriptionArg> arg;
  std::string code;  // "0"/"00000" success for login; error codes like "30015"
  std::string msg;
  // Login succeeded (code "0" / "00000" / number 0), or a subscribe/unsubscribe ack.
  bool ok() const noexcept;
  Errc errc() const noexcept;  // classify_error(code) for errors
};

struct WsPush {
  std::string action;  // "snapshot" | "update"
  SubscriptionArg arg;
  nlohmann::json data;  // always an array
  UnixNanos ts;         // top-level ts; zero when absent
};

using WsMessage = std::variant<WsPong, WsEvent, WsPush>;
WireResult<WsMessage> parse_ws_message(std::string_view text);

// ---------- public channels ----------
struct WsTicker {
  Ticker ticker;                             // Bbo + last/mark/index/funding rate
  std::optional<FundingRateUpdate> funding;  // futures ticker with fundingRate + nextFundingTime
};
WireResult<std::vector<WsTicker>> parse_ws_ticker(const WsPush& push, UnixNanos ts_init);

// Levels keep the ORIGINAL strings: the books checksum is computed over them.
struct RawLevel {
  std::string price, size;
};
struct BookMessage {
  std::string symbol;
  MarketType market = MarketType::Spot;
  std::string channel;  // books, books1, books5, books15
  bool snapshot = true;
  std::vector<RawLevel> bids, asks;
  std::int32_t checksum = 0;
  std::optional<std::int64_t> seq, pseq;
  UnixNanos ts;
};
WireResult<std::vector<BookMessage>> parse_ws_books(const WsPush& push);
// Best bid/ask of a books1/books5/books15 snapshot; an empty side is an error (no BBO).
WireResult<Bbo> bbo_from_book(const BookMessage& book, UnixNanos ts_init);

WireResult<std::vector<TradeTick>> parse_ws_trades(const WsPush& push, UnixNanos ts_init);

// ---------- private channels ----------
// orders (futures: instId, status, accBaseVolume, feeDetail[{feeCoin,fee}], reduceOnly yes|no;
// spot: status cancelled, newSize)
WireResult<std::vector<VenueOrder>> parse_ws_orders(const WsPush& push, UnixNanos ts_init);
// The last-fill fields carried by orders pushes (tradeId, fillPrice, baseVolume, fillFee,
// fillFeeCoin, fillTime, tradeScope T|M); entries without tradeId are skipped.
WireResult<std::vector<Fill>> parse_ws_order_fills(const WsPush& push, UnixNanos ts_init);
// fill channel (futures and spot)
WireResult<std::vector<Fill>> parse_ws_fills(const WsPush& push, UnixNanos ts_init);
WireResult<std::vector<PositionRecord>> parse_ws_positions(const WsPush& push, UnixNanos ts_init);
// account channel: futures (marginCoin, frozen, available, equity) or spot (coin, ...)
WireResult<std::vector<FuturesAccount>> parse_ws_futures_account(const WsPush& push, UnixNanos ts_init);
WireResult<std::vector<BalanceUpdate>> parse_ws_spot_account(const WsPush& push, UnixNanos ts_init);

}  // namespace carry::bitget
