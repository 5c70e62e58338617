// Placeholder until the purge command lands (issue 4).
#include <iostream>

#include "plugin/commands.h"

namespace lrs::plugin {

int RunPurgeCommand(const std::vector<std::string>&) {
  std::cerr << "lrs: purge is not available yet\n";
  return 1;
}

}  // namespace lrs::plugin
