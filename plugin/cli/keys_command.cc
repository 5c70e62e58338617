// lrs keys rotate: the command line around plugin/keys/key_rotation.h.
#include <filesystem>
#include <iostream>

#include "anonymizer/random_source.h"
#include "plugin/cli/cli_args.h"
#include "plugin/cli/commands.h"
#include "plugin/app/data_dir_lock.h"
#include "plugin/keys/key_rotation.h"
#include "plugin/app/lrs_app.h"
#include "plugin/app/manifest.h"

namespace lrs::plugin {
namespace {

constexpr char kKeysUsage[] =
    "usage: lrs keys rotate [--data DIR] [--manifest FILE]\n"
    "\n"
    "Replaces the pseudonym, master and token keys with new ones: every stored\n"
    "pseudonym is re-keyed and every learner data key wrapped anew, without\n"
    "opening any identity; then the old keys are destroyed. Learner tokens and\n"
    "'more' links issued before stop working. Stop the server first (rotation\n"
    "takes the data directory's lock). If a rotation is interrupted, the server\n"
    "refuses to start until 'lrs keys rotate' is run again to finish it.\n"
    "\n"
    "  --data DIR       data directory (default var/data)\n"
    "  --manifest FILE  data manifest (default manifests/default.json), for its key file\n";

int Rotate(const std::vector<std::string>& args) {
  auto parsed = ParseCliArgs(args, {"--data", "--manifest"}, {"--help"});
  if (!parsed.ok()) return ReportUsageError("keys rotate", parsed.error().message);
  if (parsed->Has("--help")) {
    std::cout << kKeysUsage;
    return 0;
  }
  auto manifest = LoadManifest(parsed->Value("--manifest").value_or("manifests/default.json"));
  if (!manifest.ok()) return ReportFailure("keys rotate", manifest.error());
  DataPaths paths =
      ResolveDataPaths(parsed->Value("--data").value_or("var/data"), manifest->key_file);

  std::error_code ec;
  if (!std::filesystem::is_directory(paths.data_dir, ec)) {
    return ReportFailure("keys rotate",
                         MakeError(400, "data directory", paths.data_dir,
                                   "there is no data directory at " + paths.data_dir));
  }
  auto lock = DataDirLock::Acquire(paths.data_dir);
  if (!lock.ok()) return ReportFailure("keys rotate", lock.error());
  auto report = RotateKeys(paths, *anonymizer::SystemRandom());
  if (!report.ok()) return ReportFailure("keys rotate", report.error());

  std::cout << "lrs: keys rotated" << (report->resumed ? " (an unfinished rotation finished)" : "")
            << ": pseudonym key " << report->to_pseudonym_key_id << ", master key "
            << report->to_master_key_id << "\n"
            << "  statements re-keyed: " << report->statement_db.statements
            << ", pseudonyms: " << report->statement_db.pseudonyms
            << ", data keys re-wrapped: " << report->key_store.data_keys << ", left as they were: "
            << report->statement_db.left_as_is + report->key_store.left_as_is << "\n"
            << "  the old keys are destroyed" << std::endl;
  return 0;
}

}  // namespace

int RunKeysCommand(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << kKeysUsage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] != "rotate")
    return ReportUsageError("keys rotate", "unknown keys command " + args[0]);
  return Rotate({args.begin() + 1, args.end()});
}

}  // namespace lrs::plugin
