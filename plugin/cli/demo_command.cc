// lrs demo: fills a new store with synthetic corporate training
// (plugin/demo/traffic.h) through the same door as the API.
//
// The door: the LrsApp `lrs serve` runs, handed POST /xapi/statements
// requests in process, each a batch of 100 with HTTP Basic credentials of
// role lms, exactly as the server hands them over after reading a socket. So
// authentication, scopes, validation, scrubbing by the manifest, pseudonyms,
// sealing, consent and the analytics facts all apply, and nothing here can
// drift from what an LMS gets; only the socket is skipped, which would cost
// time and prove nothing more (the e2e tests drive the socket).
//
// The credential is made for the fill and revoked after it (both audited):
// its secret never leaves this process, so nothing outlives the command.
// Several threads post at once, as an LMS's connections do: the writer groups
// their batches into one transaction, and which statement is stored first
// changes nothing an analyst sees (a fact keeps its earliest timestamp,
// storage/analytics_facts.h). The statements themselves are fixed by the seed.
//
// A store that already holds a statement is refused: the demo is for a new
// store (its credentials may exist), and a second fill would only add a
// second organisation.

#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "anonymizer/random_source.h"
#include "plugin/app/data_dir_lock.h"
#include "plugin/app/lrs_app.h"
#include "plugin/app/manifest.h"
#include "plugin/app/store_binding.h"
#include "plugin/auth/credentials.h"
#include "plugin/auth/scopes.h"
#include "plugin/auth/secret_hash.h"
#include "plugin/cli/cli_args.h"
#include "plugin/cli/commands.h"
#include "plugin/demo/statements.h"
#include "plugin/demo/traffic.h"
#include "plugin/privacy/audit_trail.h"
#include "storage/audit_log.h"
#include "storage/credential_store.h"
#include "storage/private_files.h"
#include "storage/statement_writer.h"

namespace lrs::plugin {
namespace {

constexpr char kDemoUsage[] =
    "usage: lrs demo [--data DIR] [--learners 2000] [--days 90] [--seed N]\n"
    "                [--manifest FILE]\n"
    "\n"
    "Fills a new store with synthetic corporate training: 8 courses of lessons and\n"
    "quizzes (cmi5 statements: launched, initialized, answered, completed, passed\n"
    "or failed, terminated, satisfied), with prerequisites, drop-off, scores and\n"
    "durations, for learners in departments, roles and sites of very different\n"
    "sizes (context extensions https://lrs.example/extensions/department, role,\n"
    "site). About 50 statements per learner, timestamps over the last DAYS days.\n"
    "The statements go through the same door as the API (validation, scrubbing,\n"
    "pseudonyms, consent), posted in batches of 100 with an lms credential made\n"
    "for the fill and revoked after it; about 1 learner in 100 has withdrawn\n"
    "consent for analytics first (stored, counted in no table). The same seed on\n"
    "the same day gives the same statements (those up to now); on another day,\n"
    "the same moved by whole days.\n"
    "Refuses a store that already holds statements, or one a server is using.\n"
    "\n"
    "  --data DIR       data directory to create (default var/data)\n"
    "  --learners N     learners (default 2000; 20000 make about 1,000,000 statements)\n"
    "  --days N         days of traffic, ending now (default 90)\n"
    "  --seed N         seed of the synthetic organisation and traffic (default 1)\n"
    "  --manifest FILE  data manifest (default manifests/default.json)\n"
    "\n"
    "A progress bar on stderr when it is a terminal; then one line on stdout:\n"
    "  lrs: demo: N statements, N learners, S seconds\n";

constexpr size_t kBatch = 100;  // statements per request: what an LMS batches
constexpr int kMaxLearners = 1'000'000;
constexpr int kMaxDays = 3650;

bool ParseCount(const std::optional<std::string>& text, int max, int& out) {
  if (!text) return true;
  if (text->empty() || text->size() > 9 || text->find_first_not_of("0123456789") != std::string::npos)
    return false;
  out = std::stoi(*text);
  return out >= 1 && out <= max;
}

bool ParseSeed(const std::optional<std::string>& text, uint64_t& out) {
  if (!text) return true;
  if (text->empty() || text->size() > 19 || text->find_first_not_of("0123456789") != std::string::npos)
    return false;
  out = std::stoull(*text);
  return true;
}

// "[#########...........]  45%  450000/1000000 statements  12 s", redrawn in place.
void DrawProgress(size_t done, size_t total, double seconds) {
  constexpr int kWidth = 30;
  const double share = total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
  const int filled = static_cast<int>(share * kWidth);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '.');
  std::fprintf(stderr, "\r[%s] %3d%%  %zu/%zu statements  %.0f s ", bar.c_str(),
               static_cast<int>(share * 100), done, total, seconds);
  std::fflush(stderr);
}

// The fill's credential: made before the app opens, as `lrs credentials add`
// would, and revoked once the last batch is stored.
class FillCredential {
 public:
  static Result<FillCredential> Create(const DataPaths& paths) {
    auto keys = LoadStoreKeys(paths, *anonymizer::SystemRandom());
    if (!keys.ok()) return keys.error();
    auto store = storage::CredentialStore::Open(paths.statement_db);
    if (!store.ok()) return store.error();
    auto created = CreateCredential(**store, SecretHasher::FromKeys(*keys), "lms", "demo fill",
                                    ScopeSet::All(), *anonymizer::SystemRandom());
    if (!created.ok()) return created.error();
    FillCredential credential;
    credential.paths_ = paths;
    credential.store_ = std::move(*store);
    credential.value_ = std::move(*created);
    if (MaybeError error = credential.Audit("credentials.create")) return *error;
    return credential;
  }

  std::string BasicAuth() const;
  const std::string& key() const { return value_.key; }

  MaybeError Revoke() {
    if (MaybeError error = Audit("credentials.revoke")) return error;
    return RevokeCredential(*store_, value_.key);
  }

 private:
  MaybeError Audit(const char* action) {
    auto audit = storage::AuditLog::Open(paths_.statement_db, paths_.key_store);
    if (!audit.ok()) return audit.error();
    AuditDetail detail;
    detail.Name("credential", value_.key);
    if (std::string(action) == "credentials.create") detail.Name("role", "lms");
    auto recorded = (*audit)->Append(
        storage::NewAuditEntry{"lrs", "system", action, "administration", detail.ToJson(), {}});
    if (!recorded.ok()) return recorded.error();
    return std::nullopt;
  }

  DataPaths paths_;
  std::unique_ptr<storage::CredentialStore> store_;
  NewCredential value_;
};

// HTTP Basic (RFC 7617): base64 of "key:secret", as an LMS sends it.
std::string Base64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string FillCredential::BasicAuth() const { return "Basic " + Base64(value_.key + ":" + value_.secret); }

}  // namespace

int RunDemoCommand(const std::vector<std::string>& args) {
  auto parsed =
      ParseCliArgs(args, {"--data", "--learners", "--days", "--seed", "--manifest"}, {"--help"});
  if (!parsed.ok()) return ReportUsageError("demo", parsed.error().message);
  if (parsed->Has("--help")) {
    std::cout << kDemoUsage;
    return 0;
  }
  demo::TrafficOptions traffic_options;
  if (!ParseCount(parsed->Value("--learners"), kMaxLearners, traffic_options.learners))
    return ReportUsageError("demo", "--learners must be 1 to 1000000");
  if (!ParseCount(parsed->Value("--days"), kMaxDays, traffic_options.days))
    return ReportUsageError("demo", "--days must be 1 to 3650");
  if (!ParseSeed(parsed->Value("--seed"), traffic_options.seed))
    return ReportUsageError("demo", "--seed must be a non-negative integer");

  AppOptions app;
  app.data_dir = parsed->Value("--data").value_or(app.data_dir);
  app.manifest_path = parsed->Value("--manifest").value_or(app.manifest_path);
  auto manifest = LoadManifest(app.manifest_path);
  if (!manifest.ok()) return ReportFailure("demo", manifest.error());
  const DataPaths paths = ResolveDataPaths(app.data_dir, manifest->key_file);
  if (MaybeError error = storage::CreatePrivateDirectory(paths.data_dir))
    return ReportFailure("demo", *error);
  auto lock = DataDirLock::Acquire(paths.data_dir);
  if (!lock.ok()) return ReportFailure("demo", lock.error());

  const auto started = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  constexpr int64_t kDayUs = 86'400'000'000;
  traffic_options.now_us = storage::SystemClockMicros();
  traffic_options.end_us = (traffic_options.now_us / kDayUs + 1) * kDayUs;
  const demo::Traffic traffic = demo::GenerateTraffic(traffic_options);

  // The app's own log lines (an epoch built, a retention pass) are for a
  // server's log; the demo's stdout is its one summary line. Restored before it.
  std::streambuf* const stdout_buffer = std::cout.rdbuf(nullptr);
  struct RestoreStdout {
    std::streambuf* buffer;
    ~RestoreStdout() {
      std::cout.rdbuf(buffer);
      std::cout.clear();
    }
  } restore_stdout{stdout_buffer};
  auto credential = FillCredential::Create(paths);
  if (!credential.ok()) return ReportFailure("demo", credential.error());
  auto opened = LrsApp::Open(app);
  if (!opened.ok()) {
    (void)credential->Revoke();  // the error to report is the one that stopped us
    return ReportFailure("demo", opened.error());
  }
  LrsApp& lrs = **opened;
  const std::string authorization = credential->BasicAuth();
  auto request_to = [&](const char* method, const char* path) {
    HttpRequest request;
    request.method = method;
    request.path = path;
    request.headers["Authorization"] = authorization;
    request.headers["X-Experience-API-Version"] = "1.0.3";
    request.headers["Content-Type"] = "application/json";
    request.remote_address = "127.0.0.1";
    return request;
  };
  {
    // Asked through the door too: does the store hold any statement yet?
    HttpRequest probe = request_to("GET", "/xapi/statements");
    probe.query = {{"limit", "1"}};
    const HttpResponse answer = lrs.Handle(probe);
    if (answer.status != 200 || answer.body.find("\"statements\":[]") == std::string::npos) {
      opened->reset();
      if (MaybeError error = credential->Revoke()) return ReportFailure("demo", *error);
      std::cerr << "lrs: demo: " << paths.data_dir
                << " already holds statements; the demo fills a new store\n";
      return 2;
    }
  }

  // Consent goes through the door as well: the LMS records the learners who
  // withdrew analytics (PUT /privacy/consent) before any of their statements.
  for (const demo::Learner& learner : traffic.learners) {
    if (!learner.withdrew_analytics) continue;
    HttpRequest withdraw = request_to("PUT", "/privacy/consent");
    withdraw.body = demo::ConsentWithdrawalJson(learner);
    const HttpResponse answer = lrs.Handle(withdraw);
    if (answer.status != 204) {
      opened->reset();
      (void)credential->Revoke();
      std::cerr << "lrs: demo: a consent withdrawal answered " << answer.status << ": "
                << answer.body.substr(0, 300) << "\n";
      return 1;
    }
  }

  const size_t total = traffic.events.size();
  const size_t batches = (total + kBatch - 1) / kBatch;
  std::atomic<size_t> next_batch{0}, stored{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::string first_error;
  auto post = [&] {
    for (;;) {
      const size_t b = next_batch.fetch_add(1);
      if (b >= batches || failed.load()) return;
      HttpRequest request = request_to("POST", "/xapi/statements");
      request.body = demo::StatementBatchJson(traffic, b * kBatch, kBatch, traffic_options.seed);
      const HttpResponse response = lrs.Handle(request);
      if (response.status != 200) {
        std::lock_guard<std::mutex> hold(error_mutex);
        if (!failed.exchange(true)) {
          // The LRS's error names the JSON path and the rule, never the input.
          first_error = "batch " + std::to_string(b) + " answered " +
                        std::to_string(response.status) + ": " + response.body.substr(0, 300);
        }
        return;
      }
      stored.fetch_add(std::min(kBatch, total - b * kBatch));
    }
  };
  // Eight posters, as bench/ingest's eight connections: while the writer
  // flushes one transaction the others' batches wait to join the next, so
  // a disk flush is shared by several batches (group commit). They mostly
  // wait, so more threads than cores cost nothing.
  constexpr unsigned threads = 8;
  std::vector<std::thread> posters;
  for (unsigned i = 0; i < threads; ++i) posters.emplace_back(post);
  const bool progress = ::isatty(STDERR_FILENO) == 1;
  if (progress) {
    while (stored.load() < total && !failed.load()) {
      DrawProgress(stored.load(), total, seconds());
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  for (std::thread& t : posters) t.join();
  if (progress) {
    DrawProgress(stored.load(), total, seconds());
    std::fputc('\n', stderr);
  }
  opened->reset();  // every batch durable before the credential goes
  if (MaybeError error = credential->Revoke()) return ReportFailure("demo", *error);
  if (failed.load()) {
    std::cerr << "lrs: demo: " << first_error << "\n";
    return 1;
  }
  std::cout.rdbuf(stdout_buffer);
  std::cout.clear();
  char line[160];
  std::snprintf(line, sizeof(line), "lrs: demo: %zu statements, %d learners, %.1f seconds",
                stored.load(), traffic_options.learners, seconds());
  std::cout << line << std::endl;
  return 0;
}

}  // namespace lrs::plugin
