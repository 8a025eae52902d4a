// The conformance binary: GoogleTest over the registry. It prints the seed
// first so that any run can be replayed with MASKBENCH_SEED.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "harness/by_implementation.hpp"
#include "harness/values.hpp"
#include "maskbench/cpu.hpp"
#include "maskbench/registry.hpp"

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  if (const std::string& err = maskbench::host_cpu().disable_error; !err.empty()) {
    fmt::print(stderr, "maskbench-conformance: {}\n", err);
    return 2;
  }
  fmt::print("maskbench-conformance: built by {}, MASKBENCH_SEED={:#x}, usable features: {}\n", maskbench::compiler(),
             maskbench::conformance::seed(), maskbench::feature_names(maskbench::host_cpu().usable()));
  testing::UnitTest::GetInstance()->listeners().Append(new maskbench::conformance::ByImplementation);
  return RUN_ALL_TESTS();
}
