// The CLI as a user meets it: `maskbench info` and its JSON, feature masking,
// and bad input answered with exit code 2 and one line.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

namespace {

struct Result {
  int exit_code;
  std::string out;  // stdout and stderr together
};

Result run(const std::string& args, const std::string& env = "") {
  const std::string cmd = env + " " + MASKBENCH_BIN + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), out};
}

TEST(Cli, InfoJsonListsEveryImplementationWithRunnability) {
  const Result r = run("info --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j["implementations"].is_array());
  bool scalar = false, emu = false;
  for (const auto& impl : j["implementations"]) {
    if (impl["name"] == "scalar") scalar = impl["runnable"].get<bool>();
    if (impl["name"] == "avx512-emu") emu = impl["runnable"].get<bool>();
    if (!impl["runnable"].get<bool>()) {
      EXPECT_FALSE(impl["reason"].get<std::string>().empty()) << impl["name"];
    }
  }
  EXPECT_TRUE(scalar);
  EXPECT_TRUE(emu) << "the emulated implementation must run everywhere";
  EXPECT_FALSE(j["cpu"]["brand"].get<std::string>().empty());
  EXPECT_FALSE(j["build"]["compiler"].get<std::string>().empty());
}

TEST(Cli, DisableMasksAvx512AndTheLevelsAbove) {
  const Result r = run("info --json", "MASKBENCH_DISABLE=avx512");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  for (const auto& impl : j["implementations"]) {
    const std::string req = impl["requires"];
    if (req.find("avx512") != std::string::npos) {
      EXPECT_FALSE(impl["runnable"].get<bool>()) << impl["name"];
      if (!impl["runnable"].get<bool>()) {
        EXPECT_NE(impl["reason"].get<std::string>().find("avx512"), std::string::npos);
      }
    }
  }
}

TEST(Cli, BadInputExitsTwoWithOneLine) {
  const std::pair<std::string, std::string> cases[] = {
      {"", ""},
      {"no-such-command", ""},
      {"info --bogus", ""},
      {"info", "MASKBENCH_DISABLE=avx1024"},
  };
  for (const auto& [args, env] : cases) {
    const Result r = run(args, env);
    EXPECT_EQ(r.exit_code, 2) << "maskbench " << args << " (" << env << "): " << r.out;
    EXPECT_EQ(r.out.find("terminate"), std::string::npos) << r.out;
  }
}

}  // namespace
