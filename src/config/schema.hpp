#pragma once
// The config schema (private to carry_config): one Field per key, how to parse a text value into
// the Config and print it back. schema.cpp holds the table; loader.cpp reads files and the
// environment through it.
#include <carry/config/config.hpp>

#include <functional>
#include <string>
#include <vector>

namespace carry::config::detail {

// One configurable key: how to parse a text value into the Config, and how to print it back.
struct Field {
  std::string key;       // dotted, e.g. "exchange.allow_live"
  std::string expected;  // human description used in errors
  bool secret = false;
  bool list = false;
  std::function<bool(Config&, const std::string&)> set;  // false = value not acceptable
  std::function<std::string(const Config&)> get;
};

const std::vector<Field>& schema();
const Field* find_field(const std::string& key);
// True when `key` is a prefix of some key (a section such as "risk"), not a key itself.
bool is_section(const std::string& key);

std::string trim(std::string s);
// Why an alert URL is not acceptable ("" when it is).
std::string alert_url_problem(const std::string& url);

}  // namespace carry::config::detail
