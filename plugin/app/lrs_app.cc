#include "plugin/app/lrs_app.h"

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "anonymizer/pseudonymizer.h"
#include "anonymizer/random_source.h"
#include "anonymizer/address_tokens.h"
#include "plugin/analytics/analytics_config.h"
#include "plugin/analytics/analytics_routes.h"
#include "plugin/analytics/epoch_service.h"
#include "plugin/analytics/fact_records.h"
#include "plugin/resources/activities_resource.h"
#include "plugin/auth/admin_routes.h"
#include "plugin/resources/agents_resource.h"
#include "plugin/privacy/audit_routes.h"
#include "plugin/privacy/audit_trail.h"
#include "plugin/privacy/consent_registry.h"
#include "plugin/auth/credentials.h"
#include "plugin/resources/document_routes.h"
#include "plugin/http/error_response.h"
#include "plugin/keys/identity_vault.h"
#include "plugin/keys/key_file.h"
#include "plugin/keys/key_rotation.h"
#include "plugin/privacy/learner_export.h"
#include "plugin/auth/learner_token.h"
#include "plugin/app/manifest.h"
#include "plugin/web/dashboard_page.h"
#include "plugin/web/privacy_pages.h"
#include "plugin/privacy/privacy_routes.h"
#include "plugin/privacy/retention_timer.h"
#include "plugin/resources/statement_ingest.h"
#include "plugin/resources/statement_read.h"
#include "plugin/app/store_binding.h"
#include "plugin/resources/xapi_routes.h"
#include "storage/analytics_facts.h"
#include "storage/audit_log.h"
#include "storage/consent_store.h"
#include "storage/credential_store.h"
#include "storage/document_store.h"
#include "storage/key_store.h"
#include "storage/learner_data.h"
#include "storage/private_files.h"
#include "storage/statement_reader.h"
#include "storage/statement_writer.h"

namespace lrs::plugin {

std::string DefaultKeyFilePath(const std::filesystem::path& data) {
  namespace fs = std::filesystem;
  const fs::path parent = data.has_parent_path() ? data.parent_path() : fs::path(".");
  const fs::path own = parent / "keys" / (data.filename().string() + ".key");
  // Before key files were bound to one store (plugin/app/store_binding.h) every
  // data directory's default was keys/lrs.key beside it. A store made then
  // keeps finding it, and adopts it on first open; a new store gets its own.
  const fs::path legacy = parent / "keys" / "lrs.key";
  std::error_code ec;
  if (!fs::exists(own, ec) && fs::exists(legacy, ec) && fs::exists(data / "keystore.db", ec)) {
    return legacy.string();
  }
  return own.string();
}

DataPaths ResolveDataPaths(const std::string& data_dir,
                           const std::optional<std::string>& manifest_key_file) {
  namespace fs = std::filesystem;
  fs::path data = fs::path(data_dir).lexically_normal();
  if (data.filename().empty()) data = data.parent_path();
  DataPaths paths;
  paths.data_dir = data.string();
  paths.statement_db = (data / "lrs.db").string();
  paths.key_store = (data / "keystore.db").string();
  paths.key_file = manifest_key_file ? *manifest_key_file : DefaultKeyFilePath(data);
  return paths;
}

struct LrsApp::Parts {
  Manifest manifest;
  KeyMaterial keys;
  std::shared_ptr<anonymizer::RandomSource> random = anonymizer::SystemRandom();
  std::unique_ptr<anonymizer::Pseudonymizer> pseudonymizer;
  std::unique_ptr<storage::CredentialStore> credentials;
  std::unique_ptr<storage::KeyStore> key_store;
  std::unique_ptr<storage::StatementWriter> writer;
  std::unique_ptr<storage::StatementReader> reader;
  std::unique_ptr<storage::DocumentStore> document_store;
  std::unique_ptr<SecretHasher> hasher;  // credential secrets (plugin/auth/secret_hash.h)
  std::unique_ptr<Authenticator> authenticator;
  std::unique_ptr<AdminRoutes> admin;
  std::unique_ptr<IdentityVault> vault;
  std::unique_ptr<StatementIngest> ingest;
  std::unique_ptr<StatementRead> read;
  std::unique_ptr<ActivitiesResource> activities;
  std::unique_ptr<AgentsResource> agents;
  std::unique_ptr<DocumentRoutes> documents;
  std::unique_ptr<XapiRoutes> xapi;
  // Privacy (issue 4).
  std::unique_ptr<storage::ConsentStore> consent_store;
  std::unique_ptr<ConsentRegistry> consent;
  std::unique_ptr<storage::LearnerData> learner_data;
  std::unique_ptr<LearnerExport> learner_export;
  std::unique_ptr<LearnerTokens> tokens;
  std::unique_ptr<storage::TokenRevocationStore> token_revocation_store;  // issue 14
  std::unique_ptr<TokenRevocations> revocations;
  std::unique_ptr<PrivacyRoutes> privacy;
  std::unique_ptr<storage::AuditLog> audit_log;
  std::unique_ptr<AuditTrail> audit;
  std::unique_ptr<AuditRoutes> audit_routes;
  // Analytics (issue 16): the epochs read the store and consent, so they
  // stop before either goes.
  std::unique_ptr<storage::AnalyticsStore> analytics_store;
  std::unique_ptr<EpochService> epochs;
  std::unique_ptr<AnalyticsRoutes> analytics;
  // Last, so it stops first: it runs on the writer and the vault.
  std::unique_ptr<RetentionTimer> retention;
};

LrsApp::LrsApp(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
LrsApp::~LrsApp() = default;

Result<std::unique_ptr<LrsApp>> LrsApp::Open(const AppOptions& options) {
  auto parts = std::make_unique<Parts>();
  auto manifest = LoadManifest(options.manifest_path);
  if (!manifest.ok()) return manifest.error();
  parts->manifest = std::move(*manifest);

  DataPaths paths = ResolveDataPaths(options.data_dir, parts->manifest.key_file);
  if (MaybeError error = storage::CreatePrivateDirectory(paths.data_dir)) return *error;  // 0700

  // The key file belongs to this store alone (plugin/app/store_binding.h).
  auto keys = LoadStoreKeys(paths, *parts->random);
  if (!keys.ok()) return keys.error();
  parts->keys = std::move(*keys);
  parts->pseudonymizer = std::make_unique<anonymizer::Pseudonymizer>(
      parts->keys.pseudonym_key.id, parts->keys.pseudonym_key.secret,
      parts->keys.digest_key.secret);
  // Both files must be keyed with this pseudonym key (a fresh one is bound to it).
  if (MaybeError error = CheckDataKeyedWith(paths, parts->keys)) return *error;

  auto credentials = storage::CredentialStore::Open(paths.statement_db);
  if (!credentials.ok()) return credentials.error();
  parts->credentials = std::move(*credentials);
  auto key_store = storage::KeyStore::Open(paths.key_store);
  if (!key_store.ok()) return key_store.error();
  parts->key_store = std::move(*key_store);
  auto writer = storage::StatementWriter::Open(paths.statement_db, paths.key_store);
  if (!writer.ok()) return writer.error();
  parts->writer = std::move(*writer);
  auto reader = storage::StatementReader::Open(paths.statement_db);
  if (!reader.ok()) return reader.error();
  parts->reader = std::move(*reader);
  auto document_store = storage::DocumentStore::Open(paths.statement_db, paths.key_store,
                                                     parts->keys.etag_key);
  if (!document_store.ok()) return document_store.error();
  parts->document_store = std::move(*document_store);

  auto consent_store = storage::ConsentStore::Open(paths.statement_db);
  if (!consent_store.ok()) return consent_store.error();
  parts->consent_store = std::move(*consent_store);
  parts->consent = std::make_unique<ConsentRegistry>(
      ConsentPolicy{parts->manifest.consent_mode == "opt-in", parts->manifest.consent_purposes},
      *parts->consent_store);
  if (auto error = parts->consent->Load()) return *error;
  auto learner_data = storage::LearnerData::Open(paths.statement_db);
  if (!learner_data.ok()) return learner_data.error();
  parts->learner_data = std::move(*learner_data);

  parts->hasher = std::make_unique<SecretHasher>(SecretHasher::FromKeys(parts->keys));
  parts->authenticator =
      std::make_unique<Authenticator>(*parts->credentials, *parts->hasher, options.auth_limits);
  parts->vault =
      std::make_unique<IdentityVault>(parts->keys.master_key, *parts->key_store, parts->random);
  auto audit_log = storage::AuditLog::Open(paths.statement_db, paths.key_store);
  if (!audit_log.ok()) return audit_log.error();
  parts->audit_log = std::move(*audit_log);
  parts->audit = std::make_unique<AuditTrail>(*parts->audit_log, *parts->vault);
  parts->audit_routes = std::make_unique<AuditRoutes>(parts->manifest, *parts->audit);
  parts->admin = std::make_unique<AdminRoutes>(parts->manifest, *parts->authenticator,
                                               *parts->credentials, *parts->hasher,
                                               *parts->audit, *parts->random);
  IngestOptions ingest_options;
  ingest_options.max_batch = options.max_batch;
  ingest_options.authority_home_page = options.public_base_url;
  ingest_options.keep = parts->manifest.keep;
  ingest_options.max_group_members = static_cast<size_t>(parts->manifest.max_group_members);
  ingest_options.seal_identities = parts->manifest.identity == IdentityMode::kSealed;
  for (const CohortDimension& dimension : parts->manifest.cohort_dimensions) {
    ingest_options.cohort_sources.push_back(
        {dimension.source == "context.platform", dimension.extension_iri});
  }
  ConsentRegistry* consent = parts->consent.get();
  ingest_options.may_store = [consent](const std::string& actor) {
    return consent->MayStore(actor);
  };
  // One rule for who counts in analytics, at ingest (no facts) and at each
  // epoch (plugin/analytics/epoch_service.h).
  ingest_options.may_analyse = AnalyticsConsentOf(*parts->consent);
  parts->ingest = std::make_unique<StatementIngest>(
      std::move(ingest_options), *parts->pseudonymizer,
      *parts->vault, *parts->writer, parts->random);
  ReadOptions read_options;
  read_options.pseudonym_home_page = parts->manifest.pseudonym_home_page;
  read_options.cursor_key = parts->keys.cursor_key;
  parts->read = std::make_unique<StatementRead>(read_options, *parts->pseudonymizer,
                                                *parts->vault, *parts->reader);
  parts->activities =
      std::make_unique<ActivitiesResource>(*parts->reader, *parts->pseudonymizer, *parts->vault);
  parts->agents =
      std::make_unique<AgentsResource>(*parts->pseudonymizer, *parts->vault, *parts->reader);
  DocumentPrivacy document_privacy;
  document_privacy.may_store = [consent](const std::string& learner) {
    return consent->MayStore(learner);
  };
  document_privacy.seal_identities = parts->manifest.identity == IdentityMode::kSealed;
  document_privacy.identities = parts->reader.get();
  parts->documents = std::make_unique<DocumentRoutes>(parts->manifest, *parts->pseudonymizer,
                                                      *parts->vault, *parts->document_store,
                                                      *parts->audit, std::move(document_privacy));
  // A learner's own addresses in their export: the token is the variant id of
  // the address's sealed copy, which opens when it is theirs.
  storage::StatementReader* identities = parts->reader.get();
  IdentityVault* vault = parts->vault.get();
  OwnAddressLookup own_addresses = [identities, vault](const std::string& learner,
                                                   std::string_view token)
      -> std::optional<std::string> {
    auto found = identities->FindIdentities({std::string(token)});
    if (!found.ok()) return std::nullopt;
    for (const auto& identity : *found) {
      if (identity.pseudonym != learner) continue;
      auto opened = vault->Open(identity);
      if (opened.ok() && opened->has_value()) return anonymizer::AddressFromVariantJson(**opened);
    }
    return std::nullopt;
  };
  parts->learner_export = std::make_unique<LearnerExport>(
      parts->manifest.pseudonym_home_page, *parts->vault, *parts->reader, *parts->learner_data,
      *parts->consent, std::move(own_addresses));
  parts->tokens =
      std::make_unique<LearnerTokens>(parts->keys.token_key.id, parts->keys.token_seal_key);
  // Issue 14: erased learners' tokens die (plugin/auth/token_revocations.h).
  auto revocation_store = storage::TokenRevocationStore::Open(paths.statement_db);
  if (!revocation_store.ok()) return revocation_store.error();
  parts->token_revocation_store = std::move(*revocation_store);
  const anonymizer::Pseudonymizer* pseudonymizer = parts->pseudonymizer.get();
  parts->revocations = std::make_unique<TokenRevocations>(
      *parts->token_revocation_store, [pseudonymizer](const std::string& pseudonym) {
        return pseudonymizer->KeyedDigest("token-revocation", pseudonym);
      });
  if (auto error = parts->revocations->Load()) return *error;
  AuditHooks audit;
  AuditTrail* trail = parts->audit.get();
  audit.record = [trail](const Principal& who, const std::string& action,
                         const std::string& purpose, const std::string& detail_json,
                         const std::vector<std::string>& subjects) -> MaybeError {
    auto recorded = trail->Record(who, action, purpose, std::string_view(detail_json), subjects);
    if (!recorded.ok()) return recorded.error();
    return std::nullopt;
  };
  audit.about = [trail](const std::string& pseudonym, xapi::JsonValue& out,
                        xapi::JsonAllocator& alloc) -> MaybeError {
    auto entries = trail->About(pseudonym);
    if (!entries.ok()) return entries.error();
    for (const auto& entry : *entries) out.PushBack(AuditEntryJson(entry, alloc), alloc);
    return std::nullopt;
  };
  parts->privacy = std::make_unique<PrivacyRoutes>(
      PrivacyParts{parts->manifest, *parts->authenticator, *parts->tokens, *parts->pseudonymizer,
                   *parts->consent, *parts->learner_export, *parts->vault, *parts->writer,
                   *parts->random, std::move(audit), parts->revocations.get(),
                   [vault = parts->vault.get()](const std::string& pseudonym) {
                     return vault->SubjectTag(pseudonym);
                   }});
  storage::StatementWriter* writer_ptr = parts->writer.get();
  parts->xapi = std::make_unique<XapiRoutes>(
      parts->manifest, *parts->authenticator, *parts->ingest, *parts->read, *parts->activities,
      *parts->agents, *parts->documents, *parts->audit,
      [writer_ptr] { return writer_ptr->ConsistentThroughMicros(); }, parts->keys.etag_key);
  auto analytics_store = storage::OpenAnalyticsStore(
      paths.statement_db, storage::WritesOnWriterThread(*parts->writer));
  if (!analytics_store.ok()) return analytics_store.error();
  parts->analytics_store = std::move(*analytics_store);
  EpochService::Options epoch_options;
  epoch_options.config = EpochConfigOf(parts->manifest);
  epoch_options.period = std::chrono::hours(parts->manifest.analytics.epoch_hours);
  epoch_options.counts = AnalyticsConsentOf(*parts->consent);
  epoch_options.random = parts->random;
  parts->epochs = std::make_unique<EpochService>(std::move(epoch_options), *parts->analytics_store);
  parts->analytics = std::make_unique<AnalyticsRoutes>(
      AnalyticsRouteParts{parts->manifest, *parts->authenticator, *parts->tokens,
                          parts->revocations.get(), *parts->audit, *parts->epochs});
  RetentionTimer::Options retention;
  retention.analytics = parts->analytics_store.get();
  retention.roll_up = MakeRollUp(EpochConfigOf(parts->manifest));
  retention.statement_retention_days = parts->manifest.statement_retention_days;
  retention.fact_retention_days = parts->manifest.fact_retention_days;
  // A pass that deleted something is a privacy action: it is audited (counts
  // only, no subjects) as well as printed.
  TokenRevocations* revocations = parts->revocations.get();
  retention.on_pass = [trail, revocations](const Result<storage::ExpiredCounts>& pass) {
    if (auto error = revocations->Prune()) std::cerr << "lrs: " << error->message << std::endl;
    PrintRetentionPass(pass);
    if (!pass.ok() || pass->Total() == 0) return;
    auto recorded = trail->Record(Principal{"lrs", "retention timer", "system"}, "retention.purge",
                                  "retention", RetentionAuditDetail(*pass), {});
    if (!recorded.ok()) std::cerr << "lrs: audit: " << recorded.error().message << std::endl;
  };
  parts->retention = std::make_unique<RetentionTimer>(retention, *parts->writer, *parts->vault);
  return std::unique_ptr<LrsApp>(new LrsApp(std::move(parts)));
}

HttpResponse LrsApp::Handle(HttpRequest& request) {
  if (request.path == "/xapi" || request.path.rfind("/xapi/", 0) == 0) {
    return parts_->xapi->Handle(request);
  }
  // Privacy (issue 4): the public pages, then the API under /privacy/.
  const bool read = request.method == "GET" || request.method == "HEAD";
  if (request.path == "/privacy" && read) return PrivacyPage(parts_->manifest.json);
  if (request.path == "/privacy.json" && read) return PrivacyJson(parts_->manifest.json);
  if (request.path == "/me" && read) return LearnerPage();
  // Analytics (issue 16): the analysts' dashboard, which reads /analytics.
  if (IsDashboardPath(request.path) && read) return DashboardPage(request);
  if (AuditRoutes::Handles(request.path)) {
    auto caller = AuthenticateCaller(request, *parts_->authenticator, *parts_->tokens,
                                     parts_->revocations.get());
    HttpResponse response = caller.ok() ? parts_->audit_routes->Get(request, caller->principal)
                                        : ErrorResponse(caller.error());
    response.headers["Cache-Control"] = "no-store";
    return response;
  }
  if (request.path.rfind("/privacy/", 0) == 0) return parts_->privacy->Handle(request);
  if (AnalyticsRoutes::Handles(request.path)) return parts_->analytics->Handle(request);
  if (AdminRoutes::Handles(request.path)) return parts_->admin->Handle(request);
  HttpResponse response;
  if (request.path == "/") {
    response = HttpResponse::Json(
        200, R"({"name":"lrs","xapi":"/xapi/","about":"/xapi/about"})");
  } else {
    response = ErrorResponse(MakeError(404, "routes", "", "no such page: " + request.path));
  }
  AddCorsHeaders(response);
  return response;
}

HttpResponse LrsApp::BodyTooLarge(const HttpRequest& request) {
  HttpResponse response = ErrorResponse(
      MakeError(413, "request size limit", "", "the request body is larger than this LRS accepts"));
  response.headers["X-Experience-API-Version"] = "1.0.3";
  AddCorsHeaders(response);
  return response;
}

}  // namespace lrs::plugin
