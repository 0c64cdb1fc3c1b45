// deploy/carry.service: what the unit must say (restart on failure, hardening, the writable
// directories, the ops-check before start, no EnvironmentFile), and that systemd accepts it:
// `systemd-analyze verify` on a copy whose ExecStart points at the carryd just built (verify needs
// the binary to exist). Also that deploy/prometheus.yml scrapes carryd's /metrics and that the
// compose file runs both.
#include <carry_test/paths.hpp>
#include <carry_test/process.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

namespace {

using carry_test::Process;
using carry_test::read_file;
using carry_test::TempDir;
using namespace std::chrono_literals;

const std::filesystem::path kDeploy = std::filesystem::path(carry_test::source_dir()) / "deploy";

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

bool has_line(const std::string& text, const std::string& line) {
  return std::regex_search(text, std::regex("(^|\n)" + line + "(\n|$)"));
}

std::optional<std::string> find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (std::size_t start = 0; start <= dirs.size();) {
    const auto colon = dirs.find(':', start);
    const std::string dir = dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    const auto candidate = std::filesystem::path(dir) / name;
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return std::nullopt;
}

TEST(Deploy, TheUnitRestartsOnFailureIsHardenedAndKeepsSecretsOutOfTheEnvironment) {
  const std::string unit = read_file(kDeploy / "carry.service");
  ASSERT_FALSE(unit.empty());
  EXPECT_TRUE(has_line(unit, "Restart=on-failure"));
  EXPECT_TRUE(has_line(unit, "RestartPreventExitStatus=2"));
  EXPECT_TRUE(has_line(unit, "NoNewPrivileges=yes"));
  EXPECT_TRUE(has_line(unit, "ProtectSystem=strict"));
  EXPECT_TRUE(has_line(unit, "ReadWritePaths=/opt/carry/var /opt/carry/logs /opt/carry/reports"));
  EXPECT_TRUE(has_line(unit, "ExecStartPre=/opt/carry/bin/carryd .*--ops-check"));
  EXPECT_TRUE(has_line(unit, "LimitCORE=0"));
  EXPECT_FALSE(std::regex_search(unit, std::regex("(^|\n)EnvironmentFile=")));
  EXPECT_FALSE(std::regex_search(unit, std::regex("(^|\n)Environment=.*KEYS__")));
}

TEST(Deploy, TheUnitPassesSystemdAnalyzeVerify) {
  const auto analyze = find_program("systemd-analyze");
  if (!analyze) GTEST_SKIP() << "systemd-analyze is not installed here: the unit file cannot be verified";
  TempDir dir("deploy_unit");
  const std::string unit =
      replace_all(read_file(kDeploy / "carry.service"), "/opt/carry/bin/carryd", carry_test::carryd_path());
  const auto file = dir.write("carry.service", unit);
  Process p({*analyze, "verify", file}, {{"SYSTEMD_LOG_COLOR", "0"}});
  const auto code = p.wait(60s);
  ASSERT_TRUE(code.has_value()) << "systemd-analyze verify did not finish";
  EXPECT_EQ(*code, 0) << p.out() << p.err();
  // Unknown or misplaced keys are only warnings to systemd ("ignoring"): here they fail.
  EXPECT_EQ(p.err().find(dir.path().string()), std::string::npos) << p.err();
  EXPECT_EQ(p.err().find("ignoring"), std::string::npos) << p.err();
}

TEST(Deploy, TheVerifierWouldCatchABrokenUnit) {
  const auto analyze = find_program("systemd-analyze");
  if (!analyze) GTEST_SKIP() << "systemd-analyze is not installed here";
  TempDir dir("deploy_unit_bad");
  // The real unit with its binary path left pointing nowhere: verify must refuse it.
  const auto file = dir.write("carry.service", replace_all(read_file(kDeploy / "carry.service"),
                                                           "/opt/carry/bin/carryd", "/nonexistent/carryd"));
  Process p({*analyze, "verify", file});
  EXPECT_NE(p.wait(60s).value_or(0), 0) << p.err();
}

TEST(Deploy, ComposeRunsCarrydAndAPrometheusThatScrapesItsMetrics) {
  const std::string compose = read_file(kDeploy / "compose.yaml");
  const std::string prom = read_file(kDeploy / "prometheus.yml");
  const std::string docker = read_file(kDeploy / "Dockerfile");
  EXPECT_NE(compose.find("dockerfile: deploy/Dockerfile"), std::string::npos);
  EXPECT_NE(compose.find("prometheus.yml:/etc/prometheus/prometheus.yml"), std::string::npos);
  EXPECT_NE(prom.find("metrics_path: /metrics"), std::string::npos);
  EXPECT_NE(prom.find("carry:9464"), std::string::npos);
  EXPECT_NE(prom.find("file_sd_configs"), std::string::npos);
  EXPECT_TRUE(has_line(docker, "FROM debian:bookworm AS build"));
  EXPECT_TRUE(has_line(docker, "USER carry"));
  EXPECT_NE(docker.find("HEALTHCHECK"), std::string::npos);
  EXPECT_NE(docker.find("http://127.0.0.1:9464/health"), std::string::npos);
}

}  // namespace
