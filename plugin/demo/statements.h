#pragma once
// The demo's events (plugin/demo/traffic.h) written as the xAPI statements a
// cmi5 player in a corporate LMS would send: mbox agents with names, ADL and
// cmi5 verbs, activity definitions (interactions with their choices and
// correct responses), result score, success, completion, duration and
// response, the registration, the course as grouping, and the learner's
// department, role and site as context extensions. Pure and deterministic:
// statement ids and registrations come from the seed, never from the clock.

#include <cstdint>
#include <string>

#include "plugin/demo/traffic.h"

namespace lrs::plugin::demo {

// A UUID (version 4 layout) made from two numbers: the same two, the same id.
std::string DeterministicUuid(uint64_t a, uint64_t b);

// The JSON array of the statements for traffic.events[first, first + count),
// ready to POST to /xapi/statements. `seed` keys the statement ids.
std::string StatementBatchJson(const Traffic& traffic, size_t first, size_t count, uint64_t seed);

// The body of PUT /privacy/consent that withdraws the learner's consent for
// analytics: {"agent": {"objectType": "Agent", "mbox": ...}, "state": "withdrawn",
// "purposes": ["analytics"]}.
std::string ConsentWithdrawalJson(const Learner& learner);

}  // namespace lrs::plugin::demo
