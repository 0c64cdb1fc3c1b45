#pragma once
// Carry's share of a leg the venue reports. In one-way mode the venue holds one net position per
// symbol (and one wallet per coin) for everyone trading the account; Carry knows what its own
// orders filled. The venue can hold less of that than our fills say (a manual close, fees), never
// more of it: the remainder is foreign, reported and left alone.
#include <carry/core/decimal.hpp>

namespace carry::app {

struct LegShare {
  Decimal ours;
  Decimal foreign;  // venue - ours
};

// `ours`: the signed net of our fills; `venue`: the signed position (or wallet) on the venue.
LegShare split_leg(Decimal ours, Decimal venue);

// What the venue holds beyond our share and the foreign part known at start: zero when the record
// agrees; more than one lot step either way is drift that our fills cannot explain.
Decimal unexplained(Decimal venue, Decimal foreign, Decimal ours);
bool drifted(Decimal venue, Decimal foreign, Decimal ours, Decimal lot);

}  // namespace carry::app
