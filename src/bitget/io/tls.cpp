#include "tls.hpp"

#include <boost/asio/ssl/error.hpp>

#include <openssl/x509v3.h>

#include <stdexcept>

namespace carry::bitget::io {

namespace ssl = boost::asio::ssl;

std::shared_ptr<ssl::context> make_client_tls_context(const TlsOptions& options) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  // exchange.ca_file adds a trust anchor (a private CA, a test CA) to the system's store: it never
  // replaces it, so pointing it at a test CA cannot break the real exchange's certificate chain.
  ctx->set_default_verify_paths(ec);
  if (ec) throw std::runtime_error("TLS: cannot load the system CA store: " + ec.message());
  if (!options.ca_file.empty()) {
    ctx->load_verify_file(options.ca_file, ec);
    if (ec) throw std::runtime_error("TLS: cannot load CA file '" + options.ca_file + "': " + ec.message());
  }
  ctx->set_verify_mode(options.verify_peer ? ssl::verify_peer : ssl::verify_none);
  return ctx;
}

bool prepare_client_ssl(SSL* ssl, const Url& url, bool verify_peer) {
  const bool ip = url.host_is_ip();
  if (!ip && SSL_set_tlsext_host_name(ssl, url.host.c_str()) != 1) return false;
  if (!verify_peer) return true;
  // OpenSSL checks the name during the handshake (the chain check alone accepts any valid cert).
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (ip) return X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str()) == 1;
  return X509_VERIFY_PARAM_set1_host(param, url.host.c_str(), url.host.size()) == 1;
}

bool is_tls_failure(const boost::system::error_code& ec) {
  // stream_truncated is a peer closing abruptly: transient, like any reset.
  return ec.category() == boost::asio::error::get_ssl_category();
}

}  // namespace carry::bitget::io
