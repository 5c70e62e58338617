#include "storage/private_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace lrs::storage {
namespace {

Error ModeError(const std::string& path, const char* what) {
  return MakeError(500, "data directory", path,
                   std::string(what) + " " + path + ": " + std::strerror(errno));
}

}  // namespace

MaybeError CreatePrivateDirectory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return MakeError(400, "data directory", dir, "cannot create " + dir + ": " + ec.message());
  if (::chmod(dir.c_str(), 0700) != 0) return ModeError(dir, "cannot make private");
  return std::nullopt;
}

MaybeError MakeDatabaseFilesPrivate(const std::string& path) {
  // Never open and close an existing database file: closing any descriptor
  // of a file drops every POSIX lock this process holds on it, those of
  // SQLite's connections included, and another process could then take the
  // database for unused and reset its WAL under them. Only a file that did
  // not exist (O_EXCL: no connection can hold a lock on it) is opened here.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0) {
    const bool ok = ::fchmod(fd, 0600) == 0;
    ::close(fd);
    if (!ok) return ModeError(path, "cannot make private");
  } else if (errno != EEXIST) {
    return ModeError(path, "cannot create");
  } else if (::chmod(path.c_str(), 0600) != 0) {
    return ModeError(path, "cannot make private");
  }
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    const std::string companion = path + suffix;
    if (::chmod(companion.c_str(), 0600) != 0 && errno != ENOENT) {
      return ModeError(companion, "cannot make private");
    }
  }
  return std::nullopt;
}

}  // namespace lrs::storage
