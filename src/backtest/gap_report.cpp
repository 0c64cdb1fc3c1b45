#include <carry/backtest/gap_report.hpp>

#include <carry/core/time.hpp>

namespace carry::backtest {

void GapReport::add(const Gap& g) {
  ++count;
  missing += g.missing;
  if (first.size() < kMaxListed) first.push_back(g);
}

std::string GapReport::summary() const {
  std::string out = file + ": ";
  if (count > 0) {
    out += std::to_string(count) + (count == 1 ? " gap" : " gaps");
    if (missing > 0)
      out += " (" + std::to_string(missing) + " missing " + what + ")";
    else
      out += " in " + what;
    out += "; first:";
    for (std::size_t i = 0; i < first.size(); ++i) {
      const Gap& g = first[i];
      out += (i == 0 ? " " : "; ");
      out += "line " + std::to_string(g.line) + ": " + UnixNanos::from_ms(g.prev_ms).to_rfc3339() + " -> " +
             UnixNanos::from_ms(g.ts_ms).to_rfc3339();
      if (g.missing > 0) out += " (" + std::to_string(g.missing) + " missing)";
    }
    if (count > first.size()) out += "; ...";
  }
  for (std::size_t i = 0; i < notes.size(); ++i) {
    if (count > 0 || i > 0) out += "; ";
    out += notes[i];
  }
  return out;
}

}  // namespace carry::backtest
