#include "plugin/app/data_dir_lock.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace lrs::plugin {

Result<std::unique_ptr<DataDirLock>> DataDirLock::Acquire(const std::string& data_dir) {
  const std::string path = data_dir + "/lrs.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return MakeError(500, "data directory", path,
                     "cannot open " + path + ": " + std::strerror(errno));
  }
  ::fchmod(fd, 0600);  // one made by an older version may be 0644
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) {
      return MakeError(409, "data directory", path,
                       "another lrs process holds " + path + " (stop it first)");
    }
    return MakeError(500, "data directory", path,
                     "cannot lock " + path + ": " + std::strerror(error));
  }
  return std::unique_ptr<DataDirLock>(new DataDirLock(fd));
}

DataDirLock::~DataDirLock() { ::close(fd_); }

}  // namespace lrs::plugin
