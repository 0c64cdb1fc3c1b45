#pragma once
// OMS knobs. The config module maps the YAML keys of the same names onto these fields.
#include <cstdint>

namespace carry::oms {

struct OmsParams {
  double price_dev_bps_limit = 50.0;        // limit price further than this from mid is blocked; 0 = off
  std::int64_t ws_stale_block_ms = 15'000;  // private stream silent this long blocks new orders; 0 = off
  int reject_burst_threshold = 3;           // this many venue rejects ...
  std::int64_t reject_burst_window_s = 60;  // ... within this window ...
  std::int64_t symbol_cooldown_s = 300;     // ... pause new orders on the symbol this long
  std::int64_t chase_interval_ms = 1'000;   // at most one chase amend per order this often
  int chase_max_amends = 5;
  double chase_max_distance_bps = 20.0;  // never chase further than this from the original price
  std::int64_t ack_timeout_ms = 5'000;   // a request with no answer this long: outcome Unknown
  std::int64_t query_retry_ms = 2'000;   // re-query an Unknown order this often
  int unknown_not_found_checks = 2;      // "not found" answers needed before an Unknown is given up
  std::int64_t order_ttl_ms = 0;         // resting orders older than this are canceled; 0 = off
};

}  // namespace carry::oms
