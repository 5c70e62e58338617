// The audit trail's tables. See the header for the invariants.

#include "storage/audit_log.h"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <utility>

#include "storage/database.h"
#include "storage/schema.h"
#include "storage/storage_error.h"
#include "storage/transaction.h"
#include "xapi/hex.h"

namespace lrs::storage {
namespace {

// Entries per transaction at most, so one group never holds the write lock
// for long; the rest go into the next group.
constexpr size_t kMaxGroup = 512;

// The key store's meta row that holds the anchor, "<seq>:<hash>".
constexpr char kAnchorName[] = "audit_head";

// Versions the encoding: a changed encoding is a new label, never an edit.
constexpr char kHashLabelV1[] = "lrs-audit-entry-v1";
constexpr char kHashLabelV2[] = "lrs-audit-entry-v2";
constexpr char kCommitmentLabel[] = "lrs-audit-subject-v1";

// An un-linked subject's tag: as long as a real one (HMAC-SHA256 hex) and
// random, so it links to nothing; its sealed bytes go.
constexpr char kUnlinkSubjects[] =
    "UPDATE audit_subjects SET tag = lower(hex(randomblob(32))), sealed = x''"
    " WHERE tag = ?1 AND commitment IS NOT NULL";

// SHA-256 of a canonical encoding: every field is its byte length (8 bytes,
// big-endian) followed by its bytes, every integer 8 bytes big-endian, so no
// two different entries encode alike whatever their fields contain.
class CanonicalHash {
 public:
  explicit CanonicalHash(std::string_view label) : ctx_(EVP_MD_CTX_new()) {
    EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr);
    Bytes(label);
  }
  ~CanonicalHash() { EVP_MD_CTX_free(ctx_); }
  CanonicalHash(const CanonicalHash&) = delete;
  CanonicalHash& operator=(const CanonicalHash&) = delete;

  void Int(int64_t value) {
    unsigned char out[8];
    const uint64_t v = static_cast<uint64_t>(value);
    for (int i = 0; i < 8; ++i) out[i] = static_cast<unsigned char>(v >> (56 - 8 * i));
    EVP_DigestUpdate(ctx_, out, sizeof(out));
  }
  void Bytes(std::string_view bytes) {
    Int(static_cast<int64_t>(bytes.size()));
    EVP_DigestUpdate(ctx_, bytes.data(), bytes.size());
  }
  std::string Hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx_, digest, &length);
    return xapi::HexEncode(std::string_view(reinterpret_cast<const char*>(digest), length));
  }

 private:
  EVP_MD_CTX* ctx_;
};

constexpr char kEntryColumns[] =
    "l.seq, l.at_us, l.actor, l.role, l.action, l.purpose, l.detail, l.prev_hash, l.hash,"
    " l.encoding";

// Reads the columns of kEntryColumns, which come first in the row.
AuditEntry EntryFromRow(const Statement& stmt) {
  AuditEntry entry;
  entry.seq = stmt.ColumnInt(0);
  entry.at_us = stmt.ColumnInt(1);
  entry.actor = stmt.ColumnText(2);
  entry.role = stmt.ColumnText(3);
  entry.action = stmt.ColumnText(4);
  entry.purpose = stmt.ColumnText(5);
  entry.detail = stmt.ColumnText(6);
  entry.prev_hash = stmt.ColumnText(7);
  entry.hash = stmt.ColumnText(8);
  entry.encoding = static_cast<int>(stmt.ColumnInt(9));
  return entry;
}

// Sorted by tag, one per tag (the table's key is (seq, tag)).
std::vector<AuditSubject> Canonical(std::vector<AuditSubject> subjects) {
  std::stable_sort(subjects.begin(), subjects.end(),
                   [](const AuditSubject& a, const AuditSubject& b) { return a.tag < b.tag; });
  subjects.erase(
      std::unique(subjects.begin(), subjects.end(),
                  [](const AuditSubject& a, const AuditSubject& b) { return a.tag == b.tag; }),
      subjects.end());
  return subjects;
}

AuditVerification Broken(int64_t entries, int64_t seq, std::string problem) {
  AuditVerification out;
  out.entries = entries;
  out.intact = false;
  out.broken_seq = seq;
  out.problem = std::move(problem);
  return out;
}

std::string Entry(int64_t seq) { return "entry " + std::to_string(seq); }

}  // namespace

std::string AuditSubjectCommitment(const std::string& tag, const std::string& sealed) {
  CanonicalHash hash(kCommitmentLabel);
  hash.Bytes(tag);
  hash.Bytes(sealed);
  return hash.Hex();
}

std::string AuditEntryHash(const AuditEntry& entry, std::vector<AuditSubject> subjects) {
  const bool v1 = entry.encoding == 1;
  CanonicalHash hash(v1 ? kHashLabelV1 : kHashLabelV2);
  hash.Bytes(entry.prev_hash);
  hash.Int(entry.seq);
  hash.Int(entry.at_us);
  hash.Bytes(entry.actor);
  hash.Bytes(entry.role);
  hash.Bytes(entry.action);
  hash.Bytes(entry.purpose);
  hash.Bytes(entry.detail);
  hash.Int(static_cast<int64_t>(subjects.size()));
  if (v1) {
    std::stable_sort(subjects.begin(), subjects.end(),
                     [](const AuditSubject& a, const AuditSubject& b) { return a.tag < b.tag; });
    for (const AuditSubject& subject : subjects) {
      hash.Bytes(subject.tag);
      hash.Bytes(subject.sealed);
    }
    return hash.Hex();
  }
  // Encoding 2: only commitments, which un-linking keeps (invariant 7).
  std::vector<std::string> commitments;
  commitments.reserve(subjects.size());
  for (const AuditSubject& subject : subjects) {
    commitments.push_back(subject.commitment.empty()
                              ? AuditSubjectCommitment(subject.tag, subject.sealed)
                              : subject.commitment);
  }
  std::sort(commitments.begin(), commitments.end());
  for (const std::string& commitment : commitments) hash.Bytes(commitment);
  return hash.Hex();
}

Result<int64_t> UnlinkAuditSubjects(Database& statements, const std::string& tag) {
  Result<Statement> unlink = statements.Prepare(kUnlinkSubjects);
  if (!unlink.ok()) return unlink.error();
  if (MaybeError error = unlink->Bind(1, tag).Run()) return *error;
  return static_cast<int64_t>(statements.Changes());
}

Result<std::optional<AuditAnchor>> ReadAuditAnchor(Database& key_store) {
  Result<Statement> stmt = key_store.Prepare("SELECT value FROM meta WHERE name = ?1");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, kAnchorName);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<AuditAnchor>();
  // Read back from a file someone may have edited: a seq that is not a
  // decimal int64 (too many digits included) is malformed, never an exception.
  const std::string value = stmt->ColumnText(0);
  const size_t colon = value.find(':');
  AuditAnchor anchor;
  if (colon == std::string::npos || colon == 0 || value.find_first_not_of("0123456789") != colon ||
      std::from_chars(value.data(), value.data() + colon, anchor.seq).ec != std::errc()) {
    return StorageError("audit anchor: the key store's value is malformed");
  }
  anchor.hash = value.substr(colon + 1);
  return std::optional<AuditAnchor>(std::move(anchor));
}

Result<AuditVerification> VerifyAuditChain(Database& statements,
                                           const std::optional<AuditAnchor>& anchor) {
  // One snapshot for both cursors.
  Result<Transaction> tx = Transaction::Begin(statements, Transaction::Mode::kDeferred);
  if (!tx.ok()) return tx.error();
  Result<Statement> entries = statements.Prepare(
      "SELECT seq, at_us, actor, role, action, purpose, detail, prev_hash, hash, encoding "
      "FROM audit_log ORDER BY seq");
  if (!entries.ok()) return entries.error();
  Result<Statement> subjects = statements.Prepare(
      "SELECT seq, tag, sealed, commitment FROM audit_subjects ORDER BY seq, tag");
  if (!subjects.ok()) return subjects.error();

  // The subjects cursor runs beside the entries cursor (a merge join).
  Result<bool> subject_row = subjects->Step();
  if (!subject_row.ok()) return subject_row.error();

  int64_t count = 0;
  int64_t expected_seq = 1;
  std::string prev_hash = kAuditGenesisHash;
  for (;;) {
    Result<bool> row = entries->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    const AuditEntry entry = EntryFromRow(*entries);
    ++count;

    if (*subject_row && subjects->ColumnInt(0) < entry.seq) {
      const int64_t orphan = subjects->ColumnInt(0);
      return Broken(count, std::min(orphan, expected_seq),
                    Entry(orphan) + " was removed: its subjects remain");
    }
    if (entry.seq != expected_seq) {
      return Broken(count, expected_seq,
                    entry.seq > expected_seq
                        ? Entry(expected_seq) + " is missing: the chain skips from " +
                              Entry(expected_seq - 1) + " to " + Entry(entry.seq)
                        : Entry(entry.seq) + " is out of sequence");
    }
    std::vector<AuditSubject> own;
    bool subject_changed = false;
    while (*subject_row && subjects->ColumnInt(0) == entry.seq) {
      AuditSubject subject{subjects->ColumnText(1), subjects->ColumnBlob(2),
                           subjects->ColumnIsNull(3) ? std::string() : subjects->ColumnText(3)};
      // Encoding 2: a linked subject must match its commitment; an un-linked
      // one (no sealed bytes) only has its commitment (invariant 7).
      if (entry.encoding != 1 &&
          (subject.commitment.empty() ||
           (!subject.sealed.empty() &&
            AuditSubjectCommitment(subject.tag, subject.sealed) != subject.commitment))) {
        subject_changed = true;
      }
      own.push_back(std::move(subject));
      subject_row = subjects->Step();
      if (!subject_row.ok()) return subject_row.error();
    }
    if (subject_changed) {
      return Broken(count, entry.seq,
                    Entry(entry.seq) + " has a subject that does not match its commitment");
    }
    if (AuditEntryHash(entry, own) != entry.hash) {
      return Broken(count, entry.seq,
                    Entry(entry.seq) +
                        " does not match its hash: a field or a subject was changed, or it was "
                        "moved");
    }
    if (entry.prev_hash != prev_hash) {
      return Broken(count, entry.seq,
                    Entry(entry.seq) + " does not follow " + Entry(entry.seq - 1) +
                        ": an entry was replaced or entries were reordered");
    }
    if (anchor && anchor->seq == entry.seq && anchor->hash != entry.hash) {
      return Broken(count, entry.seq,
                    Entry(entry.seq) + " differs from the hash the key store anchored");
    }
    prev_hash = entry.hash;
    ++expected_seq;
  }
  if (*subject_row) {
    const int64_t orphan = subjects->ColumnInt(0);
    return Broken(count, orphan, Entry(orphan) + " was removed: its subjects remain");
  }
  if (anchor && anchor->seq >= expected_seq) {
    return Broken(count, expected_seq,
                  "entries " + std::to_string(expected_seq) + " to " + std::to_string(anchor->seq) +
                      " are missing: the chain was cut off (the key store anchored " +
                      Entry(anchor->seq) + ")");
  }
  AuditVerification intact;
  intact.entries = count;
  return intact;
}

struct AuditLog::Pending {
  NewAuditEntry entry;
  std::optional<Result<AuditEntry>> result;
  bool done = false;
};

AuditLog::AuditLog(std::unique_ptr<Database> writer, std::unique_ptr<Database> reader,
                   std::unique_ptr<Database> keys, Clock clock)
    : clock_(std::move(clock)),
      writer_(std::move(writer)),
      reader_(std::move(reader)),
      keys_(std::move(keys)) {}

AuditLog::~AuditLog() = default;

Result<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& statement_db_path,
                                                 const std::string& key_store_path, Clock clock) {
  Result<std::unique_ptr<Database>> writer = OpenStatementDatabase(statement_db_path);
  if (!writer.ok()) return writer.error();
  Result<std::unique_ptr<Database>> reader = OpenStatementDatabase(statement_db_path);
  if (!reader.ok()) return reader.error();
  Result<std::unique_ptr<Database>> keys = OpenKeyStore(key_store_path);
  if (!keys.ok()) return keys.error();
  return std::unique_ptr<AuditLog>(
      new AuditLog(std::move(*writer), std::move(*reader), std::move(*keys), std::move(clock)));
}

Result<AuditEntry> AuditLog::Append(NewAuditEntry entry) {
  Pending pending{std::move(entry), std::nullopt, false};
  std::unique_lock<std::mutex> lock(append_mutex_);
  queue_.push_back(&pending);
  // Group commit (invariant 4): whoever finds no group in flight leads the
  // next one, taking everything queued, its own entry included (an entry
  // leaves the queue only into a group, and a group ends before the next
  // leader starts, so an entry not done is still queued).
  while (!pending.done) {
    if (leader_active_) {
      group_done_.wait(lock);
      continue;
    }
    leader_active_ = true;
    const size_t n = std::min(queue_.size(), kMaxGroup);
    std::vector<Pending*> group(queue_.begin(), queue_.begin() + n);
    queue_.erase(queue_.begin(), queue_.begin() + n);
    lock.unlock();
    CommitGroup(group);
    lock.lock();
    for (Pending* p : group) p->done = true;
    leader_active_ = false;
    group_done_.notify_all();
  }
  return std::move(*pending.result);
}

void AuditLog::CommitGroup(std::vector<Pending*>& group) {
  auto fail = [&group](const Error& error) {
    for (Pending* p : group) p->result = error;
  };
  Result<Transaction> tx = Transaction::Begin(*writer_, Transaction::Mode::kImmediate);
  if (!tx.ok()) return fail(tx.error());

  // Invariant 6: continue from what is stored, not from memory.
  Result<Statement> last =
      writer_->Prepare("SELECT seq, at_us, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
  if (!last.ok()) return fail(last.error());
  Result<bool> found = last->Step();
  if (!found.ok()) return fail(found.error());
  int64_t seq = *found ? last->ColumnInt(0) : 0;
  const int64_t last_at_us = *found ? last->ColumnInt(1) : 0;
  std::string prev_hash = *found ? last->ColumnText(2) : kAuditGenesisHash;
  last->Reset();  // no read cursor left open on the table we write
  const int64_t at_us = std::max(clock_(), last_at_us);  // invariant 5

  Result<Statement> insert_entry = writer_->Prepare(
      "INSERT INTO audit_log (seq, at_us, actor, role, action, purpose, detail, prev_hash, hash,"
      " encoding) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!insert_entry.ok()) return fail(insert_entry.error());
  Result<Statement> insert_subject = writer_->Prepare(
      "INSERT INTO audit_subjects (seq, tag, sealed, commitment) VALUES (?1, ?2, ?3, ?4)");
  if (!insert_subject.ok()) return fail(insert_subject.error());

  std::vector<AuditEntry> stored;
  stored.reserve(group.size());
  for (Pending* p : group) {
    NewAuditEntry& in = p->entry;
    std::vector<AuditSubject> subjects = Canonical(std::move(in.subjects));
    for (AuditSubject& subject : subjects) {
      subject.commitment = AuditSubjectCommitment(subject.tag, subject.sealed);
    }
    AuditEntry entry;
    entry.seq = ++seq;
    entry.at_us = at_us;
    entry.actor = std::move(in.actor);
    entry.role = std::move(in.role);
    entry.action = std::move(in.action);
    entry.purpose = std::move(in.purpose);
    entry.detail = std::move(in.detail);
    entry.prev_hash = prev_hash;
    entry.encoding = kAuditEncoding;
    entry.hash = AuditEntryHash(entry, subjects);
    entry.subject_count = static_cast<int64_t>(subjects.size());
    prev_hash = entry.hash;

    insert_entry->Bind(1, entry.seq)
        .Bind(2, entry.at_us)
        .Bind(3, entry.actor)
        .Bind(4, entry.role)
        .Bind(5, entry.action)
        .Bind(6, entry.purpose)
        .Bind(7, entry.detail)
        .Bind(8, entry.prev_hash)
        .Bind(9, entry.hash)
        .Bind(10, static_cast<int64_t>(entry.encoding));
    if (MaybeError error = insert_entry->Run()) return fail(*error);
    for (const AuditSubject& subject : subjects) {
      insert_subject->Bind(1, entry.seq)
          .Bind(2, subject.tag)
          .BindBlob(3, subject.sealed)
          .Bind(4, subject.commitment);
      if (MaybeError error = insert_subject->Run()) return fail(*error);
    }
    stored.push_back(std::move(entry));
  }
  if (MaybeError error = tx->Commit()) return fail(*error);

  // Invariant 3: after the commit, best effort.
  {
    std::lock_guard<std::mutex> keys_lock(keys_mutex_);
    Result<Statement> anchor = keys_->Prepare(
        "INSERT INTO meta (name, value) VALUES (?1, ?2) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value");
    if (anchor.ok()) {
      anchor->Bind(1, kAnchorName).Bind(2, std::to_string(seq) + ":" + prev_hash);
      anchor->Run();
    }
  }
  for (size_t i = 0; i < group.size(); ++i) group[i]->result = std::move(stored[i]);
}

Result<std::vector<AuditEntry>> AuditLog::Read(const AuditRange& range) {
  std::lock_guard<std::mutex> lock(read_mutex_);
  Result<Statement> stmt = reader_->Prepare(
      std::string("SELECT ") + kEntryColumns +
      ", (SELECT count(*) FROM audit_subjects s WHERE s.seq = l.seq) "
      "FROM audit_log l WHERE l.seq > ?1 AND l.at_us >= ?2 ORDER BY l.seq LIMIT ?3");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, range.after_seq)
      .Bind(2, range.since_us.value_or(std::numeric_limits<int64_t>::min()))
      .Bind(3, range.limit);
  return CollectRows<AuditEntry>(*stmt, [](const Statement& row) {
    AuditEntry entry = EntryFromRow(row);
    entry.subject_count = row.ColumnInt(10);
    return entry;
  });
}

Result<std::vector<AuditEntryAbout>> AuditLog::FindByTag(const std::string& tag, int64_t limit) {
  std::lock_guard<std::mutex> lock(read_mutex_);
  Result<Statement> stmt =
      reader_->Prepare(std::string("SELECT ") + kEntryColumns +
                       ", (SELECT count(*) FROM audit_subjects c WHERE c.seq = l.seq), t.sealed "
                       "FROM audit_subjects t JOIN audit_log l ON l.seq = t.seq "
                       "WHERE t.tag = ?1 ORDER BY t.seq DESC LIMIT ?2");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, tag).Bind(2, limit);
  Result<std::vector<AuditEntryAbout>> out =
      CollectRows<AuditEntryAbout>(*stmt, [](const Statement& row) {
        AuditEntryAbout about;
        about.entry = EntryFromRow(row);
        about.entry.subject_count = row.ColumnInt(10);
        about.sealed = row.ColumnBlob(11);
        return about;
      });
  if (out.ok()) std::reverse(out->begin(), out->end());
  return out;
}

Result<AuditVerification> AuditLog::Verify() {
  std::optional<AuditAnchor> anchor;
  {
    std::lock_guard<std::mutex> lock(keys_mutex_);
    Result<std::optional<AuditAnchor>> read = ReadAuditAnchor(*keys_);
    if (!read.ok()) return read.error();
    anchor = std::move(*read);
  }
  std::lock_guard<std::mutex> lock(read_mutex_);
  return VerifyAuditChain(*reader_, anchor);
}

}  // namespace lrs::storage
