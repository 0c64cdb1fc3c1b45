#pragma once
// One daemon per store: carryd (and --reset-kill-switch) hold an exclusive lock on a file beside
// the database while they write to it. A second instance on the same store is refused with the
// holder's pid instead of interleaving client ids and rows with the first. flock(2): the kernel
// drops the lock when the process ends, so a crash never leaves a stale lock behind.
#include <filesystem>
#include <stdexcept>

namespace carry::store {

class StoreLockError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class StoreLock {
 public:
  // Locks `<db_path>.lock` (creating it and the database's folder) and writes our pid into it.
  // Throws StoreLockError with one line naming the database and the process that holds it.
  explicit StoreLock(const std::filesystem::path& db_path);
  ~StoreLock();
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;

  static std::filesystem::path lock_path_for(const std::filesystem::path& db_path);
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace carry::store
