#include "storage/rekey.h"

#include <string_view>

#include "storage/storage_error.h"
#include "storage/transaction.h"

namespace lrs::storage {
namespace {

// Rows read per page (invariant 2): a page of statements is held in memory.
constexpr int64_t kPageRows = 256;

struct PseudonymColumn {
  const char* table;
  const char* column;
};

// Every column of the statement database that names a learner (schema.cc).
constexpr PseudonymColumn kPseudonymColumns[] = {
    {"statement_agents", "pseudonym"}, {"identities", "pseudonym"},
    {"documents", "agent_pseudonym"},  {"attachments", "owner"},
    {"consent_events", "pseudonym"},   {"learner_facts", "pseudonym"},
    {"analytics_facts", "pseudonym"},
};

constexpr char kCreateWorkTable[] =
    "DROP TABLE IF EXISTS rekey_pseudonyms;"
    "CREATE TABLE rekey_pseudonyms (old TEXT PRIMARY KEY, new TEXT) WITHOUT ROWID;";

MaybeError WritePseudonymKeyId(Database& db, const std::string& key_id) {
  Result<Statement> write = db.Prepare(
      "INSERT INTO meta (name, value) VALUES (?1, ?2) "
      "ON CONFLICT (name) DO UPDATE SET value = excluded.value");
  if (!write.ok()) return write.error();
  return write->Bind(1, kPseudonymKeyIdMeta).Bind(2, key_id).Run();
}

// Inside the file's transaction: true when the file is already under
// `to_key_id` (invariant 1), an error when it names some third key.
Result<bool> AlreadyRekeyed(Database& db, const std::string& from_key_id,
                            const std::string& to_key_id, const char* kind) {
  Result<std::optional<std::string>> current = ReadPseudonymKeyId(db);
  if (!current.ok()) return current.error();
  if (*current == to_key_id) return true;
  if (current->has_value() && **current != from_key_id) {
    return MakeError(409, "key rotation", "",
                     std::string("the ") + kind + " is keyed with pseudonym key " + **current +
                         ", which is neither the current key (" + from_key_id +
                         ") nor the next one (" + to_key_id + ")");
  }
  return false;
}

// Rewrites statements.json page by page, recording what only statements tell.
MaybeError RekeyStatementJson(Database& db, const StatementJsonRekey& rekey, RekeyCounts& counts) {
  Result<Statement> page =
      db.Prepare("SELECT seq, json FROM statements WHERE seq > ?1 ORDER BY seq LIMIT ?2");
  Result<Statement> update = db.Prepare("UPDATE statements SET json = ?2 WHERE seq = ?1");
  Result<Statement> renamed = db.Prepare(
      "INSERT INTO rekey_pseudonyms (old, new) VALUES (?1, ?2) ON CONFLICT (old) DO NOTHING");
  for (Result<Statement>* s : {&page, &update, &renamed}) {
    if (!s->ok()) return s->error();
  }
  int64_t last_seq = 0;
  std::vector<std::pair<int64_t, std::string>> rows;
  for (;;) {
    rows.clear();
    page->Bind(1, last_seq).Bind(2, kPageRows);
    auto add_row = [&rows](const Statement& row) {
      rows.emplace_back(row.ColumnInt(0), row.ColumnText(1));
    };
    if (MaybeError error = page->ForEachRow(add_row)) return error;
    page->Reset();
    if (rows.empty()) return std::nullopt;
    for (const auto& [seq, json] : rows) {
      Result<RekeyedJson> rekeyed = rekey(json);
      if (!rekeyed.ok()) return rekeyed.error();
      if (MaybeError error = update->Bind(1, seq).Bind(2, rekeyed->json).Run()) return error;
      for (const auto& [old, renewed] : rekeyed->renamed) {
        if (MaybeError error = renamed->Bind(1, old).Bind(2, renewed).Run()) return error;
      }
      ++counts.statements;
      counts.left_as_is += rekeyed->left_as_is;
    }
    last_seq = rows.back().first;
  }
}

// Fills rekey_pseudonyms.new for every value not yet mapped.
MaybeError MapRemainingPseudonyms(Database& db, const PseudonymRekey& rekey, RekeyCounts& counts) {
  Result<Statement> page = db.Prepare(
      "SELECT old FROM rekey_pseudonyms WHERE new IS NULL AND old > ?1 ORDER BY old LIMIT ?2");
  Result<Statement> update = db.Prepare("UPDATE rekey_pseudonyms SET new = ?2 WHERE old = ?1");
  if (!page.ok()) return page.error();
  if (!update.ok()) return update.error();
  std::string last;
  std::vector<std::string> olds;
  for (;;) {
    olds.clear();
    page->Bind(1, last).Bind(2, kPageRows);
    auto add_old = [&olds](const Statement& row) { olds.push_back(row.ColumnText(0)); };
    if (MaybeError error = page->ForEachRow(add_old)) return error;
    page->Reset();
    if (olds.empty()) return std::nullopt;
    for (const std::string& old : olds) {
      std::optional<std::string> renewed = rekey(old);
      if (!renewed) {
        ++counts.left_as_is;
        renewed = old;
      }
      if (MaybeError error = update->Bind(1, old).Bind(2, *renewed).Run()) return error;
    }
    last = olds.back();
  }
}

// Rewrites every pseudonym column through the work table, one mapped value
// at a time through each column's index: memory stays bounded by a page
// (a single UPDATE over a whole table would collect its keys in memory first).
MaybeError ApplyMapping(Database& db) {
  std::vector<Statement> updates;
  for (const PseudonymColumn& c : kPseudonymColumns) {
    // Column and table names are constants of this file, never input.
    Result<Statement> update = db.Prepare(std::string("UPDATE ") + c.table + " SET " + c.column +
                                          " = ?2 WHERE " + c.column + " = ?1");
    if (!update.ok()) return update.error();
    updates.push_back(std::move(*update));
  }
  Result<Statement> page = db.Prepare(
      "SELECT old, new FROM rekey_pseudonyms WHERE new <> old AND old > ?1 "
      "ORDER BY old LIMIT ?2");
  if (!page.ok()) return page.error();
  std::string last;
  std::vector<std::pair<std::string, std::string>> pairs;
  for (;;) {
    pairs.clear();
    page->Bind(1, last).Bind(2, kPageRows);
    auto add_pair = [&pairs](const Statement& row) {
      pairs.emplace_back(row.ColumnText(0), row.ColumnText(1));
    };
    if (MaybeError error = page->ForEachRow(add_pair)) return error;
    page->Reset();
    if (pairs.empty()) return std::nullopt;
    for (const auto& [old, renewed] : pairs) {
      for (Statement& update : updates) {
        if (MaybeError error = update.Bind(1, old).Bind(2, renewed).Run()) return error;
      }
    }
    last = pairs.back().first;
  }
}

Result<bool> WorkTableExists(Database& db) {
  Result<Statement> find =
      db.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'rekey_pseudonyms'");
  if (!find.ok()) return find.error();
  return find->Step();
}

}  // namespace

Result<std::optional<std::string>> ReadPseudonymKeyId(Database& db) {
  Result<Statement> read = db.Prepare("SELECT value FROM meta WHERE name = ?1");
  if (!read.ok()) return read.error();
  read->Bind(1, kPseudonymKeyIdMeta);
  Result<bool> row = read->Step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(read->ColumnText(0));
}

Result<std::string> BindPseudonymKeyId(Database& db, const std::string& key_id) {
  Result<Statement> bind = db.Prepare("INSERT OR IGNORE INTO meta (name, value) VALUES (?1, ?2)");
  if (!bind.ok()) return bind.error();
  if (MaybeError error = bind->Bind(1, kPseudonymKeyIdMeta).Bind(2, key_id).Run()) return *error;
  Result<std::optional<std::string>> bound = ReadPseudonymKeyId(db);
  if (!bound.ok()) return bound.error();
  if (!bound->has_value()) return StorageError("meta: the pseudonym key id was not recorded");
  return **bound;
}

Result<RekeyCounts> RekeyStatementDatabase(Database& db, const std::string& from_key_id,
                                           const std::string& to_key_id,
                                           const StatementJsonRekey& rekey_statement,
                                           const PseudonymRekey& rekey_pseudonym) {
  RekeyCounts counts;
  Result<Transaction> tx = Transaction::Begin(db, Transaction::Mode::kImmediate);
  if (!tx.ok()) return tx.error();
  Result<bool> done = AlreadyRekeyed(db, from_key_id, to_key_id, "statement database");
  if (!done.ok()) return done.error();
  if (*done) {
    counts.already_done = true;
    return counts;
  }

  if (MaybeError error = db.Exec(kCreateWorkTable)) return *error;
  if (MaybeError error = RekeyStatementJson(db, rekey_statement, counts)) return *error;
  // Column and table names are constants of this file, never input.
  for (const PseudonymColumn& c : kPseudonymColumns) {
    // '' is no one: an Activity Profile's agent.
    const std::string collect = std::string("INSERT OR IGNORE INTO rekey_pseudonyms (old, new) ") +
                                "SELECT " + c.column + ", NULL FROM " + c.table + " WHERE " +
                                c.column + " <> ''";
    if (MaybeError error = db.Exec(collect)) return *error;
  }
  if (MaybeError error = MapRemainingPseudonyms(db, rekey_pseudonym, counts)) return *error;
  if (MaybeError error = ApplyMapping(db)) return *error;
  Result<Statement> count = db.Prepare("SELECT count(*) FROM rekey_pseudonyms");
  if (!count.ok()) return count.error();
  Result<bool> row = count->Step();
  if (!row.ok()) return row.error();
  counts.pseudonyms = count->ColumnInt(0);

  if (MaybeError error = WritePseudonymKeyId(db, to_key_id)) return *error;
  if (MaybeError error = tx->Commit()) return *error;
  return counts;
}

Result<RekeyCounts> RekeyKeyStore(Database& keys, Database& statement_db,
                                  const std::string& from_key_id, const std::string& to_key_id,
                                  const std::string& to_master_key_id,
                                  const PseudonymRekey& rekey_pseudonym,
                                  const DataKeyRekey& rekey_key) {
  RekeyCounts counts;
  Result<Transaction> tx = Transaction::Begin(keys, Transaction::Mode::kImmediate);
  if (!tx.ok()) return tx.error();
  Result<bool> done = AlreadyRekeyed(keys, from_key_id, to_key_id, "key store");
  if (!done.ok()) return done.error();
  if (*done) {
    counts.already_done = true;
    return counts;
  }

  Result<bool> has_work_table = WorkTableExists(statement_db);
  if (!has_work_table.ok()) return has_work_table.error();
  std::optional<Statement> lookup;
  if (*has_work_table) {
    Result<Statement> prepared =
        statement_db.Prepare("SELECT new FROM rekey_pseudonyms WHERE old = ?1 AND new IS NOT NULL");
    if (!prepared.ok()) return prepared.error();
    lookup.emplace(std::move(*prepared));
  }
  auto new_pseudonym = [&](const std::string& old) -> Result<std::string> {
    if (lookup) {
      lookup->Bind(1, old);
      Result<bool> row = lookup->Step();
      std::string found = row.ok() && *row ? lookup->ColumnText(0) : std::string();
      lookup->Reset();
      if (!row.ok()) return row.error();
      if (*row) return found;
    }
    if (std::optional<std::string> renewed = rekey_pseudonym(old)) return *renewed;
    ++counts.left_as_is;
    return old;
  };

  // Rows still under another master key, in pseudonym order. A re-wrapped row
  // is under the new master key, so it is never read twice even where its new
  // pseudonym sorts after the page's end.
  Result<Statement> page = keys.Prepare(
      "SELECT pseudonym, master_key_id, wrapped FROM data_keys "
      "WHERE pseudonym > ?1 AND master_key_id <> ?2 ORDER BY pseudonym LIMIT ?3");
  Result<Statement> remove = keys.Prepare("DELETE FROM data_keys WHERE pseudonym = ?1");
  Result<Statement> insert =
      keys.Prepare("INSERT INTO data_keys (pseudonym, master_key_id, wrapped) VALUES (?1, ?2, ?3)");
  for (Result<Statement>* s : {&page, &remove, &insert}) {
    if (!s->ok()) return s->error();
  }
  std::string last;
  std::vector<WrappedDataKey> rows;
  for (;;) {
    rows.clear();
    page->Bind(1, last).Bind(2, to_master_key_id).Bind(3, kPageRows);
    auto add_row = [&rows](const Statement& row) {
      rows.push_back(WrappedDataKey{row.ColumnText(0), row.ColumnText(1), row.ColumnBlob(2)});
    };
    if (MaybeError error = page->ForEachRow(add_row)) return *error;
    page->Reset();
    if (rows.empty()) break;
    for (const WrappedDataKey& row : rows) {
      Result<std::string> renewed = new_pseudonym(row.pseudonym);
      if (!renewed.ok()) return renewed.error();
      Result<WrappedDataKey> rewrapped = rekey_key(row, *renewed);
      if (!rewrapped.ok()) return rewrapped.error();
      if (rewrapped->master_key_id != to_master_key_id) {
        return StorageError("key rotation: a data key came back under another master key");
      }
      if (MaybeError error = remove->Bind(1, row.pseudonym).Run()) return *error;
      if (MaybeError error = insert->Bind(1, rewrapped->pseudonym)
                                 .Bind(2, rewrapped->master_key_id)
                                 .BindBlob(3, rewrapped->wrapped)
                                 .Run()) {
        return *error;
      }
      ++counts.data_keys;
    }
    last = rows.back().pseudonym;
  }

  if (MaybeError error = WritePseudonymKeyId(keys, to_key_id)) return *error;
  if (MaybeError error = tx->Commit()) return *error;
  return counts;
}

MaybeError FinishRekey(Database& statement_db) {
  return statement_db.Exec("DROP TABLE IF EXISTS rekey_pseudonyms");
}

}  // namespace lrs::storage
