#define BOOST_TEST_MODULE storage_private_files
#include "storage/private_files.h"

#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <fstream>

#include "storage/database.h"
#include "storage/schema.h"
#include "tests/storage/storage_test_util.h"

// Issue 15, finding 14: 0600 files and a 0700 directory whatever the umask.

namespace lrs::storage {
namespace {

using testing::TempDir;

int ModeOf(const std::string& path) {
  struct stat info {};
  BOOST_REQUIRE_MESSAGE(::stat(path.c_str(), &info) == 0, path);
  return static_cast<int>(info.st_mode & 07777);
}

// Runs with umask 000 and restores the previous one.
struct OpenUmask {
  mode_t previous = ::umask(0);
  ~OpenUmask() { ::umask(previous); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(database_files_are_0600_under_umask_000) {
  OpenUmask umask;
  TempDir dir;
  const std::string path = dir.File("lrs.db");
  {
    auto db = OpenStatementDatabase(path);
    BOOST_REQUIRE(db.ok());
    BOOST_REQUIRE(!(*db)->Exec("INSERT INTO meta (name, value) VALUES ('x', 'y')"));
    BOOST_TEST(ModeOf(path) == 0600);
    BOOST_TEST(ModeOf(path + "-wal") == 0600);
    BOOST_TEST(ModeOf(path + "-shm") == 0600);
  }
}

BOOST_AUTO_TEST_CASE(existing_database_files_are_brought_to_0600) {
  OpenUmask umask;
  TempDir dir;
  const std::string path = dir.File("old.db");
  for (const std::string& file : {path, path + "-journal"}) {
    std::ofstream(file) << "";
    ::chmod(file.c_str(), 0644);
  }
  BOOST_REQUIRE(!MakeDatabaseFilesPrivate(path));
  BOOST_TEST(ModeOf(path) == 0600);
  BOOST_TEST(ModeOf(path + "-journal") == 0600);
}

BOOST_AUTO_TEST_CASE(the_data_directory_is_0700_under_umask_000) {
  OpenUmask umask;
  TempDir dir;
  const std::string data = dir.File("var/data");
  BOOST_REQUIRE(!CreatePrivateDirectory(data));
  BOOST_TEST(ModeOf(data) == 0700);
  ::chmod(data.c_str(), 0755);
  BOOST_REQUIRE(!CreatePrivateDirectory(data));  // an existing one too
  BOOST_TEST(ModeOf(data) == 0700);
}

}  // namespace lrs::storage
