#pragma once
// What the ingest path hands to storage for one statement, and what a read
// gives back. Everything here is already pseudonymized: no field may hold a
// raw learner identifier or display name (DESIGN.md, privacy rules).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lrs::storage {

enum class AgentRole { kActorOrObject = 0, kRelated = 1 };        // see anonymizer::MentionRole
enum class ActivityRole { kObject = 0, kRelated = 1 };            // object vs context/sub-statement

struct AgentRef {
  std::string pseudonym;
  AgentRole role;
};

struct ActivityRef {
  std::string activity_id;
  ActivityRole role;
};

// A sealed identity variant (anonymizer/identity_split.h): AES-GCM blob under
// the learner's data key `key_id`.
struct SealedIdentity {
  std::string variant_id;
  std::string pseudonym;
  std::string sealed;  // binary
};

// A learner data key wrapped by the master key. Lives in the key store file,
// never in the statement database.
struct WrappedDataKey {
  std::string pseudonym;
  std::string master_key_id;
  std::string wrapped;  // binary: Seal(master key, data key, aad = pseudonym)
};

// What one statement adds to its learner's facts (table learner_facts,
// schema version 5: one row per (pseudonym, activity, verb)). Set only when
// the actor is an Agent (a Group is not a learner; an anonymous one has no
// pseudonym to erase by) and the object an Activity. The writer upserts it
// in the statement's savepoint, and only when the statement is inserted, so
// an already-stored duplicate never counts twice; first_us and last_us are the
// statement's `stored`. Voiding changes no fact: facts record what was sent.
struct LearnerFactUpdate {
  std::string pseudonym;               // the actor's
  std::string activity_id;             // the object's
  std::optional<bool> completion;      // result.completion, if the statement said
  std::optional<bool> success;         // result.success, if the statement said
  std::optional<double> score_scaled;  // result.score.scaled, if the statement said
};

// What one statement adds to its learner's analytics facts (table
// analytics_facts, schema version 8: one row per (pseudonym, activity, kind);
// analytics/fact.h says what each kind means). Computed at ingest from the
// statement as it will be stored (plugin/resources/analytics_facts_ingest.h),
// so only for an Agent actor with a pseudonym and an Activity object. The
// writer upserts each in the statement's savepoint, only when the statement
// is inserted (a duplicate never counts twice), with the rule of its kind:
//  - kScore (5): the best value wins, and the fact moves to that statement's
//    at_us and cohort (equal scores: the earlier at_us);
//  - kTimeSpent (6): values are summed; at_us and cohort are the earliest
//    statement's;
//  - every other kind: the earliest at_us wins, with its cohort, value and
//    detail (equal times: the one stored first), so the fact sits where the
//    statement that first made it true puts it, whatever the arrival order.
// updated_us is the newest `stored` of a statement that touched the fact, to
// within a day (storage/analytics_facts.h, kAnalyticsTouchUs): a statement
// that changes nothing about a fact does not rewrite it to say less than that.
struct AnalyticsFactUpdate {
  std::string pseudonym;
  std::string activity_id;
  int kind = 0;                  // analytics::FactKind's value
  std::optional<int64_t> at_us;  // the statement's timestamp; none: its `stored`
  std::vector<std::string> cohort;  // one value per manifest cohort dimension
  std::optional<double> value;
  std::string detail;
};

struct StatementRecord {
  std::string id;            // lowercase UUID
  std::string json;          // pseudonymized statement, without "stored"
  std::string content_hash;  // keyed digest of the statement as received, for conflict checks
  std::string verb_id;
  std::optional<std::string> registration;
  std::optional<std::string> statement_ref;  // target id when the object is a StatementRef
  bool is_voiding = false;                   // verb is .../voided with a StatementRef object
  std::optional<int64_t> timestamp_us;       // the statement's timestamp, if it had one
  std::vector<AgentRef> agents;
  std::vector<ActivityRef> activities;
  std::vector<SealedIdentity> identities;
  // (activity id, definition JSON) for every Activity the statement defines
  // (xapi::ExtractActivityDefinitions). Merged into the canonical definition
  // only when the statement is actually inserted. Definitions describe
  // activities, not learners: they are stored as the client sent them, like
  // the rest of the statement's non-agent content.
  std::vector<std::pair<std::string, std::string>> activity_definitions;
  // The sha2 (lowercase) of every attachment object the statement (or its
  // sub-statement) declares; WriteBatch::attachments are stored for these.
  std::vector<std::string> attachment_sha2s;
  std::optional<LearnerFactUpdate> fact;  // with verb_id, what the statement adds to facts
  std::vector<AnalyticsFactUpdate> analytics;  // what it adds to the analytics facts
  // The key of the credential that stores it (schema version 6), for
  // statements/read/mine; nullopt stores NULL.
  std::optional<std::string> credential;
};

// Attachment data (Communication 1.5.2), keyed by the SHA-2 the statements'
// attachment objects name and by its owner (see schema.cc, version 4).
struct AttachmentPayload {
  std::string sha2;          // lowercase hex
  std::string owner;         // pseudonym of the actor of the statement that carried it
  std::string content_type;  // the part's Content-Type, else the attachment's contentType
  std::string content;       // binary: sealed under the owner's data key
};

// A statement as read back.
struct StoredStatement {
  int64_t seq = 0;        // insertion sequence: the order of `stored`
  std::string id;
  std::string json;       // as written in StatementRecord::json
  int64_t stored_us = 0;  // microseconds since the Unix epoch, millisecond precision
  bool voided = false;
};

}  // namespace lrs::storage
