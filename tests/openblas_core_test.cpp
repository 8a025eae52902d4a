// The OpenBLAS peer runs the library's kernels for this CPU's level
// (bench/peers/openblas_core.hpp): the level table, and the benchmark
// binary's account of the kernels it ran.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "maskbench/cpu.hpp"
#include "peers/openblas_core.hpp"

namespace maskbench::bench::peers {
namespace {

constexpr FeatureSet kV2 = FeatureSet() | Feature::sse42;
constexpr FeatureSet kV3 = kV2 | Feature::avx2;
constexpr FeatureSet kV4 = kV3 | Feature::avx512;

std::string or_none(const char* s) { return s == nullptr ? "(none)" : s; }

TEST(OpenblasKernels, AnOlderChoiceIsRaisedToTheCpusLevel) {
  EXPECT_EQ(or_none(better_openblas_kernels("Prescott", kV4)), "SkylakeX");
  EXPECT_EQ(or_none(better_openblas_kernels("Haswell", kV4)), "SkylakeX");
  EXPECT_EQ(or_none(better_openblas_kernels("Zen", kV4 | Feature::avx512bf16)), "SkylakeX");
  EXPECT_EQ(or_none(better_openblas_kernels("Sandybridge", kV3)), "Haswell");
  EXPECT_EQ(or_none(better_openblas_kernels("Core2", kV2)), "Nehalem");
}

TEST(OpenblasKernels, AChoiceAtOrAboveTheLevelOrUnknownIsKept) {
  EXPECT_EQ(or_none(better_openblas_kernels("SkylakeX", kV4)), "(none)");
  EXPECT_EQ(or_none(better_openblas_kernels("Zen", kV3)), "(none)");
  // MASKBENCH_DISABLE lowers the CPU's level; the library's choice stays.
  EXPECT_EQ(or_none(better_openblas_kernels("Cooperlake", kV2)), "(none)");
  EXPECT_EQ(or_none(better_openblas_kernels("Prescott", FeatureSet())), "(none)");
  EXPECT_EQ(or_none(better_openblas_kernels("NEOVERSEN1", kV4)), "(none)");
  EXPECT_EQ(or_none(better_openblas_kernels("", kV4)), "(none)");
}

// The context entry of one short OpenBLAS benchmark, run with `env`.
std::string kernels_context(const std::string& env) {
  const std::string json = testing::TempDir() + "openblas_core_test.json";
  const std::string cmd = env + " " + MASKBENCH_BENCH_BIN +
                          " --benchmark_filter='^vera/forward/openblas/n:768/out:768/r:16/m:1/w:f32$'"
                          " --benchmark_repetitions=1 --benchmark_min_time=0.001 --benchmark_out_format=json"
                          " --benchmark_out='" + json + "' 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  const int status = pclose(p);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << cmd << "\n" << out;
  std::ifstream in(json);
  const auto j = nlohmann::json::parse(in, nullptr, false);
  std::remove(json.c_str());
  if (j.is_discarded() || !j.contains("context") || !j["context"].contains("maskbench_openblas_kernels")) {
    ADD_FAILURE() << "no maskbench_openblas_kernels in the context of: " << cmd << "\n" << out;
    return "";
  }
  return j["context"]["maskbench_openblas_kernels"].get<std::string>();
}

std::string first_word(const std::string& s) { return s.substr(0, s.find(' ')); }

TEST(OpenblasKernels, TheBenchmarkRunsKernelsForThisCpusLevel) {
  for (const std::string env : {"", "MASKBENCH_DISABLE=avx512"}) {
    const std::string context = kernels_context(env);
    SCOPED_TRACE("env '" + env + "', context '" + context + "'");
    EXPECT_EQ(context.find("failed"), std::string::npos);
    FeatureSet usable = host_cpu().detected;
    if (!env.empty()) usable = usable.without(FeatureSet() | Feature::avx512 | Feature::avx512vbmi2 | Feature::avx512bf16);
    EXPECT_EQ(better_openblas_kernels(first_word(context), usable), nullptr)
        << "the OpenBLAS peer ran kernels below this CPU's level";
  }
}

TEST(OpenblasKernels, TheUsersOpenblasCoretypeIsKept) {
  const std::string context = kernels_context("OPENBLAS_CORETYPE=Prescott");
  EXPECT_EQ(context, "Prescott (OPENBLAS_CORETYPE=Prescott from the environment)");
}

// The environment's text reaches the console's context lines: no escape
// sequence or line break passes through.
TEST(OpenblasKernels, AHostileOpenblasCoretypeIsPrintedHarmlessly) {
  const std::string context = kernels_context("OPENBLAS_CORETYPE=\"$(printf 'x\\033[2J\\n::error::y')\"");
  EXPECT_EQ(context.find('\033'), std::string::npos) << context;
  EXPECT_EQ(context.find('\n'), std::string::npos) << context;
  EXPECT_NE(context.find("from the environment"), std::string::npos) << context;
}

}  // namespace
}  // namespace maskbench::bench::peers
