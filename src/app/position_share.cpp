#include <carry/app/position_share.hpp>

namespace carry::app {

LegShare split_leg(Decimal ours, Decimal venue) {
  Decimal mine;
  if (!venue.is_zero() && !ours.is_zero() && ours.is_positive() == venue.is_positive())
    mine = ours.is_positive() ? min(ours, venue) : max(ours, venue);
  return {mine, venue - mine};
}

Decimal unexplained(Decimal venue, Decimal foreign, Decimal ours) { return venue - foreign - ours; }

bool drifted(Decimal venue, Decimal foreign, Decimal ours, Decimal lot) {
  return unexplained(venue, foreign, ours).abs() > lot;
}

}  // namespace carry::app
