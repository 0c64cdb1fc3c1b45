#include <carry/bitget/account_kind.hpp>

namespace carry::bitget {

std::string_view to_string(AccountKind k) noexcept { return k == AccountKind::Uta ? "uta" : "classic"; }

std::optional<AccountModeSetting> account_mode_setting_from(std::string_view s) noexcept {
  if (s == "auto") return AccountModeSetting::Auto;
  if (s == "classic") return AccountModeSetting::Classic;
  if (s == "uta") return AccountModeSetting::Uta;
  return std::nullopt;
}

std::string_view to_string(AccountModeSetting s) noexcept {
  switch (s) {
    case AccountModeSetting::Classic:
      return "classic";
    case AccountModeSetting::Uta:
      return "uta";
    case AccountModeSetting::Auto:
      break;
  }
  return "auto";
}

namespace {

std::string string_field(const nlohmann::json& data, const char* key) {
  if (!data.is_object()) return {};
  auto it = data.find(key);
  return it != data.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

AccountProbe classify_account_settings(const nlohmann::json& data) {
  AccountProbe p;
  p.account_mode = string_field(data, "accountMode");
  p.hold_mode = string_field(data, "holdMode");
  if (p.account_mode == "unified" || p.account_mode == "hybrid") {
    p.verdict = AccountProbe::Verdict::Known;
    p.kind = AccountKind::Uta;
  } else if (p.account_mode == "upgrading" || p.account_mode == "switching") {
    p.verdict = AccountProbe::Verdict::Wait;
    p.reason = "the account is " + p.account_mode + " (Bitget is changing its kind): wait until it is done";
  } else {
    p.verdict = AccountProbe::Verdict::Refused;
    p.reason = p.account_mode.empty() ? std::string("/api/v3/account/settings answered without an accountMode")
                                      : "/api/v3/account/settings: unknown accountMode \"" + p.account_mode + "\"";
  }
  return p;
}

AccountProbe classify_account_settings_error(const Error& e) {
  AccountProbe p;
  if (e.exchange_code == "40084" || e.exchange_code == "404" || e.exchange_code == "40404") {
    p.verdict = AccountProbe::Verdict::Known;
    p.kind = AccountKind::Classic;
    return p;
  }
  p.verdict = e.retryable() ? AccountProbe::Verdict::Failed : AccountProbe::Verdict::Refused;
  p.reason = "GET /api/v3/account/settings: " + e.to_string();
  return p;
}

KindChoice choose_account_kind(AccountModeSetting setting, AccountKind detected) {
  if (setting == AccountModeSetting::Auto || (setting == AccountModeSetting::Uta) == (detected == AccountKind::Uta))
    return {detected, {}};
  const bool uta = detected == AccountKind::Uta;
  return {std::nullopt, std::string("exchange.account_mode is ") + std::string(to_string(setting)) +
                            " but the API key belongs to a " +
                            (uta ? "Unified Trading Account (UTA)" : "Classic account") +
                            ": set exchange.account_mode to " + (uta ? "uta" : "classic") +
                            " (or auto), or use a key of a " + (uta ? "Classic" : "UTA") + " account"};
}

AccountKind assumed_account_kind(AccountModeSetting setting) noexcept {
  return setting == AccountModeSetting::Uta ? AccountKind::Uta : AccountKind::Classic;
}

std::string ws_url_for(AccountKind kind, std::string_view url) {
  const std::string_view from = kind == AccountKind::Uta ? "/v2/ws/" : "/v3/ws/";
  const std::string_view to = kind == AccountKind::Uta ? "/v3/ws/" : "/v2/ws/";
  std::string out(url);
  // Only in the path: after "scheme://host".
  const auto scheme = out.find("://");
  const auto path = out.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (path == std::string::npos) return out;
  if (out.compare(path, from.size(), from) == 0) out.replace(path, from.size(), to);
  return out;
}

}  // namespace carry::bitget
