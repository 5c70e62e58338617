#pragma once
// Command-line flags: "--name value" or "--name=value", and bare switches.
// Unknown flags are errors: tools outside the project drive these commands
// and a typo must fail loudly (exit 2), never be ignored.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "xapi/result.h"

namespace lrs::plugin {

struct CliArgs {
  std::map<std::string, std::string> values;  // "--listen" -> "127.0.0.1:8080"
  std::set<std::string> switches;             // "--json", "--help"
  // Every value of each flag, in order, for flags that may repeat ("--scope").
  std::map<std::string, std::vector<std::string>> all_values;

  // The last value given.
  std::optional<std::string> Value(const std::string& name) const;
  std::vector<std::string> Values(const std::string& name) const;
  bool Has(const std::string& name) const { return switches.count(name) > 0; }
};

// `value_flags` take a value, `switch_flags` do not. Errors name the flag.
Result<CliArgs> ParseCliArgs(const std::vector<std::string>& args,
                             const std::set<std::string>& value_flags,
                             const std::set<std::string>& switch_flags);

// How a subcommand reports trouble: one line on stderr naming it, and the
// exit status (plugin/cli/commands.h). `command` is what follows "lrs ", e.g.
// "keys rotate"; the help hint names its first word.
//   "lrs: MESSAGE (see 'lrs keys --help')"  -> 2
int ReportUsageError(const std::string& command, const std::string& message);
//   "lrs: keys rotate: MESSAGE"  -> 1 for an I/O failure (5xx), 2 otherwise
int ReportFailure(const std::string& command, const Error& error);

}  // namespace lrs::plugin
