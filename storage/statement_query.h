#pragma once
// Builds the SQL text for StatementReader::Query. Only the shape of a filter
// (which filters are set, the order) and the plan choice select the text;
// values are always bound, so each text is prepared once per connection.

#include <string>

#include "storage/statement_reader.h"

namespace lrs::storage {

// Parameter numbers shared by the built SQL. Filters that are not set leave
// their parameter out of the text.
enum QueryParam {
  kParamLowSeq = 1,   // seq > ?  (after_seq when ascending, since)
  kParamHighSeq = 2,  // seq <= ? (snapshot, after_seq when descending, until)
  kParamAgent = 3,
  kParamVerb = 4,
  kParamActivity = 5,
  kParamRegistration = 6,
  kParamLimit = 7,     // page size + 1, or a count query's cap
  kParamSnapshot = 8,  // bounds the StatementRef closure
  kParamCredential = 9,  // statements/read/mine: s.credential = ?
};

// True when the filter has a condition that StatementRefs inherit (agent,
// verb, activity, registration); time and paging bounds do not count.
bool HasTargetFilters(const StatementFilter& filter);

// Where the StatementRef closure starts (see the design note in the .cc).
enum class RefSeed {
  kNone,           // no statement in the snapshot is a StatementRef: no closure
  kFromTargets,    // walk the statements matching the filters, find who refers to them
  kFromReferrers,  // walk the StatementRefs, check whether their targets match
};

// Selects seq, id, json, stored_us, voided in paging order. Parameters:
// low/high seq and limit; with target filters, their values; with a
// closure, the snapshot.
std::string BuildStatementQuery(const StatementFilter& filter, RefSeed seed);

// count(*) of at most ?kParamLimit statements with seq <= ?kParamSnapshot
// that match the target filters (voided or not).
std::string BuildTargetCountQuery(const StatementFilter& filter);

// count(*) of at most ?kParamLimit StatementRefs with seq <= ?kParamSnapshot.
std::string BuildReferrerCountQuery();

}  // namespace lrs::storage
