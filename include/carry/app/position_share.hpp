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

}  // namespace carry::app
