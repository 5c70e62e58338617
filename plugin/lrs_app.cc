#include "plugin/lrs_app.h"

#include <filesystem>

#include "anonymizer/pseudonymizer.h"
#include "anonymizer/random_source.h"
#include "plugin/activities_resource.h"
#include "plugin/agents_resource.h"
#include "plugin/credentials.h"
#include "plugin/document_routes.h"
#include "plugin/error_response.h"
#include "plugin/identity_vault.h"
#include "plugin/key_file.h"
#include "plugin/manifest.h"
#include "plugin/statement_ingest.h"
#include "plugin/statement_read.h"
#include "plugin/xapi_routes.h"
#include "storage/credential_store.h"
#include "storage/document_store.h"
#include "storage/key_store.h"
#include "storage/statement_reader.h"
#include "storage/statement_writer.h"

namespace lrs::plugin {

DataPaths ResolveDataPaths(const std::string& data_dir,
                           const std::optional<std::string>& manifest_key_file) {
  namespace fs = std::filesystem;
  fs::path data = fs::path(data_dir).lexically_normal();
  if (data.filename().empty()) data = data.parent_path();
  DataPaths paths;
  paths.data_dir = data.string();
  paths.statement_db = (data / "lrs.db").string();
  paths.key_store = (data / "keystore.db").string();
  fs::path parent = data.has_parent_path() ? data.parent_path() : fs::path(".");
  paths.key_file = manifest_key_file ? *manifest_key_file : (parent / "keys" / "lrs.key").string();
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
  std::unique_ptr<Authenticator> authenticator;
  std::unique_ptr<IdentityVault> vault;
  std::unique_ptr<StatementIngest> ingest;
  std::unique_ptr<StatementRead> read;
  std::unique_ptr<ActivitiesResource> activities;
  std::unique_ptr<AgentsResource> agents;
  std::unique_ptr<DocumentRoutes> documents;
  std::unique_ptr<XapiRoutes> xapi;
};

LrsApp::LrsApp(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
LrsApp::~LrsApp() = default;

Result<std::unique_ptr<LrsApp>> LrsApp::Open(const AppOptions& options) {
  auto parts = std::make_unique<Parts>();
  auto manifest = LoadManifest(options.manifest_path);
  if (!manifest.ok()) return manifest.error();
  parts->manifest = std::move(*manifest);

  DataPaths paths = ResolveDataPaths(options.data_dir, parts->manifest.key_file);
  std::error_code ec;
  std::filesystem::create_directories(paths.data_dir, ec);
  if (ec) return MakeError(400, "data directory", paths.data_dir, "cannot create " + paths.data_dir);

  auto keys = LoadOrCreateKeyFile(paths.key_file, *parts->random);
  if (!keys.ok()) return keys.error();
  parts->keys = std::move(*keys);
  parts->pseudonymizer = std::make_unique<anonymizer::Pseudonymizer>(
      parts->keys.pseudonym_key.id, parts->keys.pseudonym_key.secret);

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
  auto document_store = storage::DocumentStore::Open(paths.statement_db, paths.key_store);
  if (!document_store.ok()) return document_store.error();
  parts->document_store = std::move(*document_store);

  parts->authenticator = std::make_unique<Authenticator>(*parts->credentials, *parts->random);
  parts->vault =
      std::make_unique<IdentityVault>(parts->keys.master_key, *parts->key_store, parts->random);
  parts->ingest = std::make_unique<StatementIngest>(
      IngestOptions{options.max_batch, options.public_base_url}, *parts->pseudonymizer,
      *parts->vault, *parts->writer, parts->random);
  ReadOptions read_options;
  read_options.pseudonym_home_page = parts->manifest.pseudonym_home_page;
  read_options.cursor_key = parts->keys.cursor_key;
  parts->read = std::make_unique<StatementRead>(read_options, *parts->pseudonymizer,
                                                *parts->vault, *parts->reader);
  parts->activities = std::make_unique<ActivitiesResource>(*parts->reader);
  parts->agents =
      std::make_unique<AgentsResource>(*parts->pseudonymizer, *parts->vault, *parts->reader);
  parts->documents = std::make_unique<DocumentRoutes>(parts->manifest, *parts->pseudonymizer,
                                                      *parts->vault, *parts->document_store);
  storage::StatementWriter* writer_ptr = parts->writer.get();
  parts->xapi = std::make_unique<XapiRoutes>(
      parts->manifest, *parts->authenticator, *parts->ingest, *parts->read, *parts->activities,
      *parts->agents, *parts->documents,
      [writer_ptr] { return writer_ptr->ConsistentThroughMicros(); });
  return std::unique_ptr<LrsApp>(new LrsApp(std::move(parts)));
}

HttpResponse LrsApp::Handle(HttpRequest& request) {
  if (request.path == "/xapi" || request.path.rfind("/xapi/", 0) == 0) {
    return parts_->xapi->Handle(request);
  }
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
