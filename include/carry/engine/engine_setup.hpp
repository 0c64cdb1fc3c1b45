#pragma once
// The engine's parameters: one struct per module it wires (OMS, risk, strategy), and the YAML
// configuration mapped onto them (same knob names).
#include <carry/config/config.hpp>
#include <carry/oms/order_manager.hpp>
#include <carry/risk/risk_engine.hpp>
#include <carry/strategy/funding_basis.hpp>

namespace carry::engine {

struct EngineSetup {
  oms::OmsParams oms;
  risk::RiskLimits risk;
  strategy::FundingBasisParams strategy;
};

EngineSetup make_engine_setup(const config::Config& config);

}  // namespace carry::engine
