#pragma once
// The simulator test fixture: a sans-I/O Simulator on a manual clock with one account (key1),
// and helpers to send public and signed REST requests to it.
#include "simulator.hpp"

#include <carry/bitget/signer.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace carry::sim::test_support {

using nlohmann::json;

constexpr std::int64_t kStart = 1'700'000'010'000;

struct SimFixture : ::testing::Test {
  // Adjusts the configuration before the simulator is built.
  virtual void configure(SimConfig&) {}

  ManualClock clock{UnixNanos::from_ms(kStart)};
  std::unique_ptr<Simulator> sim;
  bitget::Signer signer{bitget::Credentials{"key1", "secret1", "pass1"}, false};

  void SetUp() override {
    SimConfig cfg;
    cfg.accounts.push_back({"key1", "secret1", "pass1"});
    cfg.funding.interval_ms = 60'000;
    cfg.funding.rate = "0.0003"_dec;
    configure(cfg);
    sim = std::make_unique<Simulator>(cfg, std::make_unique<Tape>(Tape::synthetic(3, cfg.instruments, 600'000, 1000)),
                                      clock);
  }

  void advance(std::int64_t ms) {
    clock.advance(std::chrono::milliseconds(ms));
    sim->step();
  }

  HttpResponse get(const std::string& target) {
    HttpRequest r;
    r.method = "GET";
    r.target = target;
    return sim->handle_http(r);
  }

  HttpResponse signed_call(const std::string& method, const std::string& path, const std::string& query,
                           const std::string& body, const bitget::Signer& s) {
    HttpRequest r;
    r.method = method;
    r.target = query.empty() ? path : path + "?" + query;
    r.body = body;
    for (const auto& h : s.rest_headers(clock.now().ms(), method, path, query, body)) {
      std::string n(h.name);
      for (auto& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[n] = h.value;
    }
    return sim->handle_http(r);
  }

  static json body(const HttpResponse& r) { return json::parse(r.body); }

  std::string place_perp(const std::string& side, const std::string& type, const std::string& size,
                         const std::string& price = "", const std::string& force = "gtc") {
    json b = {{"symbol", "BTCUSDT"},
              {"productType", "USDT-FUTURES"},
              {"marginMode", "crossed"},
              {"marginCoin", "USDT"},
              {"size", size},
              {"side", side},
              {"orderType", type},
              {"force", force}};
    if (!price.empty()) b["price"] = price;
    auto r = signed_call("POST", "/api/v2/mix/order/place-order", "", b.dump(), signer);
    EXPECT_EQ(r.status, 200) << r.body;
    return body(r)["data"]["orderId"].get<std::string>();
  }

  json stats() { return body(get("/sim/stats")); }
};

}  // namespace carry::sim::test_support
