#pragma once
// Runs the maskbench binary that sits beside the conformance binary, in a
// scratch directory that the fixture creates and removes: for the tests of
// what the command line refuses.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "maskbench/cpu.hpp"

namespace maskbench::conformance {

struct CliResult {
  int rc;  // the exit status; -1 when killed by a signal
  std::string out, err;
};

class CliScratch : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(binary())) << binary() << " is missing: build the maskbench target";
    std::string tmpl = (std::filesystem::temp_directory_path() / "maskbench-cli-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::filesystem::path binary() {
    return std::filesystem::read_symlink("/proc/self/exe").parent_path() / "maskbench";
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // `maskbench ARGS` (ARGS as a shell would split them), stopped after 20
  // seconds (120 under an emulator) so that a hang fails instead of blocking
  // the suite. The child
  // sees the CPU levels this process sees: under qemu-user (the dispatch
  // proof) only this process is emulated, and the child would otherwise
  // run on the host's CPU and disagree with the test's expectations. A
  // cross-built binary's child needs the emulator too:
  // MASKBENCH_CHILD_LAUNCHER (tests/qemu_cross.sh sets it) is put before it.
  CliResult run(const std::string& args) const {
    const std::string out = path(".stdout"), err = path(".stderr");
    FeatureSet all;
    for (const FeatureInfo& f : all_features()) all = all | f.feature;
    const FeatureSet unusable = all.without(host_cpu().usable());
    const std::string env = unusable.empty() ? "" : fmt::format("MASKBENCH_DISABLE={} ", feature_names(unusable));
    const char* launcher = std::getenv("MASKBENCH_CHILD_LAUNCHER");
    const std::string cmd = fmt::format("{}timeout -s KILL {} {} '{}' {} >'{}' 2>'{}' </dev/null", env,
                                        launcher != nullptr ? 120 : 20, launcher != nullptr ? launcher : "",
                                        binary().string(), args, out, err);
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
  }

  static std::string slurp(const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }

  // A safetensors file from its header text and data bytes.
  void write_safetensors(const std::string& name, const std::string& header, const std::string& data) const {
    std::ofstream f(path(name), std::ios::binary);
    const std::uint64_t n = header.size();
    for (int i = 0; i < 8; ++i) f.put(static_cast<char>(n >> (8 * i)));
    f << header << data;
  }

  std::filesystem::path dir_;
};

// Exit 2 with one line on stderr that holds every one of `wanted`.
inline testing::AssertionResult refused(const CliResult& r, std::initializer_list<std::string_view> wanted) {
  if (r.rc != 2) return testing::AssertionFailure() << "exit " << r.rc << ", expected 2; stderr: " << r.err << " stdout: " << r.out;
  if (r.err.empty() || r.err.find('\n') != r.err.size() - 1)
    return testing::AssertionFailure() << "expected one line on stderr, got: " << r.err;
  for (std::string_view w : wanted)
    if (r.err.find(w) == std::string::npos) return testing::AssertionFailure() << "'" << w << "' missing from: " << r.err;
  return testing::AssertionSuccess();
}

}  // namespace maskbench::conformance
