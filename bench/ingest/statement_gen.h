// Deterministic xAPI statements for the ingest benchmark, shared by the load
// generator (which posts them) and raw_sqlite (which inserts them straight
// into SQLite), so both measure the same bytes.
//
// Statement i is a function of (i, learners) only: a learner from a pool of
// `learners` distinct people (even ones as Moodle-style account actors, odd
// ones as mbox actors, all with names), one of five ADL verbs, a course
// module as the object, a registration per learner and course, the course
// and site under contextActivities, a result on completions, and a
// timestamp. Roughly 700-900 bytes of JSON each.
#ifndef LRS_BENCH_INGEST_STATEMENT_GEN_H_
#define LRS_BENCH_INGEST_STATEMENT_GEN_H_

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace bench {

// splitmix64: a small, well-mixed, reproducible generator.
inline uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A version-4-shaped UUID derived from two 64-bit seeds.
inline std::string Uuid(uint64_t a, uint64_t b) {
  uint64_t hi = Mix(a), lo = Mix(b ^ 0x5bd1e995ULL);
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  char out[37];
  std::snprintf(out, sizeof out, "%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff),
                static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return out;
}

struct GeneratedStatement {
  std::string json;          // the statement as an xAPI client sends it
  std::string verb;          // verb id
  std::string activity;      // object id
  std::string course;        // course activity id (contextActivities.parent)
  std::string registration;  // context.registration
  std::string actor_ifi;     // canonical identifier of the actor
  std::string timestamp;
};

inline GeneratedStatement MakeStatement(uint64_t i, uint64_t learners, bool with_id,
                                        uint64_t seed = 1) {
  static const char* const kVerbs[][2] = {
      {"http://adlnet.gov/expapi/verbs/experienced", "experienced"},
      {"http://adlnet.gov/expapi/verbs/attempted", "attempted"},
      {"http://adlnet.gov/expapi/verbs/completed", "completed"},
      {"http://adlnet.gov/expapi/verbs/passed", "passed"},
      {"http://id.tincanapi.com/verb/viewed", "viewed"},
  };
  const uint64_t r = Mix(i * 0x2545f4914f6cdd1dULL + seed);
  const uint64_t learner = learners ? r % learners : 0;
  const unsigned course = static_cast<unsigned>(Mix(learner) % 40);
  const unsigned module = static_cast<unsigned>((r >> 20) % 25);
  const auto& verb = kVerbs[(r >> 40) % 5];
  const bool completed = (r >> 40) % 5 == 2 || (r >> 40) % 5 == 3;

  GeneratedStatement g;
  char buf[256];
  g.verb = verb[0];
  std::snprintf(buf, sizeof buf, "https://moodle.example.org/course/view.php?id=%u", course);
  g.course = buf;
  std::snprintf(buf, sizeof buf, "https://moodle.example.org/mod/page/view.php?id=%u",
                course * 100 + module);
  g.activity = buf;
  g.registration = Uuid(learner * 1000 + course, 77);
  // 2024-01-01T00:00:00Z plus i seconds, spread over about a year.
  const uint64_t t = i % (365ULL * 86400ULL);
  const unsigned day = static_cast<unsigned>(t / 86400), sec = static_cast<unsigned>(t % 86400);
  // Day of year -> month/day (2024 is a leap year).
  static const unsigned kMonthDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  unsigned month = 0, d = day;
  while (d >= kMonthDays[month]) d -= kMonthDays[month++];
  std::snprintf(buf, sizeof buf, "2024-%02u-%02uT%02u:%02u:%02u.%03uZ", month + 1, d + 1,
                sec / 3600, (sec / 60) % 60, sec % 60, static_cast<unsigned>(r % 1000));
  g.timestamp = buf;

  std::string actor;
  if (learner % 2 == 0) {
    std::snprintf(buf, sizeof buf,
                  "{\"objectType\":\"Agent\",\"name\":\"Learner %llu\",\"account\":{\"homePage\":"
                  "\"https://moodle.example.org\",\"name\":\"%llu\"}}",
                  static_cast<unsigned long long>(learner),
                  static_cast<unsigned long long>(1000 + learner));
    g.actor_ifi = "account:https://moodle.example.org|" + std::to_string(1000 + learner);
  } else {
    std::snprintf(buf, sizeof buf,
                  "{\"objectType\":\"Agent\",\"name\":\"Learner %llu\",\"mbox\":"
                  "\"mailto:learner.%llu@example.org\"}",
                  static_cast<unsigned long long>(learner),
                  static_cast<unsigned long long>(learner));
    g.actor_ifi = "mbox:mailto:learner." + std::to_string(learner) + "@example.org";
  }
  actor = buf;

  std::string& s = g.json;
  s.reserve(1024);
  s += '{';
  if (with_id) {
    s += "\"id\":\"" + Uuid(i, seed) + "\",";
  }
  s += "\"actor\":" + actor;
  s += ",\"verb\":{\"id\":\"" + g.verb + "\",\"display\":{\"en\":\"" + verb[1] + "\"}}";
  s += ",\"object\":{\"objectType\":\"Activity\",\"id\":\"" + g.activity +
       "\",\"definition\":{\"type\":\"http://id.tincanapi.com/activitytype/lms/module\","
       "\"name\":{\"en\":\"Page " + std::to_string(module) + "\"}}}";
  if (completed) {
    std::snprintf(buf, sizeof buf,
                  ",\"result\":{\"completion\":true,\"success\":%s,\"score\":{\"scaled\":%.2f},"
                  "\"duration\":\"PT%uM%uS\"}",
                  (r & 1) ? "true" : "false", static_cast<double>(r % 101) / 100.0,
                  static_cast<unsigned>((r >> 8) % 60), static_cast<unsigned>((r >> 16) % 60));
    s += buf;
  }
  s += ",\"context\":{\"registration\":\"" + g.registration +
       "\",\"platform\":\"Moodle\",\"language\":\"en\",\"contextActivities\":{\"parent\":[{"
       "\"objectType\":\"Activity\",\"id\":\"" + g.course +
       "\",\"definition\":{\"type\":\"http://id.tincanapi.com/activitytype/lms/course\"}}],"
       "\"grouping\":[{\"objectType\":\"Activity\",\"id\":\"https://moodle.example.org\","
       "\"definition\":{\"type\":\"http://id.tincanapi.com/activitytype/lms\"}}]}}";
  s += ",\"timestamp\":\"" + g.timestamp + "\"}";
  return g;
}

// The p-quantile (0..1) of `v` by nearest rank; reorders `v`. Both programs
// report latencies with it, so their p50/p99 columns compare.
inline double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t k = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

}  // namespace bench

#endif  // LRS_BENCH_INGEST_STATEMENT_GEN_H_
