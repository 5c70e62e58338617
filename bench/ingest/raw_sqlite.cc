// "This machine's limit" for ingest: inserts the same statements the load
// generator posts straight into SQLite, with the durability the LRS promises
// (WAL, synchronous=FULL, one transaction per batch of B statements) and a
// schema shaped like a real LRS (a statements table keyed by an insertion
// sequence with indexed query columns, plus per-statement agent and activity
// rows with their own indexes). No HTTP, no JSON parsing, no validation, no
// pseudonymizing or sealing: what is left is the cost of the durable write.
//
// Prints the load generator's JSON line shape, with "connections":1 and
// latencies per transaction:
//   {"batch":B,"connections":1,"statements":N,"seconds":..,
//    "statements_per_s":..,"p50_ms":..,"p99_ms":..}
//
// Usage: raw_sqlite [--total 100000] [--batch 100] [--learners 1000]
//                   [--db PATH]   (default: a fresh file in $TMPDIR, removed after)

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "statement_gen.h"

using bench::Percentile;

namespace {

[[noreturn]] void Die(const char* what, sqlite3* db) {
  std::fprintf(stderr, "raw_sqlite: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
  std::exit(1);
}

void Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "raw_sqlite: %s: %s\n", sql, err ? err : "");
    std::exit(1);
  }
}

sqlite3_stmt* Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) Die(sql, db);
  return st;
}

void BindText(sqlite3_stmt* st, int i, const std::string& v) {
  sqlite3_bind_text(st, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

void Step(sqlite3* db, sqlite3_stmt* st) {
  if (sqlite3_step(st) != SQLITE_DONE) Die("insert", db);
  sqlite3_reset(st);
}

// Stands in for the keyed pseudonym (HMAC-SHA256 hex) an LRS would store.
std::string Pseudonym(const std::string& ifi) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : ifi) h = (h ^ c) * 1099511628211ULL;
  std::string out;
  char buf[17];
  for (int i = 0; i < 4; ++i) {
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(bench::Mix(h + i)));
    out += buf;
  }
  return out;
}

std::string NowIso() {
  using namespace std::chrono;
  auto now = system_clock::now();
  std::time_t t = system_clock::to_time_t(now);
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(ms));
  return buf;
}

uint64_t ParseCount(const char* name, const char* text) {
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(text, &end, 10);
  if (errno || !end || *end || v == 0) {
    std::fprintf(stderr, "raw_sqlite: bad value for %s: %s\n", name, text);
    std::exit(2);
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t total = 100000, batch = 100, learners = 1000;
  std::string path;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "raw_sqlite: missing value for %s\n", a.c_str());
      return 2;
    }
    const char* v = argv[++i];
    if (a == "--total") total = ParseCount("--total", v);
    else if (a == "--batch") batch = ParseCount("--batch", v);
    else if (a == "--learners") learners = ParseCount("--learners", v);
    else if (a == "--db") path = v;
    else {
      std::fprintf(stderr,
                   "usage: raw_sqlite [--total N] [--batch B] [--learners L] [--db PATH]\n");
      return 2;
    }
  }
  bool remove_after = false;
  if (path.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/raw_sqlite_XXXXXX";
    std::vector<char> name(templ.begin(), templ.end());
    name.push_back('\0');
    int fd = mkstemp(name.data());
    if (fd < 0) {
      std::perror("raw_sqlite: mkstemp");
      return 1;
    }
    close(fd);
    path = name.data();
    unlink(path.c_str());
    remove_after = true;
  }

  // Everything is generated before the clock starts, as in the load generator.
  std::vector<bench::GeneratedStatement> rows;
  rows.reserve(total);
  for (uint64_t i = 0; i < total; ++i) rows.push_back(bench::MakeStatement(i, learners, /*with_id=*/true));
  std::vector<std::string> ids;
  ids.reserve(total);
  for (uint64_t i = 0; i < total; ++i) ids.push_back(bench::Uuid(i, 1));
  std::vector<std::string> pseudonyms;
  pseudonyms.reserve(total);
  for (const auto& r : rows) pseudonyms.push_back(Pseudonym(r.actor_ifi));

  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) Die("open", db);
  Exec(db, "PRAGMA journal_mode=WAL");
  Exec(db, "PRAGMA synchronous=FULL");
  Exec(db, "PRAGMA foreign_keys=ON");
  Exec(db,
       "CREATE TABLE statements ("
       " seq INTEGER PRIMARY KEY,"
       " id TEXT NOT NULL UNIQUE,"
       " verb TEXT NOT NULL,"
       " activity TEXT,"
       " registration TEXT,"
       " stored TEXT NOT NULL,"
       " timestamp TEXT NOT NULL,"
       " voided INTEGER NOT NULL DEFAULT 0,"
       " json TEXT NOT NULL);"
       "CREATE INDEX statements_verb ON statements(verb, seq);"
       "CREATE INDEX statements_activity ON statements(activity, seq);"
       "CREATE INDEX statements_registration ON statements(registration, seq);"
       "CREATE INDEX statements_stored ON statements(stored);"
       "CREATE TABLE statement_agents ("
       " seq INTEGER NOT NULL REFERENCES statements(seq),"
       " pseudonym TEXT NOT NULL,"
       " role INTEGER NOT NULL);"
       "CREATE INDEX statement_agents_pseudonym ON statement_agents(pseudonym, seq);"
       "CREATE TABLE statement_activities ("
       " seq INTEGER NOT NULL REFERENCES statements(seq),"
       " activity TEXT NOT NULL,"
       " role INTEGER NOT NULL);"
       "CREATE INDEX statement_activities_activity ON statement_activities(activity, seq);");

  sqlite3_stmt* ins = Prepare(db,
                              "INSERT INTO statements(id, verb, activity, registration, stored, "
                              "timestamp, json) VALUES (?,?,?,?,?,?,?)");
  sqlite3_stmt* ins_agent =
      Prepare(db, "INSERT INTO statement_agents(seq, pseudonym, role) VALUES (?,?,0)");
  sqlite3_stmt* ins_activity =
      Prepare(db, "INSERT INTO statement_activities(seq, activity, role) VALUES (?,?,?)");

  std::vector<double> latencies;
  latencies.reserve(total / batch + 1);
  const auto start = std::chrono::steady_clock::now();
  for (uint64_t first = 0; first < total; first += batch) {
    const auto t0 = std::chrono::steady_clock::now();
    Exec(db, "BEGIN IMMEDIATE");
    const std::string stored = NowIso();
    const uint64_t end = std::min(total, first + batch);
    for (uint64_t i = first; i < end; ++i) {
      const auto& r = rows[i];
      BindText(ins, 1, ids[i]);
      BindText(ins, 2, r.verb);
      BindText(ins, 3, r.activity);
      BindText(ins, 4, r.registration);
      BindText(ins, 5, stored);
      BindText(ins, 6, r.timestamp);
      BindText(ins, 7, r.json);
      Step(db, ins);
      const sqlite3_int64 seq = sqlite3_last_insert_rowid(db);
      sqlite3_bind_int64(ins_agent, 1, seq);
      BindText(ins_agent, 2, pseudonyms[i]);
      Step(db, ins_agent);
      sqlite3_bind_int64(ins_activity, 1, seq);
      BindText(ins_activity, 2, r.activity);
      sqlite3_bind_int(ins_activity, 3, 0);
      Step(db, ins_activity);
      sqlite3_bind_int64(ins_activity, 1, seq);
      BindText(ins_activity, 2, r.course);
      sqlite3_bind_int(ins_activity, 3, 1);
      Step(db, ins_activity);
    }
    Exec(db, "COMMIT");
    latencies.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  sqlite3_finalize(ins);
  sqlite3_finalize(ins_agent);
  sqlite3_finalize(ins_activity);
  sqlite3_close(db);
  if (remove_after) {
    unlink(path.c_str());
    unlink((path + "-wal").c_str());
    unlink((path + "-shm").c_str());
  }

  const double p50 = Percentile(latencies, 0.50);
  const double p99 = Percentile(latencies, 0.99);
  std::fprintf(stderr, "raw_sqlite: SQLite %s, %s\n", sqlite3_libversion(), path.c_str());
  std::printf(
      "{\"batch\":%llu,\"connections\":1,\"statements\":%llu,\"seconds\":%.3f,"
      "\"statements_per_s\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f}\n",
      static_cast<unsigned long long>(batch), static_cast<unsigned long long>(total), seconds,
      static_cast<double>(total) / seconds, p50, p99);
  return 0;
}
