// exchange.ca_file adds trust anchors to the system's store; it never replaces it (a test or
// private CA configured beside Bitget must not break api.bitget.com's certificate chain).
#include "tls.hpp"

#include "self_signed_cert.hpp"

#include <gtest/gtest.h>

#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include <cstdio>
#include <filesystem>
#include <memory>

namespace carry::bitget {
namespace {

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

X509Ptr read_pem(const std::filesystem::path& file) {
  std::FILE* f = std::fopen(file.c_str(), "r");
  if (!f) return {nullptr, X509_free};
  X509Ptr cert(PEM_read_X509(f, nullptr, nullptr, nullptr), X509_free);
  std::fclose(f);
  return cert;
}

// Whether the context's trust store accepts `cert` (a self-signed root) as trusted.
bool trusts(boost::asio::ssl::context& ctx, X509* cert) {
  X509_STORE* store = SSL_CTX_get_cert_store(ctx.native_handle());
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> vctx(X509_STORE_CTX_new(), X509_STORE_CTX_free);
  if (!vctx || X509_STORE_CTX_init(vctx.get(), store, cert, nullptr) != 1) return false;
  return X509_verify_cert(vctx.get()) == 1;
}

// A root certificate the system's store (Debian's ca-certificates) trusts today.
X509Ptr a_system_root(boost::asio::ssl::context& system_only) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/etc/ssl/certs", ec)) {
    if (e.path().extension() != ".pem") continue;
    if (auto cert = read_pem(e.path()); cert && trusts(system_only, cert.get())) return cert;
  }
  return {nullptr, X509_free};
}

TEST(ClientTls, CaFileIsTrustedBesideTheSystemStore) {
  auto system_only = io::make_client_tls_context({"", true});
  auto system_root = a_system_root(*system_only);
  if (!system_root) GTEST_SKIP() << "no usable system CA certificate in /etc/ssl/certs (package ca-certificates)";
  const auto cert = test::make_self_signed_cert({"DNS:localhost"});
  test::TempFile ca(cert.cert_pem);
  auto own = read_pem(ca.path());
  ASSERT_TRUE(own);

  auto with_ca = io::make_client_tls_context({ca.path().string(), true});
  EXPECT_TRUE(trusts(*with_ca, own.get()));
  EXPECT_TRUE(trusts(*with_ca, system_root.get())) << "ca_file replaced the system trust store";

  EXPECT_FALSE(trusts(*system_only, own.get()));
}

}  // namespace
}  // namespace carry::bitget
