#pragma once
// Everything stored about one learner, found by pseudonym, for self-access
// (GET /privacy/me, data portability). Reads only; what erasure deletes
// (storage/erasure.h) is what these find, plus the learner's sealed
// identities, consent history (storage/consent_store.h) and data key, which
// self-access reads elsewhere.
//
// Thread safety: all methods may be called concurrently (a read pool).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/analytics_store.h"
#include "storage/document_store.h"
#include "storage/statement_record.h"
#include "xapi/result.h"

namespace lrs::storage {

class ReadPool;

struct LearnerDocument {
  DocumentKey key;
  std::string content_type;
  std::string content;  // as stored: sealed under the learner's data key
  int64_t updated_us = 0;
};

struct LearnerAttachment {
  std::string sha2;
  std::string content_type;
  int64_t sealed_bytes = 0;
};

struct LearnerFact {
  std::string activity_id;
  std::string verb_id;
  int64_t first_us = 0;
  int64_t last_us = 0;
  int64_t statements = 0;
  std::optional<int64_t> completion;  // 0 or 1
  std::optional<int64_t> success;     // 0 or 1
  std::optional<double> score_scaled;
};

class LearnerData {
 public:
  static Result<std::unique_ptr<LearnerData>> Open(const std::string& statement_db_path);
  ~LearnerData();

  // Statements that mention the learner in any role, voided ones included,
  // in insertion order after `after_seq`, at most `limit`.
  Result<std::vector<StoredStatement>> Statements(const std::string& pseudonym, int64_t after_seq,
                                                  int limit);
  Result<std::vector<LearnerDocument>> Documents(const std::string& pseudonym);
  Result<std::vector<LearnerAttachment>> Attachments(const std::string& pseudonym);
  Result<std::vector<LearnerFact>> Facts(const std::string& pseudonym);
  // Their analytics facts (table analytics_facts), by activity and kind.
  Result<std::vector<AnalyticsFactRecord>> AnalyticsFacts(const std::string& pseudonym);

 private:
  explicit LearnerData(std::unique_ptr<ReadPool> pool);
  std::unique_ptr<ReadPool> pool_;
};

}  // namespace lrs::storage
