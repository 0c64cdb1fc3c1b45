#include "paper_setup.hpp"

namespace carry::app {

paper::PaperParams make_paper_params(const config::Config& c) {
  paper::PaperParams p;
  p.leverage = c.exchange.leverage;
  return p;
}

}  // namespace carry::app
