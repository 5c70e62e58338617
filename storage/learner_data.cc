#include "storage/learner_data.h"

#include "storage/analytics_facts.h"
#include "storage/database.h"
#include "storage/read_pool.h"
#include "storage/schema.h"

namespace lrs::storage {

Result<std::unique_ptr<LearnerData>> LearnerData::Open(const std::string& statement_db_path) {
  auto pool = ReadPool::Open(statement_db_path, &MigrateStatementDatabase);
  if (!pool.ok()) return pool.error();
  return std::unique_ptr<LearnerData>(new LearnerData(std::move(*pool)));
}

LearnerData::LearnerData(std::unique_ptr<ReadPool> pool) : pool_(std::move(pool)) {}
LearnerData::~LearnerData() = default;

Result<std::vector<StoredStatement>> LearnerData::Statements(const std::string& pseudonym,
                                                             int64_t after_seq, int limit) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.error();
  // IN, not a join: a learner mentioned in several roles of one statement
  // still gets it once.
  auto query = lease->Prepare(
      "SELECT s.seq, s.id, s.json, s.stored_us, s.voided FROM statements s "
      "WHERE s.seq IN (SELECT seq FROM statement_agents WHERE pseudonym = ?1) "
      "AND s.seq > ?2 ORDER BY s.seq LIMIT ?3");
  if (!query.ok()) return query.error();
  (*query)->Bind(1, pseudonym).Bind(2, after_seq).Bind(3, int64_t{limit});
  return CollectRows<StoredStatement>(**query, [](const Statement& row) {
    return StoredStatement{row.ColumnInt(0), row.ColumnText(1), row.ColumnText(2), row.ColumnInt(3),
                           row.ColumnInt(4) != 0};
  });
}

Result<std::vector<LearnerDocument>> LearnerData::Documents(const std::string& pseudonym) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.error();
  auto query = lease->Prepare(
      "SELECT kind, activity_id, registration, document_id, content_type, content, updated_us "
      "FROM documents WHERE agent_pseudonym = ?1 ORDER BY updated_us");
  if (!query.ok()) return query.error();
  (*query)->Bind(1, pseudonym);
  return CollectRows<LearnerDocument>(**query, [&pseudonym](const Statement& row) {
    LearnerDocument document;
    document.key.kind = static_cast<DocumentKind>(row.ColumnInt(0));
    document.key.activity_id = row.ColumnText(1);
    document.key.agent_pseudonym = pseudonym;
    document.key.registration = row.ColumnText(2);
    document.key.document_id = row.ColumnText(3);
    document.content_type = row.ColumnText(4);
    document.content = row.ColumnBlob(5);
    document.updated_us = row.ColumnInt(6);
    return document;
  });
}

Result<std::vector<LearnerAttachment>> LearnerData::Attachments(const std::string& pseudonym) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.error();
  auto query = lease->Prepare(
      "SELECT sha2, content_type, length(content) FROM attachments WHERE owner = ?1 "
      "ORDER BY sha2");
  if (!query.ok()) return query.error();
  (*query)->Bind(1, pseudonym);
  return CollectRows<LearnerAttachment>(**query, [](const Statement& row) {
    return LearnerAttachment{row.ColumnText(0), row.ColumnText(1), row.ColumnInt(2)};
  });
}

Result<std::vector<LearnerFact>> LearnerData::Facts(const std::string& pseudonym) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.error();
  auto query = lease->Prepare(
      "SELECT activity_id, verb_id, first_us, last_us, statements, completion, success, "
      "score_scaled FROM learner_facts WHERE pseudonym = ?1 ORDER BY activity_id, verb_id");
  if (!query.ok()) return query.error();
  (*query)->Bind(1, pseudonym);
  return CollectRows<LearnerFact>(**query, [](const Statement& row) {
    LearnerFact fact;
    fact.activity_id = row.ColumnText(0);
    fact.verb_id = row.ColumnText(1);
    fact.first_us = row.ColumnInt(2);
    fact.last_us = row.ColumnInt(3);
    fact.statements = row.ColumnInt(4);
    fact.completion = row.ColumnOptionalInt(5);
    fact.success = row.ColumnOptionalInt(6);
    if (!row.ColumnIsNull(7)) fact.score_scaled = row.ColumnDouble(7);
    return fact;
  });
}

Result<std::vector<AnalyticsFactRecord>> LearnerData::AnalyticsFacts(
    const std::string& pseudonym) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.error();
  auto query = lease->Prepare(
      "SELECT activity_id, kind, at_us, cohort, value, detail, updated_us FROM analytics_facts"
      " WHERE pseudonym = ?1 ORDER BY activity_id, kind");
  if (!query.ok()) return query.error();
  (*query)->Bind(1, pseudonym);
  return CollectRows<AnalyticsFactRecord>(**query, [&pseudonym](const Statement& row) {
    AnalyticsFactRecord fact;
    fact.pseudonym = pseudonym;
    fact.activity_id = row.ColumnText(0);
    fact.kind = static_cast<int>(row.ColumnInt(1));
    fact.at_us = row.ColumnInt(2);
    fact.cohort = DecodeCohort(row.ColumnText(3));
    if (!row.ColumnIsNull(4)) fact.value = row.ColumnDouble(4);
    fact.detail = row.ColumnText(5);
    fact.updated_us = row.ColumnInt(6);
    return fact;
  });
}

}  // namespace lrs::storage
