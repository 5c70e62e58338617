#include "plugin/cli/cli_args.h"

#include <iostream>

namespace lrs::plugin {

std::optional<std::string> CliArgs::Value(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> CliArgs::Values(const std::string& name) const {
  auto it = all_values.find(name);
  return it == all_values.end() ? std::vector<std::string>() : it->second;
}

Result<CliArgs> ParseCliArgs(const std::vector<std::string>& args,
                             const std::set<std::string>& value_flags,
                             const std::set<std::string>& switch_flags) {
  CliArgs parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::optional<std::string> value;
    if (size_t eq = name.find('='); name.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (switch_flags.count(name) && !value) {
      parsed.switches.insert(name);
    } else if (value_flags.count(name)) {
      if (!value) {
        if (i + 1 >= args.size()) return MakeError(2, "usage", name, name + " needs a value");
        value = args[++i];
      }
      parsed.values[name] = *value;
      parsed.all_values[name].push_back(*value);
    } else {
      return MakeError(2, "usage", name, "unknown option " + name);
    }
  }
  return parsed;
}

int ReportUsageError(const std::string& command, const std::string& message) {
  std::cerr << "lrs: " << message << " (see 'lrs " << command.substr(0, command.find(' '))
            << " --help')\n";
  return 2;
}

int ReportFailure(const std::string& command, const Error& error) {
  std::cerr << "lrs: " << command << ": " << error.message << "\n";
  return error.status >= 500 ? 1 : 2;
}

}  // namespace lrs::plugin
