#pragma once
// The YAML's exchange section mapped onto the gateway's configuration (daemon and ops-check).
#include <carry/bitget/io/gateway_config.hpp>
#include <carry/config/config.hpp>

namespace carry::app {

bitget::AccountModeSetting account_mode_setting(const config::Config& config);

// with_keys=false leaves the credentials out: nothing private can be called.
bitget::GatewayConfig gateway_config(const config::Config& config, bool with_keys);

}  // namespace carry::app
