#define BOOST_TEST_MODULE plugin_auth_rate_limiter
#include "plugin/auth/auth_rate_limiter.h"

#include <boost/test/unit_test.hpp>

using namespace lrs::plugin;

namespace {

struct Fixture {
  int64_t now = 5'000'000;
  RateLimitOptions options;
  Fixture() { options.now_ms = [this] { return now; }; }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(allows_the_burst_then_asks_to_wait_one_refill, Fixture) {
  options.key_address_burst = 3;
  options.key_address_refill_interval_ms = 6000;
  AuthRateLimiter limiter(options);
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST(!limiter.RetryAfter("k", "192.0.2.1").has_value());
    limiter.RecordFailure("k", "192.0.2.1");
  }
  auto wait = limiter.RetryAfter("k", "192.0.2.1");
  BOOST_REQUIRE(wait.has_value());
  BOOST_TEST(*wait == 6);
  now += 3000;
  BOOST_TEST(*limiter.RetryAfter("k", "192.0.2.1") == 3);
  now += 3000;
  BOOST_TEST(!limiter.RetryAfter("k", "192.0.2.1").has_value());
  // Another key from the same address, and the same key elsewhere, are free.
  limiter.RecordFailure("k", "192.0.2.1");
  BOOST_TEST(limiter.RetryAfter("k", "192.0.2.1").has_value());
  BOOST_TEST(!limiter.RetryAfter("other", "192.0.2.1").has_value());
  BOOST_TEST(!limiter.RetryAfter("k", "192.0.2.2").has_value());
}

BOOST_FIXTURE_TEST_CASE(an_unknown_address_is_never_limited, Fixture) {
  options.key_address_burst = 1;
  options.address_burst = 1;
  AuthRateLimiter limiter(options);
  for (int i = 0; i < 100; ++i) limiter.RecordFailure("k", "");
  BOOST_TEST(!limiter.RetryAfter("k", "").has_value());
  BOOST_TEST(limiter.Entries() == 0u);
}

BOOST_FIXTURE_TEST_CASE(memory_is_bounded_whatever_the_number_of_addresses_and_keys, Fixture) {
  options.max_entries = 100;
  AuthRateLimiter limiter(options);
  for (int i = 0; i < 10000; ++i) {
    const std::string address =
        "10." + std::to_string(i / 65536 % 256) + "." + std::to_string(i / 256 % 256) + "." +
        std::to_string(i % 256);
    limiter.RecordFailure(std::string(10000, 'k') + std::to_string(i), address);
  }
  BOOST_TEST(limiter.Entries() <= 200u);
}

BOOST_FIXTURE_TEST_CASE(the_least_recently_failing_bucket_is_dropped_first, Fixture) {
  options.max_entries = 2;
  options.address_burst = 1;
  AuthRateLimiter limiter(options);
  limiter.RecordFailure("k", "192.0.2.1");
  now += 1;
  limiter.RecordFailure("k", "192.0.2.2");
  now += 1;
  limiter.RecordFailure("k", "192.0.2.1");  // .1 is the most recent again
  now += 1;
  limiter.RecordFailure("k", "192.0.2.3");  // drops .2
  BOOST_TEST(limiter.RetryAfter("x", "192.0.2.1").has_value());
  BOOST_TEST(!limiter.RetryAfter("x", "192.0.2.2").has_value());
  BOOST_TEST(limiter.RetryAfter("x", "192.0.2.3").has_value());
}

BOOST_AUTO_TEST_CASE(ipv6_addresses_count_by_their_64_and_mapped_ipv4_as_ipv4) {
  BOOST_TEST(AuthRateLimiter::AddressBucket("2001:db8:1:2:aaaa::1") ==
             AuthRateLimiter::AddressBucket("2001:db8:1:2:bbbb::2"));
  BOOST_TEST(AuthRateLimiter::AddressBucket("2001:db8:1:2::1") !=
             AuthRateLimiter::AddressBucket("2001:db8:1:3::1"));
  BOOST_TEST(AuthRateLimiter::AddressBucket("::ffff:192.0.2.1") == "192.0.2.1");
  BOOST_TEST(AuthRateLimiter::AddressBucket("192.0.2.1") == "192.0.2.1");
}
