#pragma once
// The composition root: one io_context running every component as coroutines.
#include <carry/app/cli.hpp>
#include <carry/app/startup.hpp>
#include <carry/config/loader.hpp>
#include <carry/log/logger.hpp>

namespace carry::app {

class Daemon {
 public:
  Daemon(const config::LoadedConfig& loaded, const CliOptions& cli, Mode mode, log::Logger& logger, const Clock& clock);
  // Runs until SIGINT/SIGTERM (or --duration); returns the process exit code.
  int run();

 private:
  const config::LoadedConfig& loaded_;
  const CliOptions& cli_;
  Mode mode_;
  log::Logger& log_;
  const Clock& clock_;
};

}  // namespace carry::app
