// The SymbolMode transition table and change_mode(), the one way a symbol's mode changes.
#include <carry/strategy/symbol_mode.hpp>

#include <gtest/gtest.h>

#include <set>
#include <utility>

namespace carry::strategy {
namespace {

using M = SymbolMode;

constexpr M kAll[] = {M::Flat, M::Opening, M::Open, M::Closing, M::Rebalancing, M::Reducing, M::Flattening};

// Every change the strategy makes, and nothing else.
const std::set<std::pair<M, M>> kAllowed = {
    {M::Flat, M::Opening},
    {M::Flat, M::Open},
    {M::Flat, M::Closing},
    {M::Flat, M::Rebalancing},
    {M::Flat, M::Reducing},
    {M::Flat, M::Flattening},
    {M::Opening, M::Flat},
    {M::Opening, M::Open},
    {M::Opening, M::Reducing},
    {M::Opening, M::Flattening},
    {M::Open, M::Flat},
    {M::Open, M::Closing},
    {M::Open, M::Rebalancing},
    {M::Open, M::Reducing},
    {M::Open, M::Flattening},
    {M::Closing, M::Flat},
    {M::Closing, M::Open},
    {M::Closing, M::Reducing},
    {M::Closing, M::Flattening},
    {M::Rebalancing, M::Flat},
    {M::Rebalancing, M::Open},
    {M::Rebalancing, M::Reducing},
    {M::Rebalancing, M::Flattening},
    {M::Reducing, M::Flat},
    {M::Reducing, M::Open},
    {M::Reducing, M::Flattening},
    {M::Flattening, M::Flat},
    {M::Flattening, M::Open},
};

TEST(SymbolModeTable, AllowsExactlyTheListedTransitions) {
  for (M from : kAll)
    for (M to : kAll)
      EXPECT_EQ(transition_allowed(from, to), kAllowed.count({from, to}) == 1)
          << to_string(from) << " -> " << to_string(to);
  const auto& table = transition_table();
  std::size_t allowed = 0;
  for (const auto& row : table)
    for (bool cell : row) allowed += cell;
  EXPECT_EQ(allowed, kAllowed.size());
}

TEST(SymbolModeTable, ForbidsWhatNoCodePathDoes) {
  EXPECT_FALSE(transition_allowed(M::Open, M::Opening));         // an OPEN starts from Flat only
  EXPECT_FALSE(transition_allowed(M::Opening, M::Closing));      // a program ends before the next
  EXPECT_FALSE(transition_allowed(M::Reducing, M::Opening));     // Reducing never opens
  EXPECT_FALSE(transition_allowed(M::Reducing, M::Closing));     // ... it closes inside Reducing
  EXPECT_FALSE(transition_allowed(M::Flattening, M::Reducing));  // Flattening is stickier
  EXPECT_FALSE(transition_allowed(M::Flattening, M::Opening));
  EXPECT_FALSE(transition_allowed(M::Flat, M::Flat));  // the same mode is not a transition
}

TEST(SymbolModeTable, NamesEveryMode) {
  EXPECT_EQ(to_string(M::Flat), "Flat");
  EXPECT_EQ(to_string(M::Opening), "Opening");
  EXPECT_EQ(to_string(M::Open), "Open");
  EXPECT_EQ(to_string(M::Closing), "Closing");
  EXPECT_EQ(to_string(M::Rebalancing), "Rebalancing");
  EXPECT_EQ(to_string(M::Reducing), "Reducing");
  EXPECT_EQ(to_string(M::Flattening), "Flattening");
}

TEST(ChangeMode, AnAllowedChangeIsSilent) {
  RecordingEventSink sink;
  std::uint64_t unexpected = 0;
  M mode = M::Flat;
  change_mode(mode, M::Opening, "ETHUSDT", "start_open", sink, unexpected);
  EXPECT_EQ(mode, M::Opening);
  EXPECT_EQ(unexpected, 0u);
  EXPECT_TRUE(sink.entries.empty());
}

TEST(ChangeMode, TheSameModeIsANoOp) {
  RecordingEventSink sink;
  std::uint64_t unexpected = 0;
  M mode = M::Reducing;
  change_mode(mode, M::Reducing, "ETHUSDT", "enter_reducing", sink, unexpected);
  EXPECT_EQ(mode, M::Reducing);
  EXPECT_EQ(unexpected, 0u);
  EXPECT_TRUE(sink.entries.empty());
}

TEST(ChangeMode, AForbiddenChangeIsMadeButLoggedAndCounted) {
  RecordingEventSink sink;
  std::uint64_t unexpected = 0;
  M mode = M::Flattening;
  change_mode(mode, M::Reducing, "ETHUSDT", "enter_reducing", sink, unexpected);
  EXPECT_EQ(mode, M::Reducing);  // what the caller's state needs; never a crash
  EXPECT_EQ(unexpected, 1u);
  ASSERT_EQ(sink.count("strategy.unexpected_mode_change"), 1u);
  const auto& f = sink.last("strategy.unexpected_mode_change")->fields;
  EXPECT_EQ(f.at("symbol"), "ETHUSDT");
  EXPECT_EQ(f.at("from"), "Flattening");
  EXPECT_EQ(f.at("to"), "Reducing");
  EXPECT_EQ(f.at("cause"), "enter_reducing");
  EXPECT_EQ(sink.last("strategy.unexpected_mode_change")->level, LogLevel::Warn);
}

}  // namespace
}  // namespace carry::strategy
