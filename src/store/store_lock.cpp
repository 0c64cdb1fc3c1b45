#include <carry/store/store_lock.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace carry::store {
namespace {

std::string holder_of(int fd) {
  char buf[32] = {};
  const auto n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string pid = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.empty() ? std::string("unknown pid") : "pid " + pid;
}

}  // namespace

std::filesystem::path StoreLock::lock_path_for(const std::filesystem::path& db_path) {
  return db_path.string() + ".lock";
}

StoreLock::StoreLock(const std::filesystem::path& db_path) : path_(lock_path_for(db_path)) {
  std::error_code ec;
  if (db_path.has_parent_path()) std::filesystem::create_directories(db_path.parent_path(), ec);
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) throw StoreLockError("cannot open the store lock " + path_.string() + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    const std::string who = err == EWOULDBLOCK ? holder_of(fd_) : std::string();
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK)
      throw StoreLockError("store " + db_path.string() + " is in use by another carryd (" + who + ", lock " +
                           path_.string() + "): one daemon per store; stop that one or use another store.db_path");
    throw StoreLockError("cannot lock " + path_.string() + ": " + std::strerror(err));
  }
  // Without the pid the lock still holds; a second instance then reports "unknown pid".
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, pid.data(), pid.size(), 0);
}

StoreLock::~StoreLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock; the file stays (removing it would race a new holder)
}

}  // namespace carry::store
