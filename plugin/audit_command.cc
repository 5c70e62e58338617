// Placeholder until the audit command lands (issue 4).
#include <iostream>

#include "plugin/commands.h"

namespace lrs::plugin {

int RunAuditCommand(const std::vector<std::string>&) {
  std::cerr << "lrs: audit is not available yet\n";
  return 1;
}

}  // namespace lrs::plugin
