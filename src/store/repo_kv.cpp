// store::Repo: the kv table and what lives in it: the client-id counters, the kill switch, the
// store's instance id.
#include "repo_internal.hpp"

#include <charconv>
#include <random>

namespace carry::store {

using namespace detail;

namespace {

Result<std::uint64_t> parse_counter(std::string_view text) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) return make_error_code(Errc::bad_payload);
  return v;
}

std::string draw_instance_id() {
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  std::string id;
  for (std::size_t i = 0; i < Repo::kInstanceIdLength; ++i) id += kAlphabet[pick(rd)];
  return id;
}

}  // namespace

std::optional<std::string> Repo::Impl::do_get_kv(std::string_view key) {
  return select_one(
      get_kv, "kv", [](const Row& r) { return r.text(0); }, key);
}

void Repo::Impl::do_put_kv(std::string_view key, std::string_view value, UnixNanos ts) { run(put_kv, key, value, ts); }

std::uint64_t Repo::Impl::do_counter(std::string_view key) {
  const auto text = do_get_kv(key);
  if (!text) return 0;
  auto v = parse_counter(*text);
  if (!v) throw BadRow("kv." + std::string(key) + ": '" + *text + "' is not a counter");
  return *v;
}

Result<void> Repo::put_kv(std::string_view key, std::string_view value, UnixNanos ts) {
  return impl_->guarded([&]() -> Result<void> {
    impl_->do_put_kv(key, value, ts);
    return {};
  });
}

Result<void> Repo::put_kill_switch(const KillSwitchRecord& state) {
  const nlohmann::json j{{"state", state.state}, {"reason", state.reason}, {"since_ns", state.since.ns}};
  return put_kv(kKillSwitchKey, j.dump(), state.since);
}

Result<std::uint64_t> Repo::reserve_client_ids(std::uint64_t n, std::string_view key) {
  return impl_->guarded([&]() -> Result<std::uint64_t> {
    return impl_->in_txn([&]() -> Result<std::uint64_t> {
      const std::uint64_t high = impl_->do_counter(key);
      impl_->do_put_kv(key, std::to_string(high + n), impl_->now());
      return high;
    });
  });
}

Result<void> Repo::persist_counter(std::uint64_t value, std::string_view key) {
  return impl_->guarded([&]() -> Result<void> {
    return impl_->in_txn([&]() -> Result<void> {
      if (value > impl_->do_counter(key)) impl_->do_put_kv(key, std::to_string(value), impl_->now());
      return {};
    });
  });
}

Result<std::string> Repo::instance_id() {
  return impl_->guarded([&]() -> Result<std::string> {
    return impl_->in_txn([&]() -> Result<std::string> {
      if (auto have = impl_->do_get_kv(kInstanceIdKey)) return *have;
      std::string id = draw_instance_id();
      impl_->do_put_kv(kInstanceIdKey, id, impl_->now());
      return id;
    });
  });
}

Result<std::uint64_t> Repo::counter(std::string_view key) {
  return impl_->guarded([&]() -> Result<std::uint64_t> { return impl_->do_counter(key); });
}

Result<std::optional<std::string>> Repo::get_kv(std::string_view key) {
  return impl_->guarded([&]() -> Result<std::optional<std::string>> { return impl_->do_get_kv(key); });
}

Result<std::optional<KillSwitchRecord>> Repo::kill_switch() {
  return impl_->guarded([&]() -> Result<std::optional<KillSwitchRecord>> {
    const auto text = impl_->do_get_kv(kKillSwitchKey);
    if (!text) return std::optional<KillSwitchRecord>{};
    const auto j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("state") || !j["state"].is_string() || !j.contains("since_ns") ||
        !j["since_ns"].is_number_integer())
      throw BadRow("kv.kill_switch: '" + *text + "' is not a kill-switch state");
    KillSwitchRecord r;
    r.state = j["state"].get<std::string>();
    r.reason = j.value("reason", std::string());
    r.since = UnixNanos{j["since_ns"].get<std::int64_t>()};
    return std::optional<KillSwitchRecord>(std::move(r));
  });
}

}  // namespace carry::store
