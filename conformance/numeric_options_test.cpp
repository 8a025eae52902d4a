// Every numeric option of the CLI goes through one parser: NaN, infinities,
// values past the target type (a float --lambda of 1e300), out of range,
// trailing junk, hexadecimal and empty text all exit 2 with one line naming
// the option; and the TIES threshold of the kernel library is defined for
// any percentage, NaN included.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "harness/cli_run.hpp"
#include "maskbench/registry.hpp"
#include "maskbench/taskvec.hpp"

namespace maskbench::conformance {
namespace {

class NumericOptions : public CliScratch {
 protected:
  void SetUp() override {
    CliScratch::SetUp();
    const std::string header = R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})";
    write_safetensors("pre.safetensors", header, std::string(16, '\0'));
    write_safetensors("ft.safetensors", header, std::string(16, '\x01'));
    files_ = fmt::format("taskvec --base '{}' '{}'", path("pre.safetensors"), path("ft.safetensors"));
    merge_ = fmt::format("{} --out '{}'", files_, path("merged.safetensors"));
  }
  std::string files_, merge_;
};

const std::vector<std::string> kNotFinite = {"nan", "NaN", "-nan", "inf", "-inf", "infinity", "1e400", "-1e400",
                                             "", "5x", "0x10", "1,5", " 1", "1 ", "--"};

TEST_F(NumericOptions, TaskvecRefusesEveryBadNumber) {
  for (const std::string& v : kNotFinite) {
    EXPECT_TRUE(refused(run(fmt::format("{} --ties 20% --lambda='{}'", merge_, v)), {"--lambda"})) << "--lambda " << v;
    EXPECT_TRUE(refused(run(fmt::format("{} --ties='{}%'", merge_, v)), {"--ties"})) << "--ties " << v;
    EXPECT_TRUE(refused(run(fmt::format("{} --warn='{}'", files_, v)), {"--warn"})) << "--warn " << v;
  }
  // Finite as a double, past float: the conversion to the kernels' float
  // would be undefined.
  for (const char* v : {"1e300", "-1e300", "3.5e38", "-3.5e38"})
    EXPECT_TRUE(refused(run(fmt::format("{} --ties 20% --lambda {}", merge_, v)), {"--lambda", "out of range"})) << v;
  for (const char* v : {"0", "0%", "-5%", "100.5", "1e9"})
    EXPECT_TRUE(refused(run(fmt::format("{} --ties {}", merge_, v)), {"--ties", "out of range"})) << v;
  for (const char* v : {"-0.1", "1.01", "2"})
    EXPECT_TRUE(refused(run(fmt::format("{} --warn {}", files_, v)), {"--warn", "out of range"})) << v;
  EXPECT_FALSE(std::filesystem::exists(path("merged.safetensors")));
  // The edges of each range are accepted.
  for (const char* ok : {" --ties 100% --lambda -3.4e38", " --ties 1e-9 --lambda 0"}) {
    const CliResult r = run(merge_ + ok);
    EXPECT_EQ(r.rc, 0) << ok << ": " << r.err;
  }
  EXPECT_EQ(run(files_ + " --warn 1").rc, 0);
}

TEST_F(NumericOptions, GateRefusesEveryBadNumberBeforeReadingTheResults) {
  // The directories do not exist: the options are refused first.
  const std::string gate = fmt::format("gate '{}' '{}'", path("a"), path("b"));
  for (const std::string& v : kNotFinite) {
    EXPECT_TRUE(refused(run(fmt::format("{} --threshold='{}'", gate, v)), {"--threshold"})) << v;
    EXPECT_TRUE(refused(run(fmt::format("{} --alpha='{}'", gate, v)), {"--alpha"})) << v;
  }
  for (const char* v : {"0", "0%", "-5%", "1001%", "11"})
    EXPECT_TRUE(refused(run(fmt::format("{} --threshold {}", gate, v)), {"--threshold", "out of range"})) << v;
  for (const char* v : {"0", "0.51", "5%"})
    EXPECT_TRUE(refused(run(fmt::format("{} --alpha {}", gate, v)), {"--alpha"})) << v;
}

// ties_threshold over one array of magnitudes 1..100: a NaN or non-positive
// percentage keeps nothing (a NaN threshold), one past 100 keeps everything.
TEST(TiesThreshold, DefinedForEveryPercentage) {
  const TaskvecTyped<float>& ref = maskbench::reference().kernels<TaskvecKernels>()->f32;
  std::vector<float> pre(100, 0.0f), ft(100);
  for (int i = 0; i < 100; ++i) ft[i] = static_cast<float>(i + 1);
  const auto threshold = [&](double percent) {
    return ties_threshold(percent, pre.size(), [&](std::int32_t prefix, std::uint64_t* hist) {
      ref.ties_histogram(pre.data(), ft.data(), pre.size(), prefix, hist);
    });
  };
  for (double p : {std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::quiet_NaN(), 0.0, -5.0,
                   -std::numeric_limits<double>::infinity()})
    EXPECT_TRUE(std::isnan(threshold(p))) << "percent " << p << " keeps something: " << threshold(p);
  for (double p : {100.0, 250.0, 1e300, std::numeric_limits<double>::infinity()}) EXPECT_EQ(threshold(p), 1.0f) << p;
  EXPECT_EQ(threshold(30.0), 71.0f);
}

}  // namespace
}  // namespace maskbench::conformance
