#include "storage/token_documents.h"

namespace lrs::storage {

bool IsAddressTokenVariant(const std::string& variant_id) {
  return variant_id.size() == 33 && variant_id[0] == 'a';
}

Result<int64_t> DeleteDocumentsNamingToken(Database& db, const std::string& token) {
  auto statement = db.Prepare(
      "DELETE FROM documents WHERE instr(activity_id, ?1) > 0 OR instr(document_id, ?1) > 0 OR "
      "(kind = 3 AND instr(CAST(content AS TEXT), ?1) > 0)");
  if (!statement.ok()) return statement.error();
  statement->Bind(1, token);
  if (MaybeError error = statement->Run()) return *error;
  return static_cast<int64_t>(db.Changes());
}

}  // namespace lrs::storage
