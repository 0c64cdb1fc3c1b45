#pragma once
// Counting semaphore for coroutines on one io_context (rest_max_concurrency). FIFO fairness.
// Not thread-safe: everything runs on the single event-loop thread (DESIGN "Coroutines").
#include <carry/core/result.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstddef>
#include <deque>
#include <memory>

namespace carry::bitget::io {

class AsyncSemaphore {
 public:
  class Permit {
   public:
    Permit() = default;
    explicit Permit(AsyncSemaphore* owner) : owner_(owner) {}
    Permit(Permit&& o) noexcept : owner_(o.owner_) { o.owner_ = nullptr; }
    Permit& operator=(Permit&& o) noexcept {
      if (this != &o) {
        reset();
        owner_ = o.owner_;
        o.owner_ = nullptr;
      }
      return *this;
    }
    ~Permit() { reset(); }
    void reset() {
      if (owner_) owner_->release();
      owner_ = nullptr;
    }
    explicit operator bool() const { return owner_ != nullptr; }

   private:
    AsyncSemaphore* owner_ = nullptr;
  };

  AsyncSemaphore(boost::asio::any_io_executor ex, std::size_t permits);

  // Waits for a permit; Errc::canceled if the wait was cancelled (shutdown).
  boost::asio::awaitable<Result<Permit>> acquire();

  std::size_t available() const noexcept { return available_; }
  std::size_t waiting() const noexcept { return waiters_.size(); }

 private:
  struct Waiter {
    explicit Waiter(boost::asio::any_io_executor ex) : timer(ex) {}
    boost::asio::steady_timer timer;
    bool granted = false;
  };
  void release();

  boost::asio::any_io_executor ex_;
  std::size_t available_;
  std::deque<std::shared_ptr<Waiter>> waiters_;
};

}  // namespace carry::bitget::io
