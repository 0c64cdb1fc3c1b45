#include <carry/oms/order.hpp>

#include <gtest/gtest.h>

#include <set>
#include <utility>

using namespace carry;
using namespace carry::oms;
using S = OrderStatus;

namespace {

constexpr S kAll[] = {S::New,      S::Sent,     S::Acked,   S::PartiallyFilled, S::Filled,
                      S::Canceled, S::Rejected, S::Expired, S::Unknown};

// The expected table, written out independently of the implementation.
const std::set<std::pair<S, S>> kAllowed = {
    {S::New, S::Sent},
    {S::New, S::Rejected},
    {S::Sent, S::Acked},
    {S::Sent, S::PartiallyFilled},  // fill before ack
    {S::Sent, S::Filled},           // fill before ack
    {S::Sent, S::Canceled},
    {S::Sent, S::Rejected},
    {S::Sent, S::Expired},
    {S::Sent, S::Unknown},  // timeout
    {S::Acked, S::PartiallyFilled},
    {S::Acked, S::Filled},
    {S::Acked, S::Canceled},
    {S::Acked, S::Expired},
    {S::PartiallyFilled, S::PartiallyFilled},
    {S::PartiallyFilled, S::Filled},
    {S::PartiallyFilled, S::Canceled},
    {S::PartiallyFilled, S::Expired},
    {S::Canceled, S::Filled},  // fill raced the cancel
    {S::Expired, S::Filled},
    {S::Unknown, S::Acked},
    {S::Unknown, S::PartiallyFilled},
    {S::Unknown, S::Filled},
    {S::Unknown, S::Canceled},
    {S::Unknown, S::Rejected},  // not found after timeout
    {S::Unknown, S::Expired},
    {S::Rejected, S::Acked},  // a late ack: the order exists after all
    {S::Rejected, S::PartiallyFilled},
    {S::Rejected, S::Filled},
    {S::Rejected, S::Canceled},
};

}  // namespace

TEST(OrderTransitions, EveryPairMatchesTheTable) {
  int allowed = 0;
  for (S from : kAll) {
    for (S to : kAll) {
      const bool expected = kAllowed.contains({from, to});
      EXPECT_EQ(transition_allowed(from, to), expected) << to_string(from) << " -> " << to_string(to);
      EXPECT_EQ(transition_table()[static_cast<std::size_t>(from)][static_cast<std::size_t>(to)], expected);
      allowed += expected;
    }
  }
  EXPECT_EQ(allowed, static_cast<int>(kAllowed.size()));
}

TEST(OrderTransitions, TerminalStatesOnlyAllowTheLateFillRaceAndTheLateAck) {
  for (S to : kAll) {
    EXPECT_FALSE(transition_allowed(S::Filled, to)) << to_string(to);
    EXPECT_EQ(transition_allowed(S::Rejected, to),
              to == S::Acked || to == S::PartiallyFilled || to == S::Filled || to == S::Canceled)
        << to_string(to);
    EXPECT_EQ(transition_allowed(S::Canceled, to), to == S::Filled) << to_string(to);
  }
}

TEST(OrderTransitions, NothingGoesBackToNewOrSent) {
  for (S from : kAll) {
    EXPECT_FALSE(transition_allowed(from, S::New));
    EXPECT_FALSE(transition_allowed(from, S::Sent) && from != S::New);
  }
}

TEST(Order, RemainingAndAveragePrice) {
  Order o;
  o.size = Decimal::from_units(2);
  EXPECT_EQ(o.remaining(), Decimal::from_units(2));
  EXPECT_FALSE(o.avg_fill_price());
  o.filled = Decimal::from_units(1);
  o.notional = Decimal::from_units(100);
  o.venue_filled = "1.5"_dec;  // the venue knows more than our fills so far
  EXPECT_EQ(o.remaining(), "0.5"_dec);
  EXPECT_EQ(*o.avg_fill_price(), Decimal::from_units(100));
}
