#include "storage/consent_store.h"

#include "storage/database.h"
#include "storage/schema.h"

namespace lrs::storage {
namespace {

constexpr char kColumns[] = "seq, pseudonym, state, purposes, actor, at_us";

ConsentEvent ReadEvent(const Statement& row) {
  return ConsentEvent{row.ColumnInt(0),  row.ColumnText(1), row.ColumnText(2),
                      row.ColumnText(3), row.ColumnText(4), row.ColumnInt(5)};
}

}  // namespace

Result<std::unique_ptr<ConsentStore>> ConsentStore::Open(const std::string& statement_db_path) {
  auto db = OpenStatementDatabase(statement_db_path);
  if (!db.ok()) return db.error();
  return std::unique_ptr<ConsentStore>(new ConsentStore(std::move(*db)));
}

ConsentStore::ConsentStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}
ConsentStore::~ConsentStore() = default;

MaybeError ConsentStore::Append(ConsentEvent& event) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto insert = db_->Prepare(
      "INSERT INTO consent_events (pseudonym, state, purposes, actor, at_us) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert.ok()) return insert.error();
  insert->Bind(1, event.pseudonym)
      .Bind(2, event.state)
      .Bind(3, event.purposes_json)
      .Bind(4, event.actor)
      .Bind(5, event.at_us);
  if (auto error = insert->Run()) return error;
  event.seq = db_->LastInsertRowId();
  return std::nullopt;
}

Result<std::vector<ConsentEvent>> ConsentStore::History(const std::string& pseudonym) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto select = db_->Prepare(std::string("SELECT ") + kColumns +
                             " FROM consent_events WHERE pseudonym = ?1 ORDER BY seq");
  if (!select.ok()) return select.error();
  select->Bind(1, pseudonym);
  return CollectRows<ConsentEvent>(*select, ReadEvent);
}

MaybeError ConsentStore::ForEach(const std::function<void(const ConsentEvent&)>& visit) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto select =
      db_->Prepare(std::string("SELECT ") + kColumns + " FROM consent_events ORDER BY seq");
  if (!select.ok()) return select.error();
  return select->ForEachRow([&visit](const Statement& row) { visit(ReadEvent(row)); });
}

}  // namespace lrs::storage
