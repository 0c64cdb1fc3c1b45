#include <carry/core/result.hpp>

#include <gtest/gtest.h>

using namespace carry;

TEST(Result, RetryableClassification) {
  EXPECT_TRUE(is_retryable(Errc::network));
  EXPECT_TRUE(is_retryable(Errc::timeout));
  EXPECT_TRUE(is_retryable(Errc::http_server_error));
  EXPECT_TRUE(is_retryable(Errc::rate_limited));
  EXPECT_FALSE(is_retryable(Errc::exchange_rejected));
  EXPECT_FALSE(is_retryable(Errc::auth_failed));
  EXPECT_FALSE(is_retryable(Errc::bad_payload));
  EXPECT_FALSE(is_retryable(boost::system::error_code{}));
  EXPECT_EQ(make_error_code(Errc::rate_limited).message(), "rate limited");
}

TEST(Result, CarriesValueOrError) {
  Result<int> ok = 5;
  Result<int> bad = make_error_code(Errc::not_found);
  EXPECT_EQ(*ok, 5);
  EXPECT_FALSE(bad);
  EXPECT_EQ(bad.error(), make_error_code(Errc::not_found));
}
