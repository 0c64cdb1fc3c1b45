#pragma once
// The best bid and ask of one market as the OMS last saw them.
#include <carry/core/decimal.hpp>
#include <carry/core/time.hpp>

namespace carry::oms {

struct TopOfBook {
  Decimal bid, bid_size, ask, ask_size;
  UnixNanos ts;        // the venue's time of the quote
  MonoNanos received;  // when it reached us: its age is measured from here
  Decimal mid() const { return Decimal::from_raw((bid.raw() + ask.raw()) / 2); }
};

}  // namespace carry::oms
