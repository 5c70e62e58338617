#pragma once
// The lrs subcommands that maintain a data directory offline, one file each.
// Each takes the arguments after its name and returns the exit status:
// 0 success, 2 usage or configuration error (one line on stderr naming it),
// 1 any other failure (for `audit verify`: a broken chain).

#include <string>
#include <vector>

namespace lrs::plugin {

int RunPurgeCommand(const std::vector<std::string>& args);  // lrs purge
int RunKeysCommand(const std::vector<std::string>& args);   // lrs keys rotate
int RunAuditCommand(const std::vector<std::string>& args);  // lrs audit verify
int RunCredentialsCommand(const std::vector<std::string>& args);  // lrs credentials ...
int RunDemoCommand(const std::vector<std::string>& args);  // lrs demo (fills a new store)

}  // namespace lrs::plugin
