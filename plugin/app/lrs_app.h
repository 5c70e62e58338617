#pragma once
// The running LRS: opens the data directory, the key file and the manifest,
// wires the layers together and answers HTTP requests.
//
// Data directory layout (--data, default var/data):
//   lrs.db        statements, sealed identities, credentials (SQLite, WAL)
//   keystore.db   learner data keys, wrapped by the master key
// The key file lives outside it (manifest "key_file", default
// <data>/../keys/<name of the data directory>.key: each store its own, see
// plugin/app/store_binding.h), so a copy of the data directory alone opens nothing.

#include <filesystem>
#include <memory>
#include <string>

#include "plugin/auth/auth_rate_limiter.h"
#include "plugin/http/http_message.h"
#include "xapi/result.h"

namespace lrs::plugin {

struct DataPaths {
  std::string data_dir;
  std::string statement_db;  // <data>/lrs.db
  std::string key_store;     // <data>/keystore.db
  std::string key_file;
};

// <parent>/keys/<name>.key for the data directory <parent>/<name>; the
// <parent>/keys/lrs.key of earlier versions instead when that exists and
// this directory already holds a store while its own path holds nothing.
std::string DefaultKeyFilePath(const std::filesystem::path& data_dir);

// Resolves the paths; the key file comes from the manifest when it names one.
DataPaths ResolveDataPaths(const std::string& data_dir,
                           const std::optional<std::string>& manifest_key_file);

struct AppOptions {
  std::string data_dir = "var/data";
  std::string manifest_path = "manifests/default.json";
  std::string public_base_url = "http://127.0.0.1:8080";  // authority homePage
  size_t max_batch = 1000;
  RateLimitOptions auth_limits;  // failed authentication (plugin/auth/auth_rate_limiter.h)
};

class LrsApp {
 public:
  // Errors: 400 for configuration problems (manifest, key file), 500 for I/O.
  static Result<std::unique_ptr<LrsApp>> Open(const AppOptions& options);
  ~LrsApp();

  HttpResponse Handle(HttpRequest& request);
  // The 413 for a body over the server's limit, in the usual error shape.
  static HttpResponse BodyTooLarge(const HttpRequest& request);

 private:
  struct Parts;
  explicit LrsApp(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace lrs::plugin
