#pragma once
// API credentials (HTTP Basic key and secret). Only a slow-KDF hash of the
// secret is kept (the plugin's auth code derives it); the secret itself is
// shown once, when created, and never stored.
//
// Thread safety: all methods may be called concurrently.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "xapi/result.h"

namespace lrs::storage {

class Database;

struct CredentialRecord {
  std::string key;          // public part of the Basic credential
  std::string name;         // what it is for, e.g. "moodle"
  std::string role;         // "lms" | "analyst" | "admin"
  std::string salt;         // binary
  std::string secret_hash;  // binary KDF output
  int64_t iterations = 0;   // KDF work factor used
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
  Result<int64_t> Count();

 private:
  explicit CredentialStore(std::unique_ptr<Database> db);
  std::mutex mutex_;
  std::unique_ptr<Database> db_;
};

}  // namespace lrs::storage
