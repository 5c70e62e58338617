#include "storage/erasure.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "storage/anonymous_groups.h"
#include "storage/audit_log.h"
#include "storage/database.h"
#include "storage/statement_record.h"
#include "storage/storage_error.h"
#include "storage/token_documents.h"
#include "storage/transaction.h"
#include "xapi/activity_definition.h"
#include "xapi/attachments.h"
#include "xapi/json.h"

namespace lrs::storage {
namespace {

// Runs a DELETE bound to the pseudonym and returns how many rows went.
Result<int64_t> DeleteWhere(Database& db, const char* sql, const std::string& pseudonym) {
  auto statement = db.Prepare(sql);
  if (!statement.ok()) return statement.error();
  statement->Bind(1, pseudonym);
  if (auto error = statement->Run()) return *error;
  return static_cast<int64_t>(db.Changes());
}

using AttachmentKey = std::pair<std::string, std::string>;  // (sha2, owner)

// The attachment data that the learner's statements name and that other
// learners own (the actor of a statement owns its attachments): once those
// statements are gone, such data may be named by nothing.
Result<std::set<AttachmentKey>> OthersAttachmentsNamed(Database& db, const std::string& pseudonym) {
  auto statements = db.Prepare(
      "SELECT s.seq, s.json FROM statements s WHERE s.seq IN "
      "(SELECT seq FROM statement_agents WHERE pseudonym = ?1) "
      "AND instr(s.json, '\"attachments\"') > 0");
  auto owners = db.Prepare(
      "SELECT pseudonym FROM statement_agents WHERE seq = ?1 AND role = ?2 AND pseudonym <> ?3");
  if (!statements.ok()) return statements.error();
  if (!owners.ok()) return owners.error();
  statements->Bind(1, pseudonym);
  std::set<AttachmentKey> named;
  MaybeError owner_error;
  auto add = [&](const Statement& row) {
    const std::vector<std::string> declared = xapi::DeclaredAttachmentHashes(row.ColumnText(1));
    if (declared.empty() || owner_error) return;
    owners->Reset();
    owners->Bind(1, row.ColumnInt(0))
        .Bind(2, static_cast<int64_t>(AgentRole::kActorOrObject))
        .Bind(3, pseudonym);
    owner_error = owners->ForEachRow([&](const Statement& owner) {
      for (const std::string& sha2 : declared) named.emplace(sha2, owner.ColumnText(0));
    });
  };
  if (auto error = statements->ForEachRow(add)) return *error;
  if (owner_error) return *owner_error;
  return named;
}

// Deletes each (sha2, owner) that no remaining statement of its owner names.
Result<int64_t> DeleteUnnamedAttachments(Database& db, const std::set<AttachmentKey>& candidates) {
  auto still_named = db.Prepare(
      "SELECT 1 FROM statement_agents a JOIN statements s ON s.seq = a.seq "
      "WHERE a.pseudonym = ?1 AND a.role = ?3 AND instr(s.json, ?2) > 0 LIMIT 1");
  auto remove = db.Prepare("DELETE FROM attachments WHERE sha2 = ?1 AND owner = ?2");
  if (!still_named.ok()) return still_named.error();
  if (!remove.ok()) return remove.error();
  int64_t deleted = 0;
  for (const auto& [sha2, owner] : candidates) {
    still_named->Reset();
    still_named->Bind(1, owner).Bind(2, sha2).Bind(3,
                                                   static_cast<int64_t>(AgentRole::kActorOrObject));
    auto row = still_named->Step();
    if (!row.ok()) return row.error();
    if (*row) continue;
    remove->Bind(1, sha2).Bind(2, owner);
    if (auto error = remove->Run()) return *error;
    deleted += db.Changes();
  }
  return deleted;
}

// What the learner's statements carry besides agents: the activities they
// define and the anonymous Groups they refer to. Read before they go.
struct ErasedContent {
  std::set<std::string> defined_activities;
  std::map<std::string, std::vector<std::string>> anonymous_groups;  // pseudonym -> members
};

Result<ErasedContent> ContentOfStatementsToErase(Database& db, const std::string& pseudonym) {
  auto statements = db.Prepare(
      "SELECT json FROM statements WHERE seq IN "
      "(SELECT seq FROM statement_agents WHERE pseudonym = ?1)");
  if (!statements.ok()) return statements.error();
  statements->Bind(1, pseudonym);
  ErasedContent content;
  MaybeError error = statements->ForEachRow([&](const Statement& row) {
    const std::string json = row.ColumnText(0);
    for (AnonymousGroupRef& group : AnonymousGroupsIn(json)) {
      content.anonymous_groups.emplace(std::move(group.pseudonym), std::move(group.members));
    }
    if (json.find("\"definition\"") == std::string::npos) return;
    auto parsed = xapi::ParseJson(json);
    if (!parsed.ok()) return;
    for (auto& [activity_id, definition] : xapi::ExtractActivityDefinitions(**parsed)) {
      content.defined_activities.insert(activity_id);
    }
  });
  if (error) return *error;
  return content;
}

// The canonical definition of `activity_id` made again from the remaining
// statements, in seq order, as the writer merged them; deleted when none
// defines it any more. True when the stored row changed.
Result<bool> RebuildDefinition(Database& db, const std::string& activity_id,
                               const ErasureOptions& options) {
  auto defining = db.Prepare(
      "SELECT json FROM statements WHERE seq IN "
      "(SELECT seq FROM statement_activities WHERE activity_id = ?1) "
      "AND instr(json, '\"definition\"') > 0 ORDER BY seq");
  auto stored = db.Prepare("SELECT definition FROM activities WHERE activity_id = ?1");
  if (!defining.ok()) return defining.error();
  if (!stored.ok()) return stored.error();
  defining->Bind(1, activity_id);
  std::optional<std::string> merged;
  MaybeError error = defining->ForEachRow([&](const Statement& row) {
    auto parsed = xapi::ParseJson(row.ColumnText(0));
    if (!parsed.ok()) return;
    for (const auto& [id, definition] : xapi::ExtractActivityDefinitions(**parsed)) {
      if (id != activity_id) continue;
      const std::string canonical =
          options.canonical_definition ? options.canonical_definition(definition) : definition;
      merged = merged ? xapi::MergeActivityDefinitionJson(*merged, canonical) : canonical;
    }
  });
  if (error) return *error;
  stored->Bind(1, activity_id);
  auto found = stored->Step();
  if (!found.ok()) return found.error();
  if (!*found) return false;  // never had one
  const std::string before = stored->ColumnText(0);
  stored->Reset();
  if (merged && *merged == before) return false;
  auto write = merged ? db.Prepare("UPDATE activities SET definition = ?2 WHERE activity_id = ?1")
                      : db.Prepare("DELETE FROM activities WHERE activity_id = ?1");
  if (!write.ok()) return write.error();
  write->Bind(1, activity_id);
  if (merged) write->Bind(2, *merged);
  if (auto failed = write->Run()) return *failed;
  return true;
}

// Whether anything that stays still refers to the anonymous Group: a
// remaining statement (found through one member's statements: every
// statement that refers to the group mentions its members), or a document.
// A group the erased learner is a member of can have no remaining statement.
// Unsure (no member known): referred to, the safe side.
Result<bool> GroupStillReferred(Database& db, const std::string& group,
                                const std::vector<std::string>& members,
                                const std::string& erased) {
  auto mentioned = db.Prepare("SELECT 1 FROM statement_agents WHERE pseudonym = ?1 LIMIT 1");
  auto document = db.Prepare("SELECT 1 FROM documents WHERE agent_pseudonym = ?1 LIMIT 1");
  auto through_member = db.Prepare(
      "SELECT 1 FROM statement_agents a JOIN statements s ON s.seq = a.seq "
      "WHERE a.pseudonym = ?1 AND instr(s.json, ?2) > 0 LIMIT 1");
  for (auto* s : {&mentioned, &document, &through_member}) {
    if (!s->ok()) return s->error();
  }
  // Someone's own pseudonym (a mention) is no anonymous Group: never ours to judge.
  mentioned->Bind(1, group);
  auto is_mention = mentioned->Step();
  if (!is_mention.ok()) return is_mention.error();
  if (*is_mention) return true;
  document->Bind(1, group);
  auto owns = document->Step();
  if (!owns.ok()) return owns.error();
  if (*owns) return true;
  if (members.empty()) return true;
  if (std::find(members.begin(), members.end(), erased) != members.end()) return false;
  through_member->Bind(1, members.front()).Bind(2, group);
  return through_member->Step();
}

}  // namespace

Result<ErasureCounts> EraseLearner(Database& db, Database& keys, const std::string& pseudonym,
                                   const ErasureOptions& options) {
  // '' is the agent of every Activity Profile: erasing by it would delete them all.
  if (pseudonym.empty()) return StorageError("erasure: no pseudonym given");
  ErasureCounts counts;
  {
    auto tx = Transaction::Begin(db, Transaction::Mode::kImmediate);
    if (!tx.ok()) return tx.error();
    auto others_attachments = OthersAttachmentsNamed(db, pseudonym);
    if (!others_attachments.ok()) return others_attachments.error();
    auto content = ContentOfStatementsToErase(db, pseudonym);
    if (!content.ok()) return content.error();
    struct Step {
      const char* sql;
      int64_t* count;
    };
    const Step steps[] = {
        {"DELETE FROM statements WHERE seq IN "
         "(SELECT seq FROM statement_agents WHERE pseudonym = ?1)",
         &counts.statements},
        {"DELETE FROM identities WHERE pseudonym = ?1", &counts.identities},
        {"DELETE FROM documents WHERE agent_pseudonym = ?1", &counts.documents},
        {"DELETE FROM attachments WHERE owner = ?1", &counts.attachments},
        {"DELETE FROM learner_facts WHERE pseudonym = ?1", &counts.facts},
        // Their analytics facts too (counted with the facts); roll-ups hold
        // no pseudonym, so nothing there is theirs any more.
        {"DELETE FROM analytics_facts WHERE pseudonym = ?1", &counts.facts},
        {"DELETE FROM consent_events WHERE pseudonym = ?1", &counts.consent_events},
    };
    // Before their identities go: others' documents that name them by one of
    // their address tokens (storage/token_documents.h), as a statement would.
    auto variants = db.Prepare("SELECT variant_id FROM identities WHERE pseudonym = ?1");
    if (!variants.ok()) return variants.error();
    variants->Bind(1, pseudonym);
    std::vector<std::string> tokens;
    MaybeError listed = variants->ForEachRow([&](const Statement& row) {
      std::string variant_id = row.ColumnText(0);
      if (IsAddressTokenVariant(variant_id)) tokens.push_back(std::move(variant_id));
    });
    if (listed) return *listed;
    for (const std::string& token : tokens) {
      auto deleted = DeleteDocumentsNamingToken(db, token);
      if (!deleted.ok()) return deleted.error();
      counts.documents += *deleted;
    }
    for (const Step& step : steps) {
      auto deleted = DeleteWhere(db, step.sql, pseudonym);
      if (!deleted.ok()) return deleted.error();
      *step.count += *deleted;
    }
    auto orphaned = DeleteUnnamedAttachments(db, *others_attachments);
    if (!orphaned.ok()) return orphaned.error();
    counts.attachments += *orphaned;

    if (!options.tombstone_purposes_json.empty()) {
      auto tombstone = db.Prepare(
          "INSERT INTO consent_events (pseudonym, state, purposes, actor, at_us) "
          "VALUES (?1, 'withdrawn', ?2, 'erasure', 0)");
      if (!tombstone.ok()) return tombstone.error();
      tombstone->Bind(1, pseudonym).Bind(2, options.tombstone_purposes_json);
      if (auto error = tombstone->Run()) return *error;
      counts.consent_tombstone = true;
    }
    for (const std::string& activity_id : content->defined_activities) {
      auto changed = RebuildDefinition(db, activity_id, options);
      if (!changed.ok()) return changed.error();
      counts.activity_definitions += *changed ? 1 : 0;
    }
    for (const auto& [group, members] : content->anonymous_groups) {
      auto referred = GroupStillReferred(db, group, members, pseudonym);
      if (!referred.ok()) return referred.error();
      if (*referred) continue;
      auto deleted = DeleteWhere(db, "DELETE FROM identities WHERE pseudonym = ?1", group);
      if (!deleted.ok()) return deleted.error();
      counts.identities += *deleted;
      ++counts.anonymous_groups;
      counts.erased_group_pseudonyms.push_back(group);
    }
    if (!options.audit_tag.empty()) {
      auto unlinked = UnlinkAuditSubjects(db, options.audit_tag);
      if (!unlinked.ok()) return unlinked.error();
      counts.audit_subjects_unlinked = *unlinked;
    }
    if (auto error = tx->Commit()) return *error;
  }
  {
    auto tx = Transaction::Begin(keys, Transaction::Mode::kImmediate);
    if (!tx.ok()) return tx.error();
    auto deleted = DeleteWhere(keys, "DELETE FROM data_keys WHERE pseudonym = ?1", pseudonym);
    if (!deleted.ok()) return deleted.error();
    counts.data_key = *deleted > 0;
    for (const std::string& group : counts.erased_group_pseudonyms) {
      auto group_key = DeleteWhere(keys, "DELETE FROM data_keys WHERE pseudonym = ?1", group);
      if (!group_key.ok()) return group_key.error();
    }
    if (auto error = tx->Commit()) return *error;
  }
  if (auto error = CheckpointAndTruncate(db)) return *error;
  if (auto error = CheckpointAndTruncate(keys)) return *error;
  return counts;
}

MaybeError CheckpointAndTruncate(Database& db) {
  // A reader that is mid-query pins the WAL; the busy timeout waits for it,
  // and a few retries cover a steady stream of short reads.
  for (int attempt = 0; attempt < 50; ++attempt) {
    auto checkpoint = db.Prepare("PRAGMA wal_checkpoint(TRUNCATE)");
    if (!checkpoint.ok()) return checkpoint.error();
    auto row = checkpoint->Step();
    if (!row.ok()) return row.error();
    if (*row && checkpoint->ColumnInt(0) == 0) return std::nullopt;  // not busy: done
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return StorageError("checkpoint: readers kept the write-ahead log busy");
}

}  // namespace lrs::storage
