#pragma once
// Loads Config from `.env` -> YAML file -> environment variables (later wins). Strict: unknown
// keys, wrong types and out-of-range values are errors that name the key, its source and what was
// expected.
#include <carry/config/config.hpp>

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace carry::config {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LoadOptions {
  std::optional<std::string> config_file;  // --config; else APP_CONFIG_FILE; else config/app.yaml
  std::string env_file = ".env";           // read if it exists
  std::string default_config_file = "config/app.yaml";
  // The process environment; tests pass their own.
  std::map<std::string, std::string> environment;
  bool use_process_environment = true;
};

struct LoadedConfig {
  Config config;
  std::string config_file;                     // the YAML file actually read
  std::map<std::string, std::string> sources;  // key -> "default" | ".env" | file | "env VAR"
  std::map<std::string, std::string> files;    // key -> the file (.env or YAML) its value was read from
};

// Throws ConfigError with a one-line message.
LoadedConfig load(const LoadOptions& options);

// The effective configuration as YAML, secrets shown as ***; with `# source` comments.
std::string render(const LoadedConfig& loaded);

// The default paper database beside the live one: "var/carry.db" -> "var/carry-paper.db".
std::string paper_db_path_for(const std::string& db_path);

// The files (.env, the YAML) a non-empty secret (keys.*) was read from, each once.
std::vector<std::string> files_holding_secrets(const LoadedConfig& loaded);

// All dotted key names the loader knows (for docs and tests).
std::vector<std::string> known_keys();

// Parses a .env file's text: KEY=VALUE lines, # comments, optional `export `, quotes stripped.
std::map<std::string, std::string> parse_env_file(const std::string& text, const std::string& name);

}  // namespace carry::config
