#pragma once
// The configuration's part of the paper exchange's parameters (paper mode and the backtest add
// their own balances and slippage).
#include <carry/config/config.hpp>
#include <carry/paper/paper_params.hpp>

namespace carry::app {

paper::PaperParams make_paper_params(const config::Config& config);

}  // namespace carry::app
