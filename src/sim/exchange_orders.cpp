// Simulator: order entry on the matching engine: validation, placement, cancel, cancel-all, and
// v2's delayed modify and spot cancel-replace.
#include "exchange.hpp"

#include "exchange_internal.hpp"

namespace carry::sim {

using namespace detail;

namespace {

std::optional<ApiError> check_spot(const Account& acc, const PlaceRequest& req, const InstrumentSpec& spec,
                                   Decimal notional, bool quote_sized) {
  if (!quote_sized && req.size < spec.min_size) return err("43006", "The order amount is less than the minimum");
  if (notional < spec.min_notional)
    return err("43027", "The minimum order value " + spec.min_notional.to_string() + " is not met");
  if (req.side == Side::Buy) {
    auto it = acc.spot_available.find(spec.quote_coin);
    const Decimal have = it == acc.spot_available.end() ? Decimal{} : it->second;
    if (notional > have) return err("43012", "Insufficient balance");
  } else {
    auto it = acc.spot_available.find(spec.base_coin);
    const Decimal have = it == acc.spot_available.end() ? Decimal{} : it->second;
    if (req.size > have) return err("43012", "Insufficient balance");
  }
  return std::nullopt;
}

// The perp order's terms from the account's settings, and the margin it reserves (none to reduce).
void set_perp_terms(Order& o, const Account& acc, const PlaceRequest& req, const InstrumentMarket& inst) {
  const bool hedge = acc.pos_mode == "hedge_mode";
  o.pos_mode = acc.pos_mode;
  o.margin_mode = acc.margin_mode_for(req.symbol);
  o.leverage = acc.leverage_for(req.symbol);
  o.fee_coin = "USDT";
  if (hedge) {
    o.trade_side = req.trade_side;
    o.reduce_only = req.trade_side == "close";
    // Hedge mode: side is the position direction, for opens and closes alike.
    o.pos_side = req.side == Side::Buy ? "long" : "short";
  } else {
    o.reduce_only = req.reduce_only;
    o.trade_side = req.side == Side::Buy ? "buy_single" : "sell_single";
    o.pos_side = "net";
  }
  if (!o.reduce_only) {
    const Decimal ref = o.type == OrdType::Limit ? o.price : (o.side == Side::Buy ? inst.row.ask : inst.row.bid);
    o.frozen = ref * o.size / Decimal::from_units(o.leverage);
    o.frozen_coin = "USDT";
  }
}

// A spot order reserves what it may spend: quote for a buy, base for a sell.
void reserve_spot(Account& acc, Order& o, const InstrumentSpec& spec, std::int64_t now_ms) {
  o.fee_coin = o.side == Side::Buy ? spec.base_coin : spec.quote_coin;
  if (o.side == Side::Buy) {
    o.frozen = o.type == OrdType::Limit ? o.price * o.size : o.size;
    o.frozen_coin = spec.quote_coin;
  } else {
    o.frozen = o.size;
    o.frozen_coin = spec.base_coin;
  }
  acc.spot_available[o.frozen_coin] -= o.frozen;
  acc.spot_frozen[o.frozen_coin] += o.frozen;
  acc.spot_utime[o.frozen_coin] = now_ms;
}

}  // namespace

std::optional<ApiError> Exchange::validate(Account& acc, const PlaceRequest& req, const InstrumentSpec& spec) const {
  const bool perp = req.market == Market::Perp;
  if (!req.size.is_positive()) return err("40808", "Parameter verification exception size");
  if (req.client_oid.size() > 50) return err("40304", "clientOid length cannot exceed 50");
  if (req.type == OrdType::Limit) {
    if (!req.price || !req.price->is_positive()) return err("40019", "Parameter price cannot be empty");
    if (!on_step(*req.price, spec.tick()))
      return perp ? err("45115", "The price you enter should be a multiple of " + spec.tick().to_string())
                  : err("43028", "Price step mismatch");
  }
  const bool quote_sized = !perp && req.type == OrdType::Market && req.side == Side::Buy;
  if (!quote_sized && !on_step(req.size, spec.size_multiplier))
    return err("40808", "Parameter verification exception size checkBDScale error value=" + req.size.to_string() +
                            " checkScale=" + std::to_string(spec.volume_place));
  if (!req.client_oid.empty()) {
    for (const auto& id : pending_) {
      const auto& o = orders_.at(id);
      if (o.account == acc.api_key && o.market == req.market && o.client_oid == req.client_oid) {
        ++duplicate_client_oids_;
        return perp ? err("45034", "clientOid duplicate") : err("43118", "clientOrderId duplicate");
      }
    }
  }
  const auto* inst = market_.find(req.market, req.symbol);
  const Decimal ref_price = req.price ? *req.price : (req.side == Side::Buy ? inst->row.ask : inst->row.bid);
  const Decimal notional = quote_sized ? req.size : req.size * ref_price;
  if (perp) return validate_perp(acc, req, spec, notional);
  return check_spot(acc, req, spec, notional, quote_sized);
}

std::optional<ApiError> Exchange::validate_perp(Account& acc, const PlaceRequest& req, const InstrumentSpec& spec,
                                                Decimal notional) const {
  const bool hedge = acc.pos_mode == "hedge_mode";
  if (hedge && req.trade_side != "open" && req.trade_side != "close")
    return err("40774", "The order type for unilateral position must also be the unilateral position type.");
  const bool reducing = hedge ? req.trade_side == "close" : req.reduce_only;
  if (reducing) {
    Order probe;
    probe.symbol = req.symbol;
    probe.side = req.side;
    const Decimal avail = reducible(acc, probe);
    if (!avail.is_positive()) return err("22002", "No position to close");
    if (hedge && req.size > avail) return err("40757", "Not enough position is available.");
    return std::nullopt;
  }
  if (req.size < spec.min_size) return err("45111", "less than the minimum order quantity");
  if (notional < spec.min_notional)
    return err("45110", "less than the minimum amount " + spec.min_notional.to_string() + " USDT");
  const Decimal margin = notional / Decimal::from_units(acc.leverage_for(req.symbol)) + notional * spec.taker_fee;
  if (margin > futures_figures(acc).available) return err("40762", "The order size is greater than the max open size");
  return std::nullopt;
}

ApiResult<Order> Exchange::place(const std::string& account_key, const PlaceRequest& req, std::int64_t now_ms) {
  Account* acc = account(account_key);
  if (!acc) return err("40006", "Invalid ACCESS_KEY");
  return place_internal(*acc, req, now_ms);
}

ApiResult<Order> Exchange::place_internal(Account& acc, const PlaceRequest& req, std::int64_t now_ms) {
  InstrumentMarket* inst = market_.find(req.market, req.symbol);
  if (!inst) return err("40034", "Parameter " + req.symbol + " does not exist");
  const InstrumentSpec& spec = inst->spec;
  if (auto e = validate(acc, req, spec)) return *e;
  Order o = new_order(acc, req, now_ms);
  if (req.market == Market::Perp)
    set_perp_terms(o, acc, req, *inst);
  else
    reserve_spot(acc, o, spec, now_ms);
  Order& stored = accept(acc, o);
  if (cancel_on_arrival(acc, stored, *inst, now_ms)) return stored;
  match_taker(stored, *inst, now_ms);
  if (stored.pending() && (stored.type == OrdType::Market || stored.force == Force::Ioc || stored.force == Force::Fok))
    finish_cancel(stored, stored.type == OrdType::Market ? "market_remainder" : "ioc", now_ms);
  return stored;
}

// The fields every order has, with a fresh order id (and a clientOid derived from it if none came).
Order Exchange::new_order(const Account& acc, const PlaceRequest& req, std::int64_t now_ms) {
  Order o;
  o.order_id = next_id(order_counter_, 1'100'000'000'000'000'000LL);
  o.client_oid =
      req.client_oid.empty() ? std::to_string(std::stoll(o.order_id) + 500'000'000'000'000'000LL) : req.client_oid;
  o.account = acc.api_key;
  o.market = req.market;
  o.symbol = req.symbol;
  o.side = req.side;
  o.type = req.type;
  o.force = req.type == OrdType::Market ? Force::Gtc : req.force;
  o.price = req.type == OrdType::Limit ? *req.price : Decimal{};
  o.size = req.size;
  o.c_time = o.u_time = now_ms;
  return o;
}

// Stores the order as pending and pushes it with the account it reserved funds from.
Order& Exchange::accept(Account& acc, const Order& o) {
  ++orders_placed_;
  // Bitget refuses a clientOid it has seen; this simulator only checks live orders, so a client
  // that reuses a finished order's id is counted here for the tests to catch.
  if (!o.client_oid.empty() &&
      !client_oids_seen_.insert(o.account + "|" + std::to_string(static_cast<int>(o.market)) + "|" + o.client_oid)
           .second)
    ++client_oids_reused_;
  auto [it, _] = orders_.emplace(o.order_id, o);
  Order& stored = it->second;
  pending_.push_back(stored.order_id);
  push_order(stored);
  push_account(acc, stored.market);
  return stored;
}

bool Exchange::cancel_on_arrival(Account& acc, Order& o, const InstrumentMarket& inst, std::int64_t now_ms) {
  // Post-only that would cross: accepted, then canceled by the engine (REFERENCE section 1).
  if (o.force == Force::PostOnly) {
    const bool crosses = o.side == Side::Buy ? o.price >= inst.row.ask : o.price <= inst.row.bid;
    if (crosses) {
      finish_cancel(o, "post_only", now_ms);
      return true;
    }
  }
  if (o.force == Force::Fok) {
    // Fill-or-kill: only if the whole size is available within the limit right now.
    const auto& levels = o.side == Side::Buy ? inst.asks : inst.bids;
    const auto& taken = o.side == Side::Buy ? inst.ask_taken : inst.bid_taken;
    Decimal avail;
    for (std::size_t i = 0; i < levels.size(); ++i) {
      const bool within = o.side == Side::Buy ? levels[i].price <= o.price : levels[i].price >= o.price;
      if (!within) break;
      avail += levels[i].size - taken[i];
    }
    if (o.reduce_only) avail = min(avail, reducible(acc, o));
    if (avail < o.size) {
      finish_cancel(o, "fok", now_ms);
      return true;
    }
  }
  return false;
}

ApiResult<Order> Exchange::cancel(const std::string& account_key, Market market, const std::string& symbol,
                                  const std::string& order_id, const std::string& client_oid, std::int64_t now_ms) {
  const ApiError missing =
      market == Market::Perp ? err("40768", "Order does not exist") : err("43001", "The order does not exist");
  const Order* found = find_order(account_key, market, order_id, client_oid);
  if (!found || (!symbol.empty() && found->symbol != symbol) || !found->pending()) return missing;
  Order& o = orders_.at(found->order_id);
  finish_cancel(o, "", now_ms);
  return o;
}

std::vector<Order> Exchange::cancel_all(const std::string& account_key, Market market,
                                        const std::string& symbol_or_empty, std::int64_t now_ms) {
  std::vector<Order> out;
  const auto ids = pending_;
  for (const auto& id : ids) {
    Order& o = orders_.at(id);
    if (o.account != account_key || o.market != market) continue;
    if (!symbol_or_empty.empty() && o.symbol != symbol_or_empty) continue;
    finish_cancel(o, "", now_ms);
    out.push_back(o);
  }
  return out;
}

ApiResult<Order> Exchange::modify(const std::string& account_key, const std::string& symbol,
                                  const std::string& order_id, const std::string& client_oid,
                                  const std::string& new_client_oid, std::optional<Decimal> new_size,
                                  std::optional<Decimal> new_price, std::int64_t now_ms) {
  const Order* found = find_order(account_key, Market::Perp, order_id, client_oid);
  if (!found || found->symbol != symbol) return err("40768", "Order does not exist");
  if (!found->pending() || found->type != OrdType::Limit)
    return err("40768", "Order status does not allow modification");
  if (!new_size && !new_price) return err("40019", "Parameter newSize cannot be empty");
  if (new_client_oid.empty()) return err("22003", "modify price and size, please pass in newClientOid");
  if (!new_size) return err("40019", "Parameter newSize cannot be empty");
  if (!new_price) return err("40019", "Parameter newPrice cannot be empty");
  const auto* inst = market_.find(Market::Perp, symbol);
  if (!new_price->is_positive() || !on_step(*new_price, inst->spec.tick()))
    return err("45115", "The price you enter should be a multiple of " + inst->spec.tick().to_string());
  if (!new_size->is_positive() || !on_step(*new_size, inst->spec.size_multiplier))
    return err("40808", "Parameter verification exception size checkBDScale error value=" + new_size->to_string() +
                            " checkScale=" + std::to_string(inst->spec.volume_place));
  for (const auto& id : pending_) {
    const auto& o = orders_.at(id);
    if (o.account == account_key && o.market == Market::Perp && o.client_oid == new_client_oid &&
        o.order_id != found->order_id) {
      ++duplicate_client_oids_;
      return err("45034", "clientOid duplicate");
    }
  }
  for (const auto& m : modifies_)
    if (m.account == account_key && m.new_client_oid == new_client_oid) {
      ++duplicate_client_oids_;
      return err("45034", "clientOid duplicate");
    }
  modifies_.push_back({account_key, found->order_id, new_client_oid, *new_size, *new_price, now_ms + modify_delay_ms_});
  return *found;
}

ApiResult<Order> Exchange::cancel_replace(const std::string& account_key, const std::string& symbol,
                                          const std::string& order_id, const std::string& client_oid,
                                          const std::string& new_client_oid, Decimal price, Decimal size,
                                          std::int64_t now_ms) {
  const Order* found = find_order(account_key, Market::Spot, order_id, client_oid);
  if (!found || found->symbol != symbol || !found->pending()) return err("43001", "The order does not exist");
  if (found->type != OrdType::Limit) return err("43001", "The order does not exist");
  PlaceRequest req;
  req.market = Market::Spot;
  req.symbol = symbol;
  req.side = found->side;
  req.type = OrdType::Limit;
  req.force = found->force;
  req.price = price;
  req.size = size;
  req.client_oid = new_client_oid;
  Order& old = orders_.at(found->order_id);
  finish_cancel(old, "replace", now_ms);
  return place_internal(accounts_.at(account_key), req, now_ms);
}

void Exchange::on_timer(std::int64_t now_ms) {
  while (!modifies_.empty() && modifies_.front().due_ms <= now_ms) {
    PendingModify m = modifies_.front();
    modifies_.pop_front();
    auto it = orders_.find(m.order_id);
    // Filled or canceled in the meantime: the replacement is dropped, as the cancel failed.
    if (it == orders_.end() || !it->second.pending()) continue;
    Order& old = it->second;
    PlaceRequest req;
    req.market = Market::Perp;
    req.symbol = old.symbol;
    req.side = old.side;
    req.type = OrdType::Limit;
    req.force = old.force;
    req.price = m.new_price;
    req.size = m.new_size;
    req.client_oid = m.new_client_oid;
    req.reduce_only = old.reduce_only && old.pos_mode != "hedge_mode";
    req.trade_side = old.pos_mode == "hedge_mode" ? old.trade_side : "";
    finish_cancel(old, "modify", now_ms);
    (void)place_internal(accounts_.at(m.account), req, now_ms);
  }
}

}  // namespace carry::sim
