#pragma once
// Runs one test coroutine on an io_context with a hard deadline (no fixed sleeps anywhere).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <functional>

namespace carry::test {

inline void run_async(boost::asio::io_context& io, std::function<boost::asio::awaitable<void>()> body,
                      std::chrono::seconds limit = std::chrono::seconds(20)) {
  bool done = false;
  std::exception_ptr error;
  boost::asio::co_spawn(io, std::move(body), [&](std::exception_ptr e) {
    done = true;
    error = e;
  });
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done && std::chrono::steady_clock::now() < deadline) {
    if (io.stopped()) io.restart();
    io.run_one_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(done) << "the test coroutine did not finish within " << limit.count() << " s";
  if (error) std::rethrow_exception(error);
}

// Polls `pred` every `step` until it holds or `limit` passes; returns the final value.
inline boost::asio::awaitable<bool> eventually(std::function<bool()> pred,
                                               std::chrono::milliseconds limit = std::chrono::seconds(5),
                                               std::chrono::milliseconds step = std::chrono::milliseconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) co_return pred();
    timer.expires_after(step);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
  co_return true;
}

}  // namespace carry::test

// gtest's ASSERT_* `return`s, which a coroutine cannot: these record the failure and co_return.
#define CO_ASSERT_TRUE(cond)                               \
  do {                                                     \
    if (!(cond)) {                                         \
      ADD_FAILURE() << "CO_ASSERT_TRUE(" #cond ") failed"; \
      co_return;                                           \
    }                                                      \
  } while (0)
#define CO_ASSERT_FALSE(cond) CO_ASSERT_TRUE(!(cond))
