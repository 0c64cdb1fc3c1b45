#pragma once
// Client TLS setup shared by the REST transport and the WebSocket client (private; .cpp-only users).
#include "url.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream_base.hpp>

#include <openssl/ssl.h>

#include <memory>
#include <string>

namespace carry::bitget::io {

struct TlsOptions {
  std::string ca_file;      // PEM bundle trusted in addition to the system store; empty = system only
  bool verify_peer = true;  // false only for explicit local experiments, never by default
};

// TLS 1.2+ client context with peer verification. Throws std::runtime_error naming the CA file
// when it cannot be loaded (a start-up configuration error).
std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(const TlsOptions& options);

// SNI (skipped for IP literals) and host-name/IP verification on one SSL handle.
// Returns false when OpenSSL refuses the name (reported as a configuration error by callers).
bool prepare_client_ssl(SSL* ssl, const Url& url, bool verify_peer);

// Whether an error from a TLS handshake is a certificate/protocol failure (not transient).
bool is_tls_failure(const boost::system::error_code& ec);

}  // namespace carry::bitget::io
