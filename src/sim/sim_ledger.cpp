// Simulator: GET /sim/orders, the matching engine's own order ledger (every order ever accepted,
// pending and finished, both markets), for harnesses that audit a client against the venue
// without paging through the rate-limited history endpoints.
#include "simulator.hpp"
#include "wire.hpp"

namespace carry::sim {

using nlohmann::json;

json Simulator::orders_json() const {
  json out = json::object();
  for (const auto& [key, acc] : exchange_.accounts()) {
    json list = json::array();
    for (const Market m : {Market::Spot, Market::Perp})
      for (const bool pending : {true, false})
        for (const Order* o : exchange_.orders(key, m, pending))
          list.push_back({{"orderId", o->order_id},
                          {"clientOid", o->client_oid},
                          {"market", m == Market::Spot ? "spot" : "perp"},
                          {"symbol", o->symbol},
                          {"side", to_string(o->side)},
                          {"orderType", to_string(o->type)},
                          {"status", to_string(o->status, m)},
                          {"size", wire::num(o->size)},
                          {"filled", wire::num(o->filled)},
                          {"reduceOnly", o->reduce_only},
                          {"cTime", o->c_time},
                          {"uTime", o->u_time}});
    out[key] = std::move(list);
  }
  return out;
}

}  // namespace carry::sim
