#include "account_setup.hpp"

#include <algorithm>

namespace carry::app::account_setup {
namespace {

constexpr std::string_view kNotReported = "not reported";

bool leverage_matches(const Observed& o, std::string_view margin_mode, int leverage) {
  const Decimal want = Decimal::from_units(leverage);
  if (margin_mode == "isolated") return o.isolated_long_leverage == want && o.isolated_short_leverage == want;
  return o.crossed_leverage == want;
}

// The first symbol that reports a position mode other than the wanted one, if any.
const Observed* other_position_mode(const Wanted& w, const Account& account) {
  for (const auto& s : w.symbols) {
    auto it = account.find(s);
    if (it != account.end() && it->second.position_mode != w.position_mode) return &it->second;
  }
  return nullptr;
}

const Answer* answer_for(const std::vector<Answer>& answers, Field field, std::string_view symbol) {
  for (const auto& a : answers)
    if (a.step.field == field && (field == Field::PositionMode || a.step.symbol == symbol)) return &a;
  return nullptr;
}

// Why a difference is still there, from the answers to the steps.
void explain(Difference& d, const std::vector<Answer>& answers) {
  const bool any_failed = std::any_of(answers.begin(), answers.end(), [](const Answer& a) { return !a.ok; });
  if (const Answer* a = answer_for(answers, d.field, d.symbol)) {
    if (!a->ok) {
      d.code = a->code;
      d.message = a->message;
    } else {
      d.message = "the exchange accepted the change but reports " + (d.actual.empty() ? "nothing" : d.actual);
    }
  } else if (any_failed) {
    d.message = "not attempted: an earlier change failed";
  }
}

nlohmann::json step_json(const Step& s) {
  return {{"field", std::string(to_string(s.field))}, {"symbol", s.symbol}, {"value", s.value}};
}

nlohmann::json applied_json(const std::vector<Answer>& answers) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& a : answers)
    if (a.ok) out.push_back(step_json(a.step));
  return out;
}

}  // namespace

Wanted wanted_from(const config::ExchangeConfig& exchange, const std::vector<std::string>& symbols) {
  Wanted w;
  // The loader accepts one_way only; Bitget spells it one_way_mode.
  w.position_mode = exchange.position_mode == "hedge" ? "hedge_mode" : "one_way_mode";
  w.margin_mode = exchange.margin_mode;
  w.leverage = exchange.leverage;
  w.symbols = symbols;
  return w;
}

std::string_view to_string(Field f) noexcept {
  switch (f) {
    case Field::PositionMode:
      return "position_mode";
    case Field::MarginMode:
      return "margin_mode";
    case Field::Leverage:
      return "leverage";
  }
  return "?";
}

std::vector<Step> plan(const Wanted& w, const Account& before) {
  std::vector<Step> steps;
  if (other_position_mode(w, before) != nullptr) steps.push_back({Field::PositionMode, "", w.position_mode});
  for (const auto& s : w.symbols) {
    auto it = before.find(s);
    const bool known = it != before.end();
    if (!known || it->second.margin_mode != w.margin_mode) steps.push_back({Field::MarginMode, s, w.margin_mode});
    if (!known || !leverage_matches(it->second, w.margin_mode, w.leverage))
      steps.push_back({Field::Leverage, s, std::to_string(w.leverage)});
  }
  return steps;
}

std::string leverage_of(const Observed& o, std::string_view margin_mode) {
  auto text = [](const std::optional<Decimal>& d) { return d ? d->to_string() : std::string(); };
  if (margin_mode != "isolated") return text(o.crossed_leverage);
  const std::string lo = text(o.isolated_long_leverage), sh = text(o.isolated_short_leverage);
  if (lo.empty() || sh.empty()) return "";
  return lo == sh ? lo : lo + "/" + sh;
}

Verdict verify(const Wanted& w, const Account& after, const std::vector<Answer>& answers) {
  Verdict v;
  if (const Observed* o = other_position_mode(w, after))
    v.differences.push_back({Field::PositionMode, "", w.position_mode, o->position_mode, "", ""});
  const std::string lever = std::to_string(w.leverage);
  for (const auto& s : w.symbols) {
    auto it = after.find(s);
    if (it == after.end()) {
      v.differences.push_back({Field::MarginMode, s, w.margin_mode, std::string(kNotReported), "", ""});
      v.differences.push_back({Field::Leverage, s, lever, std::string(kNotReported), "", ""});
      continue;
    }
    const Observed& o = it->second;
    if (o.margin_mode != w.margin_mode)
      v.differences.push_back({Field::MarginMode, s, w.margin_mode, o.margin_mode, "", ""});
    if (!leverage_matches(o, w.margin_mode, w.leverage))
      v.differences.push_back({Field::Leverage, s, lever, leverage_of(o, w.margin_mode), "", ""});
  }
  for (auto& d : v.differences) explain(d, answers);
  return v;
}

nlohmann::json setup_fields(const Wanted& w, const Account& after, const std::vector<Answer>& answers) {
  nlohmann::json symbols = nlohmann::json::object();
  for (const auto& s : w.symbols) {
    auto it = after.find(s);
    if (it == after.end()) continue;
    symbols[s] = {{"position_mode", it->second.position_mode},
                  {"margin_mode", it->second.margin_mode},
                  {"leverage", leverage_of(it->second, w.margin_mode)}};
  }
  return {{"position_mode", w.position_mode},
          {"margin_mode", w.margin_mode},
          {"leverage", w.leverage},
          {"applied", applied_json(answers)},
          {"verified", symbols}};
}

nlohmann::json failure_fields(const Verdict& verdict, const std::vector<Answer>& answers) {
  nlohmann::json diffs = nlohmann::json::array();
  nlohmann::json fields = nlohmann::json::array();
  for (const auto& d : verdict.differences) {
    const std::string name(to_string(d.field));
    diffs.push_back({{"field", name},
                     {"symbol", d.symbol},
                     {"wanted", d.wanted},
                     {"actual", d.actual},
                     {"code", d.code},
                     {"msg", d.message}});
    if (std::find(fields.begin(), fields.end(), name) == fields.end()) fields.push_back(name);
  }
  return {{"fields", fields},
          {"differences", diffs},
          {"applied", applied_json(answers)},
          {"note",
           "the account is not set up as the configuration says; carryd does not trade on it. Change the "
           "account (close positions and orders first for the position or margin mode) or the config"}};
}

}  // namespace carry::app::account_setup
