#pragma once
// The futures account set up the way the strategy assumes (issue 13): one-way position mode for
// the product type, the configured margin mode and leverage for every configured symbol. This is
// the deciding half, pure and socket-free: what to change given what the exchange reports, and
// whether what it reports afterwards is what the configuration asks for. The runner
// (account_setup_runner.hpp) reads, applies and reads back through the gateway.
//
//   auto steps = account_setup::plan(wanted, before);      // only what differs, in order
//   ... run each step, one Answer each, stopping at the first that fails ...
//   auto verdict = account_setup::verify(wanted, after, answers);
//   verdict.ok() ? trade : log account.setup_failed (failure_fields) and exit 1
#include <carry/config/config.hpp>
#include <carry/core/decimal.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace carry::app::account_setup {

// What the configuration asks for, in Bitget's words.
struct Wanted {
  std::string position_mode = "one_way_mode";  // posMode, for the whole product type
  std::string margin_mode = "crossed";         // marginMode, per symbol
  int leverage = 2;                            // per symbol
  std::vector<std::string> symbols;
};
Wanted wanted_from(const config::ExchangeConfig& exchange, const std::vector<std::string>& symbols);

// One symbol's settings as GET /api/v2/mix/account/account reports them.
struct Observed {
  std::string position_mode;  // one_way_mode | hedge_mode
  std::string margin_mode;    // crossed | isolated
  std::optional<Decimal> crossed_leverage, isolated_long_leverage, isolated_short_leverage;
};
using Account = std::map<std::string, Observed, std::less<>>;  // by symbol

enum class Field { PositionMode, MarginMode, Leverage };
std::string_view to_string(Field f) noexcept;  // position_mode | margin_mode | leverage

struct Step {
  Field field = Field::PositionMode;
  std::string symbol;  // "" for the position mode (the whole product type)
  std::string value;   // one_way_mode | crossed | isolated | "3"
  bool operator==(const Step&) const = default;
};

// What the exchange answered to one step.
struct Answer {
  Step step;
  bool ok = false;
  std::string code;     // the exchange's code when it refused ("40920"); "" otherwise
  std::string message;  // its message, or what went wrong on the way ("timed out")
};

struct Difference {
  Field field = Field::PositionMode;
  std::string symbol;  // "" for the position mode
  std::string wanted, actual;
  std::string code, message;  // why it was not fixed: the refusal of its step, if any
  bool operator==(const Difference&) const = default;
};

struct Verdict {
  std::vector<Difference> differences;
  bool ok() const noexcept { return differences.empty(); }
};

// The setter calls that bring `before` to `wanted`, only for what differs: the position mode
// first (product-wide; reported by every symbol), then per symbol the margin mode, then the
// leverage of the wanted margin mode (crossed: crossedMarginLeverage; isolated: both sides).
// A symbol missing from `before` gets its margin mode and leverage set.
std::vector<Step> plan(const Wanted& wanted, const Account& before);

// Compares the read-back account with what is wanted, field by field. Each difference names the
// field, the symbol, both values and why it was not fixed: the exchange's refusal of its step,
// a step it accepted without effect, or no attempt after an earlier failure. A symbol missing
// from `after` differs in every field ("not reported").
Verdict verify(const Wanted& wanted, const Account& after, const std::vector<Answer>& answers);

// The leverage of `o` under `margin_mode` as text: "3", "5/3" (isolated long/short differ), or
// "" when the exchange did not report it.
std::string leverage_of(const Observed& o, std::string_view margin_mode);

// The JSONL fields of account.setup: the wanted settings, the steps applied and what was read
// back per symbol.
nlohmann::json setup_fields(const Wanted& wanted, const Account& after, const std::vector<Answer>& answers);
// The JSONL fields of account.setup_failed: every difference (field, symbol, wanted, actual,
// code, msg), the names of the fields that differ and the steps that were applied.
nlohmann::json failure_fields(const Verdict& verdict, const std::vector<Answer>& answers);

}  // namespace carry::app::account_setup
