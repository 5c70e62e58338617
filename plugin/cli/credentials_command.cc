// lrs credentials add | list | revoke KEY | rotate KEY: the command line
// around plugin/auth/credentials.h. The server may be running: these share lrs.db
// with it (no data directory lock), and a revoked or rotated secret fails on
// its next request (plugin/auth/credentials.h, invariant 2). Creation, revocation
// and rotation are recorded in the audit trail (actor "lrs", role "system",
// purpose "administration"; the key, never a secret).
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "anonymizer/random_source.h"
#include "plugin/auth/admin_routes.h"
#include "plugin/cli/cli_args.h"
#include "plugin/cli/commands.h"
#include "plugin/auth/credentials.h"
#include "plugin/keys/key_file.h"
#include "plugin/app/lrs_app.h"
#include "plugin/app/manifest.h"
#include "plugin/app/store_binding.h"
#include "storage/audit_log.h"
#include "storage/credential_store.h"
#include "storage/private_files.h"
#include "xapi/json.h"
#include "xapi/timestamp.h"

namespace lrs::plugin {
namespace {

constexpr char kUsage[] =
    "usage: lrs credentials add --role lms|analyst|admin --name NAME [--scope S]...\n"
    "                           [--data DIR] [--json]\n"
    "       lrs credentials list [--data DIR] [--json]\n"
    "       lrs credentials revoke KEY [--data DIR]\n"
    "       lrs credentials rotate KEY [--data DIR] [--json]\n"
    "\n"
    "add creates a credential and prints its key and secret once; rotate gives a\n"
    "key a new secret, printed once (the old one stops working at once); revoke\n"
    "deletes a credential (its next request fails); list prints key, role, name,\n"
    "scopes and creation time, never a secret. Only a keyed hash of each secret\n"
    "is stored. The server may keep running.\n"
    "\n"
    "  --role ROLE      lms (write and read statements), analyst (aggregates only),\n"
    "                   admin (manages the LRS)\n"
    "  --name NAME      what the credential is for, e.g. moodle\n"
    "  --scope S        xAPI scopes (Communication 4.2), repeatable or comma-separated:\n"
    "                   statements/write, statements/read/mine, statements/read, state,\n"
    "                   define, profile, all/read, all (default all)\n"
    "  --data DIR       data directory (default var/data)\n"
    "  --manifest FILE  data manifest (default manifests/default.json), for its key file\n"
    "  --json           add, rotate: exactly one JSON object {\"key\": ..., \"secret\": ...};\n"
    "                   list: {\"credentials\": [...]}\n";

struct Opened {
  DataPaths paths;
  std::unique_ptr<storage::CredentialStore> store;
};

// The data paths and the credential store; the key file only when `keys`
// is given, bound to the store (plugin/app/store_binding.h). `add` creates the
// directory and the key file with the first credential, so that a data
// directory never exists without the keys that protect it.
Result<Opened> Open(const CliArgs& args, bool create, KeyMaterial* keys) {
  auto manifest = LoadManifest(args.Value("--manifest").value_or("manifests/default.json"));
  if (!manifest.ok()) return manifest.error();
  Opened opened;
  opened.paths = ResolveDataPaths(args.Value("--data").value_or("var/data"), manifest->key_file);
  if (create) {
    if (MaybeError error = storage::CreatePrivateDirectory(opened.paths.data_dir)) return *error;
  } else if (!std::filesystem::is_directory(opened.paths.data_dir)) {
    return MakeError(400, "data directory", opened.paths.data_dir,
                     "there is no data directory at " + opened.paths.data_dir);
  }
  if (keys != nullptr) {
    if (!create && !std::filesystem::exists(opened.paths.key_file)) {
      return MakeError(400, "key file", opened.paths.key_file,
                       "there is no key file at " + opened.paths.key_file);
    }
    auto loaded = LoadStoreKeys(opened.paths, *anonymizer::SystemRandom());
    if (!loaded.ok()) return loaded.error();
    *keys = std::move(*loaded);
  }
  auto store = storage::CredentialStore::Open(opened.paths.statement_db);
  if (!store.ok()) return store.error();
  opened.store = std::move(*store);
  return opened;
}

MaybeError AuditCli(const DataPaths& paths, const char* action, const AuditDetail& detail) {
  auto audit = storage::AuditLog::Open(paths.statement_db, paths.key_store);
  if (!audit.ok()) return audit.error();
  auto recorded = (*audit)->Append(
      storage::NewAuditEntry{"lrs", "system", action, "administration", detail.ToJson(), {}});
  if (!recorded.ok()) return recorded.error();
  return std::nullopt;
}

// The one JSON object `lrs credentials add --json` has always printed.
void PrintSecretJson(const NewCredential& credential) {
  std::cout << "{\"key\": \"" << credential.key << "\", \"secret\": \"" << credential.secret
            << "\"}" << std::endl;
}

int Add(const std::vector<std::string>& args) {
  auto parsed = ParseCliArgs(args, {"--role", "--name", "--data", "--manifest", "--scope"},
                             {"--json", "--help"});
  if (!parsed.ok()) return ReportUsageError("credentials add", parsed.error().message);
  if (parsed->Has("--help")) {
    std::cout << kUsage;
    return 0;
  }
  auto role = parsed->Value("--role");
  auto name = parsed->Value("--name");
  if (!role) return ReportUsageError("credentials add", "--role is required");
  if (!name) return ReportUsageError("credentials add", "--name is required");
  if (!IsKnownRole(*role)) {
    return ReportUsageError("credentials add", "--role must be lms, analyst or admin");
  }
  std::vector<std::string> scope_args = parsed->Values("--scope");
  if (scope_args.empty()) scope_args.push_back("all");
  auto scopes = ScopeSet::Parse(scope_args);
  if (!scopes.ok()) return ReportUsageError("credentials add", "--scope: " + scopes.error().message);

  KeyMaterial keys;
  auto opened = Open(*parsed, true, &keys);
  if (!opened.ok()) return ReportFailure("credentials add", opened.error());
  auto random = anonymizer::SystemRandom();
  auto created = CreateCredential(*opened->store, SecretHasher::FromKeys(keys), *role, *name,
                                  *scopes, *random);
  if (!created.ok()) return ReportFailure("credentials add", created.error());
  if (auto error = AuditCli(opened->paths, "credentials.create",
                            AuditDetail()
                                .Name("role", *role)
                                .Count("scopes", static_cast<int64_t>(scopes->Names().size()))
                                .Name("credential", created->key))) {
    return ReportFailure("credentials add", *error);
  }
  if (parsed->Has("--json")) {
    PrintSecretJson(*created);
  } else {
    std::cout << "role:   " << *role << "\nname:   " << *name << "\nkey:    " << created->key
              << "\nsecret: " << created->secret
              << "\n(the secret is shown only now; only its hash is stored)" << std::endl;
  }
  return 0;
}

int List(const std::vector<std::string>& args) {
  auto parsed = ParseCliArgs(args, {"--data", "--manifest"}, {"--json", "--help"});
  if (!parsed.ok()) return ReportUsageError("credentials list", parsed.error().message);
  if (parsed->Has("--help")) {
    std::cout << kUsage;
    return 0;
  }
  auto opened = Open(*parsed, false, nullptr);
  if (!opened.ok()) return ReportFailure("credentials list", opened.error());
  auto all = opened->store->List();
  if (!all.ok()) return ReportFailure("credentials list", all.error());
  if (parsed->Has("--json")) {
    xapi::JsonDocument doc(rapidjson::kObjectType);
    xapi::JsonValue list(rapidjson::kArrayType);
    for (const auto& record : *all) {
      list.PushBack(CredentialJson(record, doc.GetAllocator()), doc.GetAllocator());
    }
    doc.AddMember("credentials", list, doc.GetAllocator());
    std::cout << xapi::ToJson(doc) << std::endl;
    return 0;
  }
  std::cout << std::left << std::setw(22) << "KEY" << std::setw(9) << "ROLE" << std::setw(26)
            << "CREATED" << std::setw(24) << "SCOPES"
            << "NAME\n";
  for (const auto& record : *all) {
    std::string scopes = record.scopes;
    for (char& c : scopes) c = c == ' ' ? ',' : c;
    std::cout << std::setw(22) << record.key << std::setw(9) << record.role << std::setw(26)
              << xapi::FormatTimestamp(record.created_us) << std::setw(24) << scopes
              << record.name << "\n";
  }
  std::cout << std::flush;
  return 0;
}

// revoke KEY / rotate KEY: the key is the first argument.
int RevokeOrRotate(const std::string& command, const std::vector<std::string>& args) {
  const std::string full = "credentials " + command;
  if (!args.empty() && args[0] == "--help") {
    std::cout << kUsage;
    return 0;
  }
  if (args.empty() || args[0].rfind("--", 0) == 0) {
    return ReportUsageError(full, "the credential KEY is required");
  }
  const std::string key = args[0];
  auto parsed = ParseCliArgs({args.begin() + 1, args.end()}, {"--data", "--manifest"},
                             command == "rotate" ? std::set<std::string>{"--json", "--help"}
                                                 : std::set<std::string>{"--help"});
  if (!parsed.ok()) return ReportUsageError(full, parsed.error().message);
  if (parsed->Has("--help")) {
    std::cout << kUsage;
    return 0;
  }
  KeyMaterial keys;
  auto opened = Open(*parsed, false, command == "rotate" ? &keys : nullptr);
  if (!opened.ok()) return ReportFailure(full, opened.error());
  auto found = opened->store->FindByKey(key);
  if (!found.ok()) return ReportFailure(full, found.error());
  if (!found->has_value()) {
    return ReportFailure(full, MakeError(404, "credentials", "", "no credential with key " + key));
  }
  if (auto error = AuditCli(opened->paths, command == "rotate" ? "credentials.rotate"
                                                               : "credentials.revoke",
                            AuditDetail().Name("credential", key))) {
    return ReportFailure(full, *error);
  }
  if (command == "revoke") {
    if (auto error = RevokeCredential(*opened->store, key)) return ReportFailure(full, *error);
    std::cout << "lrs: credential " << key << " revoked" << std::endl;
    return 0;
  }
  auto rotated =
      RotateCredential(*opened->store, SecretHasher::FromKeys(keys), key, *anonymizer::SystemRandom());
  if (!rotated.ok()) return ReportFailure(full, rotated.error());
  if (parsed->Has("--json")) {
    PrintSecretJson(*rotated);
  } else {
    std::cout << "key:    " << rotated->key << "\nsecret: " << rotated->secret
              << "\n(the secret is shown only now; the old one no longer works)" << std::endl;
  }
  return 0;
}

}  // namespace

int RunCredentialsCommand(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "add") return Add(rest);
  if (args[0] == "list") return List(rest);
  if (args[0] == "revoke" || args[0] == "rotate") return RevokeOrRotate(args[0], rest);
  return ReportUsageError("credentials", "unknown credentials command " + args[0]);
}

}  // namespace lrs::plugin
