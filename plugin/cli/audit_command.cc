// lrs audit verify: checks the audit trail's hash chain (storage/audit_log.h).
//
// It only reads, so it takes no data directory lock and may run beside
// `lrs serve`: the anchor in the key store is read before the chain, so
// entries appended meanwhile only lengthen the chain past it.

#include <filesystem>
#include <iostream>

#include "plugin/cli/cli_args.h"
#include "plugin/cli/commands.h"
#include "plugin/app/lrs_app.h"
#include "plugin/app/manifest.h"
#include "storage/audit_log.h"
#include "storage/database.h"
#include "storage/schema.h"

namespace lrs::plugin {
namespace {

constexpr char kAuditUsage[] =
    "usage: lrs audit verify [--data DIR] [--manifest FILE]\n"
    "\n"
    "Checks the audit trail's hash chain in DIR/lrs.db entry by entry, and that\n"
    "it still reaches the newest entry recorded in DIR/keystore.db (a cut-off\n"
    "tail leaves a valid chain). Prints \"audit trail intact: N entries\" and\n"
    "exits 0, or names the first broken entry and exits 1. Only reads: it may\n"
    "run while 'lrs serve' is running.\n"
    "\n"
    "  --data DIR       data directory (default var/data)\n"
    "  --manifest FILE  data manifest; checked when given (the check needs\n"
    "                   nothing from it)\n";

int Verify(const std::vector<std::string>& args) {
  auto parsed = ParseCliArgs(args, {"--data", "--manifest"}, {"--help"});
  if (!parsed.ok()) return ReportUsageError("audit verify", parsed.error().message);
  if (parsed->Has("--help")) {
    std::cout << kAuditUsage;
    return 0;
  }
  if (auto manifest_path = parsed->Value("--manifest")) {
    auto manifest = LoadManifest(*manifest_path);
    if (!manifest.ok()) return ReportFailure("audit verify", manifest.error());
  }
  const DataPaths paths =
      ResolveDataPaths(parsed->Value("--data").value_or("var/data"), std::nullopt);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(paths.statement_db, ec)) {
    std::cerr << "lrs: audit verify: no statement database at " << paths.statement_db << "\n";
    return 2;
  }

  // The anchor first (see the top of this file).
  std::optional<storage::AuditAnchor> anchor;
  const bool has_key_store = std::filesystem::is_regular_file(paths.key_store, ec);
  if (has_key_store) {
    auto keys = storage::OpenKeyStore(paths.key_store);
    if (!keys.ok()) return ReportFailure("audit verify", keys.error());
    auto read = storage::ReadAuditAnchor(**keys);
    if (!read.ok()) return ReportFailure("audit verify", read.error());
    anchor = std::move(*read);
  }
  auto db = storage::OpenStatementDatabase(paths.statement_db);
  if (!db.ok()) return ReportFailure("audit verify", db.error());
  auto verified = storage::VerifyAuditChain(**db, anchor);
  if (!verified.ok()) return ReportFailure("audit verify", verified.error());

  if (!verified->intact) {
    std::cout << "audit trail broken at entry " << verified->broken_seq << ": " << verified->problem
              << std::endl;
    return 1;
  }
  std::cout << "audit trail intact: " << verified->entries << " entries" << std::endl;
  if (!has_key_store) {
    std::cout << "(no key store at " << paths.key_store
              << ": whether the newest entries were cut off cannot be checked)" << std::endl;
  }
  return 0;
}

}  // namespace

int RunAuditCommand(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << kAuditUsage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] != "verify")
    return ReportUsageError("audit verify", "unknown audit command " + args[0]);
  return Verify({args.begin() + 1, args.end()});
}

}  // namespace lrs::plugin
