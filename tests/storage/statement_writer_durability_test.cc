#define BOOST_TEST_MODULE storage_statement_writer_durability
// A 200 means durable (StatementWriter invariant 2). These tests kill a
// writing process at the worst moments and check, from a fresh process view
// of the files, that every acknowledged batch is there, whole.
//
// What they do not prove: survival of power loss. SIGKILL loses the
// process, not the OS page cache; synchronous=FULL (checked in
// storage_database) is what carries a commit through power loss.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <set>
#include <sstream>

#include "storage/statement_reader.h"
#include "storage/statement_writer.h"
#include "tests/storage/storage_test_util.h"

namespace lrs::storage {
namespace {

using testing::Batch;
using testing::Record;
using testing::TempDir;
using testing::Uuid;

constexpr int kBatches = 40;
constexpr int kPerBatch = 3;

int StatementNumber(int batch, int k) { return batch * kPerBatch + k + 1; }

enum class Death { kKilledAfterFirstAck, kExitAfterAllAcks };

// In a child process: submits every batch at once, reports each acknowledged
// batch number on `report` as soon as its future resolves, then dies as told.
[[noreturn]] void RunChild(const TempDir& dir, int report, Death death) {
  Result<std::unique_ptr<StatementWriter>> writer =
      StatementWriter::Open(dir.StatementDb(), dir.KeyStore());
  if (!writer.ok()) _exit(2);
  std::vector<std::future<Result<WriteReceipt>>> futures;
  for (int b = 0; b < kBatches; ++b) {
    std::vector<StatementRecord> records;
    for (int k = 0; k < kPerBatch; ++k) records.push_back(Record(StatementNumber(b, k)));
    futures.push_back((*writer)->Submit(Batch(std::move(records))));
  }
  for (int b = 0; b < kBatches; ++b) {
    if (!futures[b].get().ok()) _exit(3);
    const std::string line = std::to_string(b) + "\n";
    if (write(report, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(4);
    if (death == Death::kKilledAfterFirstAck) kill(getpid(), SIGKILL);
  }
  _exit(0);  // no destructors: the writer never gets to drain or close
}

struct ChildResult {
  std::set<int> acknowledged;
  int wait_status = 0;
};

ChildResult RunInChild(const TempDir& dir, Death death) {
  int fds[2];
  BOOST_REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    RunChild(dir, fds[1], death);
  }
  close(fds[1]);
  std::string text;
  char buffer[256];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof(buffer))) > 0;) text.append(buffer, n);
  close(fds[0]);
  ChildResult result;
  BOOST_REQUIRE(waitpid(pid, &result.wait_status, 0) == pid);
  std::istringstream lines(text);
  for (int batch; lines >> batch;) result.acknowledged.insert(batch);
  return result;
}

// Every acknowledged batch is stored; every batch is stored whole or not at all.
void CheckStored(const TempDir& dir, const std::set<int>& acknowledged) {
  Result<std::unique_ptr<StatementReader>> reader = StatementReader::Open(dir.StatementDb());
  BOOST_REQUIRE(reader.ok());
  for (int b = 0; b < kBatches; ++b) {
    int present = 0;
    for (int k = 0; k < kPerBatch; ++k) {
      present += (*reader)->FindById(Uuid(StatementNumber(b, k))).value().has_value();
    }
    BOOST_TEST_CONTEXT("batch " << b) {
      BOOST_TEST((present == 0 || present == kPerBatch));
      if (acknowledged.count(b)) BOOST_TEST(present == kPerBatch);
    }
  }
}

BOOST_AUTO_TEST_CASE(acknowledged_batches_survive_a_kill_right_after_the_first_ack) {
  TempDir dir;
  ChildResult child = RunInChild(dir, Death::kKilledAfterFirstAck);
  BOOST_TEST(WIFSIGNALED(child.wait_status));
  BOOST_TEST(WTERMSIG(child.wait_status) == SIGKILL);
  BOOST_TEST(child.acknowledged == std::set<int>{0});
  CheckStored(dir, child.acknowledged);
}

BOOST_AUTO_TEST_CASE(acknowledged_batches_survive_an_exit_without_shutdown) {
  TempDir dir;
  ChildResult child = RunInChild(dir, Death::kExitAfterAllAcks);
  BOOST_REQUIRE(WIFEXITED(child.wait_status));
  BOOST_TEST(WEXITSTATUS(child.wait_status) == 0);
  BOOST_TEST(child.acknowledged.size() == static_cast<size_t>(kBatches));
  CheckStored(dir, child.acknowledged);
}

BOOST_AUTO_TEST_CASE(data_survives_closing_and_reopening) {
  TempDir dir;
  {
    Result<std::unique_ptr<StatementWriter>> writer =
        StatementWriter::Open(dir.StatementDb(), dir.KeyStore());
    BOOST_REQUIRE(writer.ok());
    BOOST_REQUIRE((*writer)->Submit(Batch({Record(1), Record(2)})).get().ok());
  }
  Result<std::unique_ptr<StatementWriter>> writer =
      StatementWriter::Open(dir.StatementDb(), dir.KeyStore());
  BOOST_REQUIRE(writer.ok());
  BOOST_REQUIRE((*writer)->Submit(Batch({Record(3)})).get().ok());
  Result<std::unique_ptr<StatementReader>> reader = StatementReader::Open(dir.StatementDb());
  BOOST_REQUIRE(reader.ok());
  BOOST_TEST((*reader)->CountStatements().value() == 3);
  BOOST_TEST((*reader)->FindById(Uuid(1)).value()->seq == 1);
  BOOST_TEST((*reader)->FindById(Uuid(3)).value()->seq == 3);
}

}  // namespace
}  // namespace lrs::storage
