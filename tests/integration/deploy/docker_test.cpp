// deploy/Dockerfile builds (a multi-stage Debian build of carryd) and the image runs carryd as a
// non-root user. Only where a docker daemon answers `docker info`; skipped at once otherwise.
// Label `docker`: `ctest -LE docker` (CI without docker) does not even start it.
#include <carry_test/paths.hpp>
#include <carry_test/process.hpp>

#include <gtest/gtest.h>

#include <cstdlib>

namespace {

using carry_test::Process;
using namespace std::chrono_literals;

std::optional<std::string> docker_path() {
  for (const char* p : {"/usr/bin/docker", "/usr/local/bin/docker"})
    if (::access(p, X_OK) == 0) return std::string(p);
  return std::nullopt;
}

TEST(Docker, TheImageBuildsAndRunsCarrydAsANonRootUser) {
  const auto docker = docker_path();
  if (!docker) GTEST_SKIP() << "docker is not installed";
  {
    Process info({*docker, "info"});
    if (info.wait(20s).value_or(1) != 0) GTEST_SKIP() << "docker is installed but no daemon answers `docker info`";
  }
  Process build({*docker, "build", "-f", std::string(carry_test::source_dir()) + "/deploy/Dockerfile", "-t",
                 "carry:test", carry_test::source_dir()});
  const auto built = build.wait(3600s);
  ASSERT_TRUE(built.has_value()) << "docker build did not finish within an hour";
  ASSERT_EQ(*built, 0) << build.err();
  Process version({*docker, "run", "--rm", "carry:test", "--version"});
  ASSERT_EQ(version.wait(120s).value_or(-1), 0) << version.err();
  EXPECT_NE(version.out().find("carryd"), std::string::npos) << version.out();
  Process user({*docker, "run", "--rm", "--entrypoint", "id", "carry:test", "-u"});
  ASSERT_EQ(user.wait(120s).value_or(-1), 0) << user.err();
  EXPECT_EQ(user.out(), "10001\n");
}

}  // namespace
