#pragma once
// A fresh directory under the system temp dir, removed with its content at scope exit.
#include <unistd.h>
#include <atomic>
#include <filesystem>
#include <string>

namespace carry::store::testing {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> seq{0};
    path_ = std::filesystem::temp_directory_path() /
            ("carry_store_" + std::to_string(::getpid()) + "_" + std::to_string(seq++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path file(const std::string& name = "carry.db") const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace carry::store::testing
