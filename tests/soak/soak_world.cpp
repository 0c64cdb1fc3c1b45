#include "soak_world.hpp"
#include <carry_test/paths.hpp>

#include <csignal>
#include <stdexcept>

namespace carry::soak {

using namespace std::chrono_literals;

namespace {
const std::string kScenario = std::string(carry_test::source_dir()) + "/config/sim.yaml";
}

World::World(WorldOptions opt)
    : opt_(std::move(opt)), signer_(carry::bitget::Credentials{kApiKey, "sim-api-secret", "sim-passphrase"}, false) {
  std::filesystem::create_directories(opt_.dir);
  sim_ = std::make_unique<carry::test::SimProcess>(
      carry_test::sim_exe(), std::vector<std::string>{"--config", kScenario, "--seed", std::to_string(opt_.seed),
                                                      "--funding-interval", std::to_string(opt_.funding_interval_s)});
  if (!sim_->is_ready())
    throw std::runtime_error("bitget-sim did not print its sim.ready line: " + sim_->ready().dump());
}

World::~World() {
  if (daemon_) kill_daemon();
}

json World::get(const std::string& target) const {
  try {
    return carry::test::http_call(port(), "GET", target).json();
  } catch (const std::exception&) {
    return nullptr;
  }
}

carry::test::HttpResult World::post(const std::string& target, const json& body) const {
  try {
    return carry::test::http_call(port(), "POST", target, {{"Content-Type", "application/json"}}, body.dump());
  } catch (const std::exception& e) {
    return {0, e.what()};
  }
}

json World::signed_get(const std::string& target) const {
  try {
    return carry::test::signed_call(port(), signer_, "GET", target);
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::map<std::string, std::string> World::daemon_env() const {
  const std::string host = "127.0.0.1:" + std::to_string(port());
  return {
      {"EXCHANGE__REST_URL", "http://" + host},
      {"EXCHANGE__WS_PUBLIC_URL", "ws://" + host + "/v2/ws/public"},
      {"EXCHANGE__WS_PRIVATE_URL", "ws://" + host + "/v2/ws/private"},
      {"KEYS__API_KEY", kApiKey},
      {"KEYS__API_SECRET", "sim-api-secret"},
      {"KEYS__PASSPHRASE", "sim-passphrase"},
      {"STORE__DB_PATH", db_path()},
      {"LOG__DIR", log_dir().string()},
      {"LOG__CONSOLE", "false"},
      {"MONITOR__REPORTS_DIR", (opt_.dir / "reports").string()},
      {"MONITOR__HEARTBEAT_S", "2"},
      {"MONITOR__HTTP__LISTEN", "127.0.0.1:0"},  // parallel runs never collide on 9464
      // Missed pushes are read back every 5 s instead of every minute: the soak is short.
      {"RECONCILE__INTERVAL_S", "5"},
      {"RISK__MAX_ORDER_NOTIONAL", opt_.max_symbol_notional},
      {"RISK__MAX_SYMBOL_NOTIONAL", opt_.max_symbol_notional},
      {"RISK__MAX_TOTAL_NOTIONAL", opt_.max_total_notional},
      // The storms are the point here: a burst of API errors would otherwise (rightly) take the
      // kill switch to Reducing within seconds and stop all trading for the rest of the soak.
      // That guard has its own tests (tests/unit/risk).
      {"RISK__API_ERROR_BURST", "10000"},
  };
}

std::vector<std::string> World::daemon_argv(const std::vector<std::string>& extra) const {
  std::vector<std::string> argv = {carry_test::carryd_path(), "--env", "testnet", "--config", kScenario};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

void World::start_daemon() {
  if (daemon_) last_stderr_ = daemon_->err();
  daemon_.reset();
  // cwd = the run directory: nothing the daemon writes lands in the source tree.
  daemon_ = std::make_unique<carry_test::Process>(daemon_argv({}), daemon_env(), opt_.dir.string());
}

void World::kill_daemon() {
  if (!daemon_) return;
  daemon_->signal(SIGKILL);
  daemon_->wait(10s);
  last_stderr_ = daemon_->err();
  daemon_.reset();
}

std::optional<int> World::stop_daemon(std::chrono::seconds deadline) {
  if (!daemon_) return std::nullopt;
  daemon_->signal(SIGTERM);
  auto code = daemon_->wait(deadline);
  last_stderr_ = daemon_->err();
  daemon_.reset();  // SIGKILL if still running
  return code;
}

bool World::daemon_running() { return daemon_ && daemon_->running(); }

std::optional<int> World::daemon_exit_code() {
  if (!daemon_ || daemon_->running()) return std::nullopt;
  return daemon_->wait(0ms);
}

int World::reset_kill_switch() {
  carry_test::Process p(daemon_argv({"--reset-kill-switch"}), daemon_env(), opt_.dir.string());
  return p.wait(60s).value_or(-1);
}

std::string World::daemon_stderr() const { return daemon_ ? daemon_->err() : last_stderr_; }

std::vector<json> World::log_events(const std::string& event) const {
  std::vector<json> out;
  for (const auto& line : carry_test::read_lines(log_dir() / "app.jsonl")) {
    auto j = json::parse(line, nullptr, false);
    if (j.is_object() && j.value("event", "") == event) out.push_back(std::move(j));
  }
  return out;
}

}  // namespace carry::soak
