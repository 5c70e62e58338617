#define BOOST_TEST_MODULE plugin_cli_args
#include <boost/test/unit_test.hpp>

#include "plugin/cli/cli_args.h"

using lrs::plugin::ParseCliArgs;

BOOST_AUTO_TEST_CASE(accepts_space_and_equals_forms) {
  auto parsed = ParseCliArgs({"--listen", "127.0.0.1:1", "--data=/tmp/x", "--json"},
                             {"--listen", "--data"}, {"--json"});
  BOOST_REQUIRE(parsed.ok());
  BOOST_TEST(*parsed->Value("--listen") == "127.0.0.1:1");
  BOOST_TEST(*parsed->Value("--data") == "/tmp/x");
  BOOST_TEST(parsed->Has("--json"));
}

BOOST_AUTO_TEST_CASE(rejects_unknown_flag_naming_it) {
  auto parsed = ParseCliArgs({"--lisen", "x"}, {"--listen"}, {});
  BOOST_REQUIRE(!parsed.ok());
  BOOST_TEST(parsed.error().message.find("--lisen") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(rejects_flag_without_value) {
  BOOST_TEST(!ParseCliArgs({"--data"}, {"--data"}, {}).ok());
}
