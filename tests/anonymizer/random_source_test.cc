#define BOOST_TEST_MODULE anonymizer_random_source
#include "anonymizer/random_source.h"

#include <boost/test/unit_test.hpp>

#include "tests/anonymizer/fixed_sequence_random.h"

namespace lrs::anonymizer {
namespace {

BOOST_AUTO_TEST_CASE(bytes_returns_exactly_the_requested_size) {
  auto random = SystemRandom();
  for (size_t size : {0, 1, 12, 32, 4096}) BOOST_TEST(random->Bytes(size).size() == size);
}

BOOST_AUTO_TEST_CASE(system_random_draws_differ) {
  // 2^-256 chance of a false failure.
  auto random = SystemRandom();
  BOOST_TEST(random->Bytes(32) != random->Bytes(32));
}

BOOST_AUTO_TEST_CASE(system_random_is_one_shared_instance) {
  BOOST_TEST(SystemRandom().get() == SystemRandom().get());
}

BOOST_AUTO_TEST_CASE(fixed_sequence_double_replays_its_bytes_cyclically) {
  testing::FixedSequenceRandomForTests random("abc");
  BOOST_TEST(random.Bytes(4) == "abca");
  BOOST_TEST(random.Bytes(3) == "bca");
}

}  // namespace
}  // namespace lrs::anonymizer
