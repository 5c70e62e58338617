// The statement query builder.
//
// Design note. Since and until are turned into seq bounds before the query
// runs (stored_us never decreases as seq grows: StatementWriter invariant 4),
// so every query below walks one index in seq order and stops at the page
// limit, instead of sorting everything a filter matches.
//
// With a target filter the result is (Communication 2.1.3):
//   base      statements matching every target filter, in the page's bounds
//   UNION     statements whose StatementRef target, directly or through a
//             chain of StatementRefs, matches every target filter; the chain is
//             followed inside the snapshot only, whatever since/until say
//             (they apply to the referring statement).
// minus the voided ones, ordered by seq, limited. The two arms are merged in
// order (SQLite's ordered UNION), so the base arm still stops at the limit.
//
// The closure (`ref_matched`) is computed whole for each page, so its seed
// decides the cost: from the targets it is O(statements matching the filter),
// from the referrers O(StatementRefs in the store). The reader counts both
// (capped) and picks the smaller; with no StatementRefs at all it drops the
// closure. SQLite cannot make that choice itself without statistics.
//
// One filter drives each walk of the targets through its index
// (registration, then agent, then activity, then verb: roughly most to least
// selective); the others are checks with index use disabled (`+column`) or
// EXISTS lookups by seq, so the planner cannot pick a scan of a common verb
// to find one learner's statements.

#include "storage/statement_query.h"

#include <string>

namespace lrs::storage {
namespace {

enum class Driver { kNone, kRegistration, kAgent, kActivity, kVerb };

Driver ChooseDriver(const StatementFilter& filter) {
  if (filter.registration) return Driver::kRegistration;
  if (filter.agent_pseudonym) return Driver::kAgent;
  if (filter.activity_id) return Driver::kActivity;
  if (filter.verb_id) return Driver::kVerb;
  return Driver::kNone;
}

std::string Param(int number) { return "?" + std::to_string(number); }

// A mention table condition: `table` holds (seq, value_column, role).
std::string Mention(const std::string& alias, bool drives, const char* table,
                    const char* value_column, int param, bool any_role,
                    const std::string& seq_bounds) {
  // Listing both roles (rather than none) keeps the seq bounds usable in
  // the (value, role, seq) index: two range lookups instead of all mentions.
  const std::string role = any_role ? " AND x.role IN (0, 1)" : " AND x.role = 0";
  if (drives) {
    return alias + ".seq IN (SELECT x.seq FROM " + table + " x WHERE x." + value_column + " = " +
           Param(param) + role + seq_bounds + ")";
  }
  return std::string("EXISTS (SELECT 1 FROM ") + table + " x WHERE x.seq = " + alias +
         ".seq AND x." + value_column + " = " + Param(param) + role + ")";
}

// The target filters on `alias`. `driver` reads through its index, with
// `seq_bounds` (conditions on x.seq) repeated into a driving subquery so it
// reads only the index range it needs; Driver::kNone makes every filter a
// check on rows found otherwise.
std::string TargetConditions(const StatementFilter& filter, Driver driver, const std::string& alias,
                             const std::string& seq_bounds) {
  std::string sql;
  auto add = [&sql](const std::string& condition) {
    if (!sql.empty()) sql += " AND ";
    sql += condition;
  };
  if (filter.registration) {
    add((driver == Driver::kRegistration ? "" : "+") + alias +
        ".registration = " + Param(kParamRegistration));
  }
  if (filter.agent_pseudonym) {
    add(Mention(alias, driver == Driver::kAgent, "statement_agents", "pseudonym", kParamAgent,
                filter.related_agents, seq_bounds));
  }
  if (filter.activity_id) {
    add(Mention(alias, driver == Driver::kActivity, "statement_activities", "activity_id",
                kParamActivity, filter.related_activities, seq_bounds));
  }
  if (filter.verb_id) {
    add((driver == Driver::kVerb ? "" : "+") + alias + ".verb_id = " + Param(kParamVerb));
  }
  return sql;
}

// Statements (alias r) whose StatementRef target (alias t) matches the
// filters, then their referrers, recursively; all within the snapshot. UNION
// (not UNION ALL) ends cycles of StatementRefs.
std::string Closure(const StatementFilter& filter, RefSeed seed) {
  const std::string snapshot = Param(kParamSnapshot);
  std::string first;
  if (seed == RefSeed::kFromTargets) {
    first =
        "SELECT r.seq, r.id FROM statements t JOIN statements r ON r.statement_ref = t.id"
        " WHERE t.seq <= " +
        snapshot + " AND r.seq <= " + snapshot + " AND " +
        TargetConditions(filter, ChooseDriver(filter), "t", " AND x.seq <= " + snapshot);
  } else {
    // CROSS JOIN fixes the order; `+r.seq` keeps SQLite on the partial index
    // of StatementRefs instead of a rowid range over every statement.
    first =
        "SELECT r.seq, r.id FROM statements r CROSS JOIN statements t"
        " ON t.id = r.statement_ref"
        " WHERE r.statement_ref IS NOT NULL AND +r.seq <= " +
        snapshot + " AND t.seq <= " + snapshot + " AND " +
        TargetConditions(filter, Driver::kNone, "t", "");
  }
  return "WITH RECURSIVE ref_matched(seq, id) AS (" + first +
         " UNION SELECT r.seq, r.id FROM ref_matched m JOIN statements r"
         " ON r.statement_ref = m.id WHERE r.seq <= " +
         snapshot + ") ";
}

constexpr char kColumns[] = "s.seq, s.id, s.json, s.stored_us, s.voided";

}  // namespace

bool HasTargetFilters(const StatementFilter& filter) {
  return ChooseDriver(filter) != Driver::kNone;
}

std::string BuildStatementQuery(const StatementFilter& filter, RefSeed seed) {
  const std::string low = Param(kParamLowSeq);
  const std::string high = Param(kParamHighSeq);
  const std::string tail = std::string(" ORDER BY seq ") + (filter.ascending ? "ASC" : "DESC") +
                           " LIMIT " + Param(kParamLimit);
  std::string visible = "s.voided = 0 AND s.seq > " + low + " AND s.seq <= " + high;
  // statements/read/mine: a condition on the returned rows (both arms), not
  // a target filter. Alone it drives through statements_by_credential
  // (credential, seq); beside a target filter `+` leaves that one driving.
  if (filter.credential) {
    visible += std::string(" AND ") + (HasTargetFilters(filter) ? "+" : "") +
               "s.credential = " + Param(kParamCredential);
  }

  if (!HasTargetFilters(filter)) {
    return std::string("SELECT ") + kColumns + " FROM statements s WHERE " + visible + tail;
  }
  const std::string base = std::string("SELECT ") + kColumns + " FROM statements s WHERE " +
                           TargetConditions(filter, ChooseDriver(filter), "s",
                                            " AND x.seq > " + low + " AND x.seq <= " + high) +
                           " AND " + visible;
  if (seed == RefSeed::kNone) return base + tail;
  const std::string referring = std::string("SELECT ") + kColumns +
                                " FROM statements s WHERE s.seq IN (SELECT seq FROM ref_matched)"
                                " AND " +
                                visible;
  return Closure(filter, seed) + base + " UNION " + referring + tail;
}

std::string BuildTargetCountQuery(const StatementFilter& filter) {
  const std::string snapshot = Param(kParamSnapshot);
  return "SELECT count(*) FROM (SELECT 1 FROM statements t WHERE t.seq <= " + snapshot + " AND " +
         TargetConditions(filter, ChooseDriver(filter), "t", " AND x.seq <= " + snapshot) +
         " LIMIT " + Param(kParamLimit) + ")";
}

std::string BuildReferrerCountQuery() {
  return "SELECT count(*) FROM (SELECT 1 FROM statements r WHERE r.statement_ref IS NOT NULL"
         " AND +r.seq <= " +
         Param(kParamSnapshot) + " LIMIT " + Param(kParamLimit) + ")";
}

}  // namespace lrs::storage
