#pragma once
// --ops-check: three probes per symbol (funding, fresh BBO on both markets, authenticated REST),
// printed one line each with a verdict. Never enters the order loop.
#include <carry/config/config.hpp>
#include <carry/core/event_sink.hpp>
#include <carry/core/time.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

namespace carry::app {

// 0 when every probe passed, 1 otherwise (the failing probes are named on stdout and in the log).
boost::asio::awaitable<int> run_ops_check(boost::asio::io_context& ioc, const config::Config& config, bool dry_run,
                                          EventSink& log, const Clock& clock);

}  // namespace carry::app
