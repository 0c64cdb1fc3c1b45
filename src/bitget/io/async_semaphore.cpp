#include "async_semaphore.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace carry::bitget::io {

namespace asio = boost::asio;

AsyncSemaphore::AsyncSemaphore(asio::any_io_executor ex, std::size_t permits)
    : ex_(std::move(ex)), available_(permits) {}

asio::awaitable<Result<AsyncSemaphore::Permit>> AsyncSemaphore::acquire() {
  if (available_ > 0 && waiters_.empty()) {
    --available_;
    co_return Permit(this);
  }
  auto waiter = std::make_shared<Waiter>(ex_);
  waiter->timer.expires_at(asio::steady_timer::time_point::max());
  waiters_.push_back(waiter);
  // release() hands the permit over by setting `granted` and cancelling the timer.
  (void)co_await waiter->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  if (waiter->granted) co_return Permit(this);
  waiters_.erase(std::remove(waiters_.begin(), waiters_.end(), waiter), waiters_.end());
  co_return Errc::canceled;
}

void AsyncSemaphore::release() {
  if (!waiters_.empty()) {
    auto w = std::move(waiters_.front());
    waiters_.pop_front();
    w->granted = true;  // the permit passes straight to the oldest waiter
    w->timer.cancel();
    return;
  }
  ++available_;
}

}  // namespace carry::bitget::io
