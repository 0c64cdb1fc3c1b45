#include <carry/oms/maker_chaser.hpp>

#include <chrono>

namespace carry::oms {

ChaseStep next_chase_step(const ChaseState& chase, const Order& head, const TopOfBook& top, Decimal tick,
                          const OmsParams& params, MonoNanos now) {
  ChaseStep step;
  if (!head.is_live() || head.cancel_pending || head.amend_pending || head.query_pending) return step;
  if (now - chase.last < std::chrono::milliseconds(params.chase_interval_ms)) return step;
  const bool buy = head.side == Side::Buy;
  const Decimal best = buy ? top.bid : top.ask;
  if (!best.is_positive()) return step;
  // Only follow a market moving away; a market coming to us will fill the order anyway.
  if (buy ? best <= *head.price : best >= *head.price) return step;
  step.kind = ChaseStep::Kind::Stop;
  if (chase.amends >= params.chase_max_amends) {
    step.reason = "max_amends";
    return step;
  }
  Decimal target = best;
  const double factor = 1.0 + (buy ? 1 : -1) * params.chase_max_distance_bps / 1e4;
  auto bound = Decimal::from_double(chase.original_price.to_double() * factor);
  if (bound && tick.is_positive()) bound = bound->round_to_step(tick, buy ? Rounding::Down : Rounding::Up);
  if (bound) target = buy ? min(target, *bound) : max(target, *bound);
  if (buy ? target <= *head.price : target >= *head.price) {
    step.reason = "max_distance";
    return step;
  }
  step.kind = ChaseStep::Kind::Amend;
  step.price = target;
  return step;
}

void MakerChaser::start(std::string chain, Decimal price, MonoNanos now) {
  ChaseState chase;
  chase.chain = std::move(chain);
  chase.original_price = price;
  chase.last = now;
  chases_.push_back(std::move(chase));
}

bool MakerChaser::stop(std::string_view chain) {
  const std::size_t i = index_of(chain);
  if (i == chases_.size()) return false;
  chases_.erase(chases_.begin() + static_cast<std::ptrdiff_t>(i));
  return true;
}

std::size_t MakerChaser::index_of(std::string_view chain) const noexcept {
  std::size_t i = 0;
  while (i < chases_.size() && chases_[i].chain != chain) ++i;
  return i;
}

void MakerChaser::finish(std::size_t index, const Order& head, std::string_view reason, ChaseHost& host) {
  const ChaseState chase = std::move(chases_[index]);
  chases_.erase(chases_.begin() + static_cast<std::ptrdiff_t>(index));
  // Off the list before the host hears of it: the host may start a new chase from there.
  if (head.is_open()) host.chase_done(head, chase, reason);
}

void MakerChaser::on_quote(const TopOfBook& top, Decimal tick, const OmsParams& params, MonoNanos now,
                           ChaseHost& host) {
  for (std::size_t i = 0; i < chases_.size();) {
    const Order* head = host.chase_head(chases_[i].chain);
    if (!head || !head->is_open()) {  // filled, canceled or pruned: nothing left to chase
      chases_.erase(chases_.begin() + static_cast<std::ptrdiff_t>(i));
      continue;
    }
    ++i;
    const ChaseStep step = next_chase_step(chases_[i - 1], *head, top, tick, params, now);
    if (step.kind == ChaseStep::Kind::Wait) continue;
    if (step.kind == ChaseStep::Kind::Stop) {
      finish(--i, *head, step.reason, host);
      continue;
    }
    // A copy: while it amends, the host may start or stop chases and so move this one.
    const ChaseState before = chases_[i - 1];
    const bool sent = host.chase_amend(*head, step.price, before);
    const std::size_t at = index_of(before.chain);
    if (at == chases_.size()) continue;
    if (!sent) {
      if (at < i) --i;
      finish(at, *head, "blocked", host);
      continue;
    }
    ++chases_[at].amends;
    chases_[at].last = now;
  }
}

}  // namespace carry::oms
