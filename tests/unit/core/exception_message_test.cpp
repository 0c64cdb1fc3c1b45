#include <carry/core/exception_message.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

using carry::exception_message;

TEST(ExceptionMessage, NamesStandardOnesAndSurvivesOthers) {
  EXPECT_EQ(exception_message(nullptr), "");
  EXPECT_EQ(exception_message(std::make_exception_ptr(std::runtime_error("socket closed"))), "socket closed");
  EXPECT_EQ(exception_message(std::make_exception_ptr(42)), "unknown exception");
}
