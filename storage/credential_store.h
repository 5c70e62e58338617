#pragma once
// API credentials (HTTP Basic key and secret). Only a keyed hash of the
// secret is kept (plugin/auth/secret_hash.h derives it); the secret itself is
// shown once, when created or rotated, and never stored.
//
// Every lookup reads the row (a primary key lookup on a prepared statement,
// microseconds): a credential revoked or rotated by another connection, the
// CLI's included, fails on the very next request; nothing is cached.
//
// Thread safety: all methods may be called concurrently.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "xapi/result.h"

namespace lrs::storage {

class Database;
class Statement;

struct CredentialRecord {
  std::string key;          // public part of the Basic credential
  std::string name;         // what it is for, e.g. "moodle"
  std::string role;         // "lms" | "analyst" | "admin"
  std::string scopes = "all";  // xAPI scope names, space separated (plugin/auth/scopes.h)
  std::string salt;         // binary; empty for a keyed hash
  std::string secret_hash;  // binary
  // 0: HMAC-SHA-256 under the store's key (schema version 6 on). > 0: a
  // PBKDF2-HMAC-SHA-256 hash at that many rounds, made before version 6;
  // replaced by a keyed hash the first time its secret is presented
  // (plugin/auth/credentials.h).
  int64_t iterations = 0;
  int64_t created_us = 0;
};

class CredentialStore {
 public:
  // Opens the statement database file (credentials share it), migrating if needed.
  static Result<std::unique_ptr<CredentialStore>> Open(const std::string& statement_db_path);
  ~CredentialStore();

  // Errors: 409 when the key exists; 500 on I/O failure.
  MaybeError Add(const CredentialRecord& credential);
  Result<std::optional<CredentialRecord>> FindByKey(const std::string& key);
  // Every credential, oldest first.
  Result<std::vector<CredentialRecord>> List();
  // Deletes the row. Returns false when there was none.
  Result<bool> Remove(const std::string& key);
  // Replaces the secret's hash, when the row still holds `expected_hash`
  // (nullopt: whatever it holds). Returns false when no row was changed.
  Result<bool> ReplaceSecret(const std::string& key, const std::string& salt,
                             const std::string& secret_hash, int64_t iterations,
                             const std::optional<std::string>& expected_hash);
  Result<int64_t> Count();

 private:
  explicit CredentialStore(std::unique_ptr<Database> db);
  std::mutex mutex_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Statement> find_;  // prepared once: every request runs it
};

}  // namespace lrs::storage
