// Placeholder until the keys command lands (issue 4).
#include <iostream>

#include "plugin/commands.h"

namespace lrs::plugin {

int RunKeysCommand(const std::vector<std::string>&) {
  std::cerr << "lrs: keys is not available yet\n";
  return 1;
}

}  // namespace lrs::plugin
