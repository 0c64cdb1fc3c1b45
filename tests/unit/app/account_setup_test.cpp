// The account set-up's decisions (issue 13), as tables: which setter calls a read account needs,
// and whether a read-back account (with the exchange's answers) is the configured one.
#include "account_setup.hpp"

#include <gtest/gtest.h>

#include <ostream>

namespace carry::app::account_setup {

// Readable failures (found by argument-dependent lookup, so outside the unnamed namespace).
void PrintTo(const Step& s, std::ostream* os) { *os << to_string(s.field) << "(" << s.symbol << ")=" << s.value; }
void PrintTo(const Difference& d, std::ostream* os) {
  *os << to_string(d.field) << "(" << d.symbol << ") wanted=" << d.wanted << " actual=" << d.actual
      << " code=" << d.code << " msg=" << d.message;
}

namespace {

Observed obs(std::string pos, std::string margin, int crossed, int lo, int sh) {
  Observed o;
  o.position_mode = std::move(pos);
  o.margin_mode = std::move(margin);
  o.crossed_leverage = Decimal::from_units(crossed);
  o.isolated_long_leverage = Decimal::from_units(lo);
  o.isolated_short_leverage = Decimal::from_units(sh);
  return o;
}
Observed one_way(std::string margin, int crossed, int lo, int sh) {
  return obs("one_way_mode", std::move(margin), crossed, lo, sh);
}
Observed hedge(std::string margin, int crossed, int lo, int sh) {
  return obs("hedge_mode", std::move(margin), crossed, lo, sh);
}

Wanted want(std::string margin, int leverage, std::vector<std::string> symbols = {"BTCUSDT", "ETHUSDT"}) {
  Wanted w;
  w.margin_mode = std::move(margin);
  w.leverage = leverage;
  w.symbols = std::move(symbols);
  return w;
}

Step pos(std::string v) { return {Field::PositionMode, "", std::move(v)}; }
Step margin(std::string s, std::string v) { return {Field::MarginMode, std::move(s), std::move(v)}; }
Step lever(std::string s, std::string v) { return {Field::Leverage, std::move(s), std::move(v)}; }

Answer ok(Step s) { return {std::move(s), true, "", ""}; }
Answer refused(Step s, std::string code, std::string msg) {
  return {std::move(s), false, std::move(code), std::move(msg)};
}

struct PlanCase {
  const char* name;
  Wanted wanted;
  Account before;
  std::vector<Step> steps;
};

TEST(AccountSetupPlan, OnlyWhatDiffersInOrder) {
  const std::vector<PlanCase> cases = {
      {"already set up: nothing to do",
       want("crossed", 2),
       {{"BTCUSDT", one_way("crossed", 2, 10, 10)}, {"ETHUSDT", one_way("crossed", 2, 7, 7)}},
       {}},
      {"leverage differs on one symbol",
       want("crossed", 2),
       {{"BTCUSDT", one_way("crossed", 10, 2, 2)}, {"ETHUSDT", one_way("crossed", 2, 2, 2)}},
       {lever("BTCUSDT", "2")}},
      {"hedge mode: switched once, before anything per symbol",
       want("crossed", 2),
       {{"BTCUSDT", hedge("crossed", 2, 2, 2)}, {"ETHUSDT", hedge("crossed", 2, 2, 2)}},
       {pos("one_way_mode")}},
      {"isolated wanted: margin mode, then the isolated leverage (long and short)",
       want("isolated", 3),
       {{"BTCUSDT", one_way("crossed", 3, 3, 3)}, {"ETHUSDT", one_way("isolated", 3, 3, 5)}},
       {margin("BTCUSDT", "isolated"), lever("ETHUSDT", "3")}},
      {"crossed wanted from isolated: the crossed leverage is what counts",
       want("crossed", 4),
       {{"BTCUSDT", one_way("isolated", 4, 9, 9)}, {"ETHUSDT", one_way("isolated", 9, 4, 4)}},
       {margin("BTCUSDT", "crossed"), margin("ETHUSDT", "crossed"), lever("ETHUSDT", "4")}},
      {"everything differs",
       want("crossed", 2, {"BTCUSDT"}),
       {{"BTCUSDT", hedge("isolated", 10, 10, 10)}},
       {pos("one_way_mode"), margin("BTCUSDT", "crossed"), lever("BTCUSDT", "2")}},
      {"leverage not reported counts as different",
       want("crossed", 2, {"BTCUSDT"}),
       {{"BTCUSDT", Observed{"one_way_mode", "crossed", std::nullopt, std::nullopt, std::nullopt}}},
       {lever("BTCUSDT", "2")}},
      {"a symbol not read gets both per-symbol settings",
       want("crossed", 2, {"BTCUSDT"}),
       {},
       {margin("BTCUSDT", "crossed"), lever("BTCUSDT", "2")}},
  };
  for (const auto& c : cases) EXPECT_EQ(plan(c.wanted, c.before), c.steps) << c.name;
}

struct VerifyCase {
  const char* name;
  Wanted wanted;
  Account after;
  std::vector<Answer> answers;
  std::vector<Difference> differences;
};

TEST(AccountSetupVerify, DifferencesNameFieldValuesAndTheExchangesAnswer) {
  const std::string m40920 = "Position mode cannot be switched while holding positions or orders";
  const std::vector<VerifyCase> cases = {
      {"set up after changes",
       want("crossed", 2, {"BTCUSDT"}),
       {{"BTCUSDT", one_way("crossed", 2, 10, 10)}},
       {ok(pos("one_way_mode")), ok(lever("BTCUSDT", "2"))},
       {}},
      {"isolated, both sides", want("isolated", 3, {"BTCUSDT"}), {{"BTCUSDT", one_way("isolated", 20, 3, 3)}}, {}, {}},
      {"hedge with a position: refused with 40920, nothing more attempted",
       want("crossed", 2, {"BTCUSDT"}),
       {{"BTCUSDT", hedge("crossed", 10, 10, 10)}},
       {refused(pos("one_way_mode"), "40920", m40920)},
       {{Field::PositionMode, "", "one_way_mode", "hedge_mode", "40920", m40920},
        {Field::Leverage, "BTCUSDT", "2", "10", "", "not attempted: an earlier change failed"}}},
      {"margin mode refused on one symbol",
       want("crossed", 2),
       {{"BTCUSDT", one_way("isolated", 2, 2, 2)}, {"ETHUSDT", one_way("crossed", 2, 2, 2)}},
       {refused(margin("BTCUSDT", "crossed"), "40920", "Margin mode cannot be switched")},
       {{Field::MarginMode, "BTCUSDT", "crossed", "isolated", "40920", "Margin mode cannot be switched"}}},
      {"accepted but without effect",
       want("crossed", 2, {"BTCUSDT"}),
       {{"BTCUSDT", one_way("crossed", 5, 5, 5)}},
       {ok(lever("BTCUSDT", "2"))},
       {{Field::Leverage, "BTCUSDT", "2", "5", "", "the exchange accepted the change but reports 5"}}},
      {"gave up on a transient failure",
       want("crossed", 2, {"BTCUSDT"}),
       {{"BTCUSDT", one_way("crossed", 5, 5, 5)}},
       {refused(lever("BTCUSDT", "2"), "", "timed out")},
       {{Field::Leverage, "BTCUSDT", "2", "5", "", "timed out"}}},
      {"isolated long and short differ",
       want("isolated", 3, {"BTCUSDT"}),
       {{"BTCUSDT", one_way("isolated", 3, 3, 5)}},
       {},
       {{Field::Leverage, "BTCUSDT", "3", "3/5", "", ""}}},
      {"a symbol missing from the read-back",
       want("crossed", 2, {"BTCUSDT"}),
       {},
       {},
       {{Field::MarginMode, "BTCUSDT", "crossed", "not reported", "", ""},
        {Field::Leverage, "BTCUSDT", "2", "not reported", "", ""}}},
  };
  for (const auto& c : cases) {
    const auto v = verify(c.wanted, c.after, c.answers);
    EXPECT_EQ(v.differences, c.differences) << c.name;
    EXPECT_EQ(v.ok(), c.differences.empty()) << c.name;
  }
}

TEST(AccountSetupVerify, ThePlannedStepsOfAnAccountThatTakesThemLeaveNoDifference) {
  // Applying every planned step to the read account (an exchange that accepts everything)
  // yields an account verify() accepts.
  const Wanted w = want("isolated", 3);
  Account acc = {{"BTCUSDT", hedge("crossed", 10, 10, 10)}, {"ETHUSDT", hedge("isolated", 10, 3, 7)}};
  std::vector<Answer> answers;
  for (const auto& s : plan(w, acc)) {
    for (auto& [symbol, o] : acc) {
      if (s.field == Field::PositionMode) o.position_mode = s.value;
      if (symbol != s.symbol) continue;
      if (s.field == Field::MarginMode) o.margin_mode = s.value;
      if (s.field != Field::Leverage) continue;
      const Decimal lever = Decimal::from_units(std::stoi(s.value));
      if (o.margin_mode == "isolated") {
        o.isolated_long_leverage = o.isolated_short_leverage = lever;
      } else {
        o.crossed_leverage = lever;
      }
    }
    answers.push_back(ok(s));
  }
  EXPECT_EQ(answers.size(), 4u);  // position mode, BTC margin, BTC leverage, ETH leverage
  EXPECT_TRUE(verify(w, acc, answers).ok());
}

TEST(AccountSetup, WantedFromTheConfig) {
  config::ExchangeConfig ex;
  ex.margin_mode = "isolated";
  ex.leverage = 5;
  const auto w = wanted_from(ex, {"BTCUSDT"});
  EXPECT_EQ(w.position_mode, "one_way_mode");
  EXPECT_EQ(w.margin_mode, "isolated");
  EXPECT_EQ(w.leverage, 5);
  EXPECT_EQ(w.symbols, std::vector<std::string>{"BTCUSDT"});
}

TEST(AccountSetup, LogFields) {
  const Wanted w = want("crossed", 2, {"BTCUSDT"});
  const Account after = {{"BTCUSDT", one_way("crossed", 2, 10, 10)}};
  const auto setup = setup_fields(w, after, {ok(lever("BTCUSDT", "2"))});
  EXPECT_EQ(setup["position_mode"], "one_way_mode");
  EXPECT_EQ(setup["applied"][0]["field"], "leverage");
  EXPECT_EQ(setup["applied"][0]["value"], "2");
  EXPECT_EQ(setup["verified"]["BTCUSDT"]["margin_mode"], "crossed");
  EXPECT_EQ(setup["verified"]["BTCUSDT"]["leverage"], "2");

  const Verdict v =
      verify(w, {{"BTCUSDT", hedge("isolated", 2, 2, 2)}}, {refused(pos("one_way_mode"), "40920", "cannot switch")});
  const auto failed = failure_fields(v, {refused(pos("one_way_mode"), "40920", "cannot switch")});
  EXPECT_EQ(failed["fields"], (nlohmann::json{"position_mode", "margin_mode"}));
  ASSERT_EQ(failed["differences"].size(), 2u);
  const auto& d = failed["differences"][0];
  EXPECT_EQ(d["field"], "position_mode");
  EXPECT_EQ(d["wanted"], "one_way_mode");
  EXPECT_EQ(d["actual"], "hedge_mode");
  EXPECT_EQ(d["code"], "40920");
  EXPECT_EQ(d["msg"], "cannot switch");
  EXPECT_TRUE(failed["applied"].empty());
}

}  // namespace
}  // namespace carry::app::account_setup
