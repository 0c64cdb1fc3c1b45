#include <carry/bitget/fast_bbo.hpp>

#include <carry/bitget/uta_requests.hpp>

#include "json_fields.hpp"

#include <simdjson.h>

#include <charconv>
#include <cstring>
#include <string>

namespace carry::bitget {

namespace od = simdjson::ondemand;

struct FastBboParser::Impl {
  od::parser parser;
  std::string buffer;  // frame copy with simdjson's required padding
};

FastBboParser::FastBboParser() : impl_(std::make_unique<Impl>()) {}
FastBboParser::~FastBboParser() = default;
FastBboParser::FastBboParser(FastBboParser&&) noexcept = default;
FastBboParser& FastBboParser::operator=(FastBboParser&&) noexcept = default;

namespace {

Error field_error(const char* field, simdjson::error_code e) {
  return bad_payload(std::string(field) + ": " + simdjson::error_message(e));
}

// A number-or-string JSON value as text.
simdjson::error_code value_text(od::value v, std::string_view& out) {
  od::json_type t;
  if (auto e = v.type().get(t)) return e;
  if (t == od::json_type::string) return v.get_string().get(out);
  if (t == od::json_type::number) {
    out = v.raw_json_token();
    while (!out.empty() && (out.back() == ' ' || out.back() == '\n' || out.back() == '\r' || out.back() == '\t'))
      out.remove_suffix(1);
    return simdjson::SUCCESS;
  }
  return simdjson::INCORRECT_TYPE;
}

WireResult<Decimal> dec_of(std::string_view s, const char* field) {
  auto d = Decimal::parse(s);
  if (!d) return bad_payload(std::string(field) + ": not a decimal: \"" + std::string(s) + "\"");
  return *d;
}

WireResult<UnixNanos> ms_of(std::string_view s, const char* field) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0 || v > 9'000'000'000'000)
    return bad_payload(std::string(field) + ": not a millisecond timestamp: \"" + std::string(s) + "\"");
  return UnixNanos::from_ms(v);
}

// First [price, size] pair of a book's levels (v2 asks/bids, v3 a/b); `Read` reads one cell
// (v2 accepts strings, v3 takes the raw token).
template <simdjson::error_code (*Read)(od::value, std::string_view&)>
simdjson::error_code first_pair(od::object& item, const char* key, std::string_view& price, std::string_view& size,
                                bool& empty) {
  od::array levels;
  if (auto e = item[key].get_array().get(levels)) return e;
  empty = true;
  for (auto level : levels) {
    od::array pair;
    if (auto e = level.get_array().get(pair)) return e;
    std::size_t i = 0;
    for (auto cell : pair) {
      od::value v;
      if (auto e = cell.get(v)) return e;
      if (auto e = Read(v, i == 0 ? price : size)) return e;
      if (++i == 2) break;
    }
    if (i != 2) return simdjson::INCORRECT_TYPE;
    empty = false;
    break;
  }
  return simdjson::SUCCESS;
}

// bidPr, askPr, bidSz, askSz of a v2 ticker item (+ the funding fields on futures, each optional).
WireResult<void> ticker_item(od::object& item, FastBbo& out, std::string_view& bp, std::string_view& bs,
                             std::string_view& ap, std::string_view& as) {
  od::value v;
  if (auto e = item["bidPr"].get(v); e || (e = value_text(v, bp))) return field_error("data[0].bidPr", e);
  if (auto e = item["askPr"].get(v); e || (e = value_text(v, ap))) return field_error("data[0].askPr", e);
  if (auto e = item["bidSz"].get(v); e || (e = value_text(v, bs))) return field_error("data[0].bidSz", e);
  if (auto e = item["askSz"].get(v); e || (e = value_text(v, as))) return field_error("data[0].askSz", e);
  if (out.market != MarketType::Perp) return {};
  std::string_view rate, next, mark, index;
  if (item["fundingRate"].get(v) == simdjson::SUCCESS && value_text(v, rate) == simdjson::SUCCESS && !rate.empty()) {
    CARRY_TRY_ASSIGN(r, dec_of(rate, "data[0].fundingRate"));
    out.funding_rate = r;
  }
  if (item["nextFundingTime"].get(v) == simdjson::SUCCESS && value_text(v, next) == simdjson::SUCCESS &&
      !next.empty() && next != "0") {
    CARRY_TRY_ASSIGN(n, ms_of(next, "data[0].nextFundingTime"));
    out.next_funding_time = n;
  }
  if (item["markPrice"].get(v) == simdjson::SUCCESS && value_text(v, mark) == simdjson::SUCCESS && !mark.empty()) {
    CARRY_TRY_ASSIGN(m, detail::parse_dec_rounded(mark, "data[0].markPrice"));
    out.mark_price = m;
  }
  if (item["indexPrice"].get(v) == simdjson::SUCCESS && value_text(v, index) == simdjson::SUCCESS && !index.empty()) {
    CARRY_TRY_ASSIGN(x, detail::parse_dec_rounded(index, "data[0].indexPrice"));
    out.index_price = x;
  }
  return {};
}

}  // namespace

WireResult<FastBbo> FastBboParser::parse(std::string_view frame) {
  auto& buf = impl_->buffer;
  if (buf.capacity() < frame.size() + simdjson::SIMDJSON_PADDING)
    buf.reserve(frame.size() + simdjson::SIMDJSON_PADDING);
  buf.assign(frame.data(), frame.size());
  od::document doc;
  if (auto e = impl_->parser.iterate(buf.data(), buf.size(), buf.capacity()).get(doc)) return field_error("frame", e);
  od::object root;
  if (auto e = doc.get_object().get(root)) return field_error("frame", e);

  FastBbo out;
  std::string_view inst_type;
  {
    od::object arg;
    if (auto e = root["arg"].get_object().get(arg)) return field_error("arg", e);
    if (auto e = arg["instType"].get_string().get(inst_type)) return field_error("arg.instType", e);
    if (auto e = arg["channel"].get_string().get(out.channel)) return field_error("arg.channel", e);
    if (auto e = arg["instId"].get_string().get(out.symbol)) return field_error("arg.instId", e);
  }
  auto market = market_from_inst_type(inst_type);
  if (!market) return bad_payload("arg.instType: unknown value \"" + std::string(inst_type) + "\"");
  out.market = *market;
  const bool ticker = out.channel == "ticker";
  const bool book = out.channel == "books1" || out.channel == "books5" || out.channel == "books15";
  if (!ticker && !book)
    return Error{Errc::unsupported, {}, "channel " + std::string(out.channel) + " is not a BBO channel"};

  od::array data;
  if (auto e = root["data"].get_array().get(data)) return field_error("data", e);
  bool have_item = false;
  for (auto element : data) {
    od::object item;
    if (auto e = element.get_object().get(item)) return field_error("data[0]", e);
    have_item = true;
    std::string_view bp, bs, ap, as, ts;
    if (book) {
      bool asks_empty = true, bids_empty = true;
      if (auto e = first_pair<value_text>(item, "asks", ap, as, asks_empty)) return field_error("data[0].asks", e);
      if (auto e = first_pair<value_text>(item, "bids", bp, bs, bids_empty)) return field_error("data[0].bids", e);
      if (asks_empty || bids_empty) return bad_payload("data[0]: one side of the book is empty");
    } else if (auto r = ticker_item(item, out, bp, bs, ap, as); !r) {
      return r.error();
    }
    od::value tv;
    if (auto e = item["ts"].get(tv); e || (e = value_text(tv, ts))) return field_error("data[0].ts", e);
    CARRY_TRY_ASSIGN(bid, dec_of(bp, "data[0].bid price"));
    CARRY_TRY_ASSIGN(bid_sz, dec_of(bs, "data[0].bid size"));
    CARRY_TRY_ASSIGN(ask, dec_of(ap, "data[0].ask price"));
    CARRY_TRY_ASSIGN(ask_sz, dec_of(as, "data[0].ask size"));
    CARRY_TRY_ASSIGN(t, ms_of(ts, "data[0].ts"));
    out.bid_price = bid;
    out.bid_size = bid_sz;
    out.ask_price = ask;
    out.ask_size = ask_sz;
    out.ts_event = t;
    break;
  }
  if (!have_item) return bad_payload("data: empty");
  return out;
}

// ---------- v3 (UTA) ----------

struct UtaFastBboParser::Impl {
  od::parser parser;
  std::string buffer;
};

UtaFastBboParser::UtaFastBboParser() : impl_(std::make_unique<Impl>()) {}
UtaFastBboParser::~UtaFastBboParser() = default;
UtaFastBboParser::UtaFastBboParser(UtaFastBboParser&&) noexcept = default;
UtaFastBboParser& UtaFastBboParser::operator=(UtaFastBboParser&&) noexcept = default;

namespace {

// A string or number value as its raw token, quotes stripped, without unescaping it into the
// parser's string buffer: prices, sizes and timestamps never hold escapes, and one that did would
// fail the decimal parse with the field named.
simdjson::error_code raw_text(od::value v, std::string_view& out) {
  std::string_view t = v.raw_json_token();
  while (!t.empty() && (t.back() == ' ' || t.back() == '\n' || t.back() == '\r' || t.back() == '\t'))
    t.remove_suffix(1);
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') {
    out = t.substr(1, t.size() - 2);
    return simdjson::SUCCESS;
  }
  if (t.empty() || t.front() == '{' || t.front() == '[' || t.front() == '"' || t.front() == 'n' || t.front() == 't' ||
      t.front() == 'f')
    return simdjson::INCORRECT_TYPE;
  out = t;
  return simdjson::SUCCESS;
}

// An optional futures-ticker field: absent or "" leaves `out` empty.
template <class T, class Parse>
WireResult<void> optional_field(od::object& item, const char* key, std::optional<T>& out, Parse&& parse) {
  od::value v;
  std::string_view text;
  if (item[key].get(v) != simdjson::SUCCESS || raw_text(v, text) != simdjson::SUCCESS || text.empty()) return {};
  auto r = parse(text);
  if (!r) return r.error();
  out = *r;
  return {};
}

// bid1Price, ask1Price, bid1Size, ask1Size (+ funding fields on futures), in the pushed order.
WireResult<void> uta_ticker_item(od::object& item, FastBbo& out, std::string_view (&px)[4]) {
  static constexpr const char* kKeys[] = {"bid1Price", "ask1Price", "bid1Size", "ask1Size"};
  static constexpr const char* kFields[] = {"data[0].bid1Price", "data[0].ask1Price", "data[0].bid1Size",
                                            "data[0].ask1Size"};
  for (int k = 0; k < 4; ++k) {
    od::value v;
    if (auto e = item[kKeys[k]].get(v); e || (e = raw_text(v, px[k]))) return field_error(kFields[k], e);
  }
  if (out.market != MarketType::Perp) return {};
  auto rounded = [](const char* field) {
    return [field](std::string_view t) { return detail::parse_dec_rounded(t, field); };
  };
  if (auto r = optional_field(item, "indexPrice", out.index_price, rounded("data[0].indexPrice")); !r) return r;
  if (auto r = optional_field(item, "markPrice", out.mark_price, rounded("data[0].markPrice")); !r) return r;
  if (auto r = optional_field(item, "fundingRate", out.funding_rate,
                              [](std::string_view t) { return dec_of(t, "data[0].fundingRate"); });
      !r)
    return r;
  return optional_field(item, "nextFundingTime", out.next_funding_time,
                        [](std::string_view t) { return ms_of(t, "data[0].nextFundingTime"); });
}

}  // namespace

WireResult<FastBbo> UtaFastBboParser::parse(std::string_view frame) {
  auto& buf = impl_->buffer;
  if (buf.capacity() < frame.size() + simdjson::SIMDJSON_PADDING)
    buf.reserve(frame.size() + simdjson::SIMDJSON_PADDING);
  buf.assign(frame.data(), frame.size());
  od::document doc;
  if (auto e = impl_->parser.iterate(buf.data(), buf.size(), buf.capacity()).get(doc)) return field_error("frame", e);
  od::object root;
  if (auto e = doc.get_object().get(root)) return field_error("frame", e);

  FastBbo out;
  {
    od::object arg;
    std::string_view inst_type;
    if (auto e = root["arg"].get_object().get(arg)) return field_error("arg", e);
    if (auto e = arg["instType"].get_string().get(inst_type)) return field_error("arg.instType", e);
    if (auto e = arg["topic"].get_string().get(out.channel)) return field_error("arg.topic", e);
    if (auto e = arg["symbol"].get_string().get(out.symbol)) return field_error("arg.symbol", e);
    auto market = uta::market_from_category(inst_type);
    if (!market) return bad_payload("arg.instType: unknown value \"" + std::string(inst_type) + "\"");
    out.market = *market;
  }
  const bool ticker = out.channel == "ticker";
  const bool book = out.channel == "books1" || out.channel == "books5" || out.channel == "books50";
  if (!ticker && !book)
    return Error{Errc::unsupported, {}, "topic " + std::string(out.channel) + " is not a BBO topic"};

  od::array data;
  if (auto e = root["data"].get_array().get(data)) return field_error("data", e);
  std::string_view px[4];  // bid price, ask price, bid size, ask size
  std::string_view ts;
  bool have_item = false;
  for (auto element : data) {
    od::object item;
    if (auto e = element.get_object().get(item)) return field_error("data[0]", e);
    have_item = true;
    if (book) {
      bool asks_empty = true, bids_empty = true;
      if (auto e = first_pair<raw_text>(item, "a", px[1], px[3], asks_empty)) return field_error("data[0].a", e);
      if (auto e = first_pair<raw_text>(item, "b", px[0], px[2], bids_empty)) return field_error("data[0].b", e);
      if (asks_empty || bids_empty) return bad_payload("data[0]: one side of the book is empty");
      od::value tv;
      if (auto e = item["ts"].get(tv); e || (e = raw_text(tv, ts))) return field_error("data[0].ts", e);
    } else if (auto r = uta_ticker_item(item, out, px); !r) {
      return r.error();
    }
    break;
  }
  if (!have_item) return bad_payload("data: empty");
  if (ticker) {  // v3 ticker items carry no ts: the push's
    od::value tv;
    if (auto e = root["ts"].get(tv); e || (e = raw_text(tv, ts))) return field_error("ts", e);
  }
  static constexpr const char* kBookFields[] = {"data[0].b[0][0]", "data[0].a[0][0]", "data[0].b[0][1]",
                                                "data[0].a[0][1]"};
  static constexpr const char* kTickerFields[] = {"data[0].bid1Price", "data[0].ask1Price", "data[0].bid1Size",
                                                  "data[0].ask1Size"};
  const auto& names = ticker ? kTickerFields : kBookFields;
  CARRY_TRY_ASSIGN(bid, dec_of(px[0], names[0]));
  CARRY_TRY_ASSIGN(ask, dec_of(px[1], names[1]));
  CARRY_TRY_ASSIGN(bid_sz, dec_of(px[2], names[2]));
  CARRY_TRY_ASSIGN(ask_sz, dec_of(px[3], names[3]));
  CARRY_TRY_ASSIGN(t, ms_of(ts, ticker ? "ts" : "data[0].ts"));
  out.bid_price = bid;
  out.ask_price = ask;
  out.bid_size = bid_sz;
  out.ask_size = ask_sz;
  out.ts_event = t;
  return out;
}

}  // namespace carry::bitget
