#pragma once
// Throwaway self-signed certificate for loopback TLS tests, generated with the OpenSSL API.
#include <filesystem>
#include <string>
#include <vector>

namespace carry::test {

struct SelfSignedCert {
  std::string cert_pem;
  std::string key_pem;
};

// P-256 key, SHA-256 signature, valid from one minute ago for one hour. `subject_alt_names` uses
// OpenSSL's config syntax ("IP:127.0.0.1", "DNS:localhost").
SelfSignedCert make_self_signed_cert(const std::vector<std::string>& subject_alt_names);

// Writes `pem` to a fresh file in the temp directory (removed by the returned guard).
class TempFile {
 public:
  explicit TempFile(const std::string& contents);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace carry::test
