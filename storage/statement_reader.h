#pragma once
// Reads statements and sealed identities (DESIGN.md, Storage).
//
// Paging invariant: a query is pinned to a snapshot, the highest insertion
// sequence number committed when its first page was read. Later pages carry
// that snapshot and the last sequence number seen, so statements inserted
// while a client pages never shift, repeat or skip results.
//
// Thread safety: all methods may be called concurrently; each call borrows a
// read connection from an internal pool (WAL lets readers run beside the writer).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/statement_record.h"
#include "xapi/result.h"

namespace lrs::storage {

class ReadPool;

struct StatementFilter {
  std::optional<std::string> agent_pseudonym;
  bool related_agents = false;  // match any AgentRole, not only kActorOrObject
  std::optional<std::string> verb_id;
  std::optional<std::string> activity_id;
  bool related_activities = false;  // match any ActivityRole, not only kObject
  std::optional<std::string> registration;
  std::optional<int64_t> since_us;  // stored > since (exclusive)
  std::optional<int64_t> until_us;  // stored <= until
  bool ascending = false;           // default: newest first
  int limit = 100;                  // >= 1; the caller caps it

  // Paging state (from the `more` cursor). 0 = first page.
  int64_t snapshot_seq = 0;  // only seq <= snapshot_seq; 0 = current maximum
  int64_t after_seq = 0;     // continue after this seq in paging order; 0 = start

  // statements/read/mine: only statements stored under this credential key.
  // Not a target filter: StatementRefs do not inherit it, and it is not kept
  // in a `more` cursor (the caller sets it on every page from its scopes).
  std::optional<std::string> credential;
};

struct StatementPage {
  std::vector<StoredStatement> statements;
  bool has_more = false;     // another page exists
  int64_t snapshot_seq = 0;  // the snapshot this page was read at
};

class StatementReader {
 public:
  static Result<std::unique_ptr<StatementReader>> Open(const std::string& statement_db_path);
  ~StatementReader();

  // The statement with this id, voided or not; nullopt when unknown, or when
  // `credential` is given and the statement was stored under another one.
  Result<std::optional<StoredStatement>> FindById(
      const std::string& id, const std::optional<std::string>& credential = std::nullopt);

  // Statements matching every given filter, voided ones excluded. A statement
  // whose object is a StatementRef also matches when its target matches the
  // non-time filters (Communication 2.1.3, "Filter Conditions for
  // StatementRefs"), recursively; since/until apply to the referring one.
  Result<StatementPage> Query(const StatementFilter& filter);

  // The sealed identities with these variant ids (missing ones are skipped).
  Result<std::vector<SealedIdentity>> FindIdentities(const std::vector<std::string>& variant_ids);

  // The sealed identity variants stored for one pseudonym (every name and
  // IFI form a learner was met under), at most `limit` of them, in variant id
  // order. Served by the identities_by_pseudonym index.
  Result<std::vector<SealedIdentity>> FindIdentitiesByPseudonym(const std::string& pseudonym,
                                                                int limit = 1000);

  // The canonical definitions (JSON text) of these activity ids; ids without
  // one are absent from the map.
  Result<std::map<std::string, std::string>> FindActivityDefinitions(
      const std::vector<std::string>& activity_ids);

  // Every stored copy (one per owner, still sealed) of the attachment data
  // under these SHA-2 hashes (lowercase hex), in the order given; unknown
  // hashes are skipped.
  Result<std::vector<AttachmentPayload>> FindAttachments(const std::vector<std::string>& sha2s);

  // Number of stored statements (tests, benchmarks, status).
  Result<int64_t> CountStatements();

 private:
  explicit StatementReader(std::unique_ptr<ReadPool> pool);
  std::unique_ptr<ReadPool> pool_;
};

}  // namespace lrs::storage
