// The conformance binary: GoogleTest over the registry. It prints the seed
// first so that any run can be replayed with MASKBENCH_SEED, and records the
// compiler, seed and level in its JSON output.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "harness/by_implementation.hpp"
#include "harness/upper_state.hpp"
#include "harness/values.hpp"
#include "maskbench/cpu.hpp"
#include "maskbench/registry.hpp"
#include "schema.hpp"

namespace {

// What a results reader needs to know about the run, as properties of the
// whole program: GoogleTest writes them into the top level of its JSON.
class RunFacts : public testing::Environment {
 public:
  void SetUp() override {
    namespace schema = maskbench::schema;
    testing::Test::RecordProperty(schema::kSchemaProperty, schema::tag(schema::Document::conformance));
    testing::Test::RecordProperty(schema::kCompilerProperty, std::string(maskbench::compiler()));
    testing::Test::RecordProperty(schema::kSeedProperty, fmt::format("{:#x}", maskbench::conformance::seed()));
    testing::Test::RecordProperty(schema::kLevelProperty, maskbench::conformance::conformance_level());
  }
};

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  if (const std::string& err = maskbench::host_cpu().disable_error; !err.empty()) {
    fmt::print(stderr, "maskbench-conformance: {}\n", err);
    return 2;
  }
  fmt::print("maskbench-conformance: built by {}, MASKBENCH_SEED={:#x}, level {}, usable features: {}, "
             "upper-state check {}\n",
             maskbench::compiler(), maskbench::conformance::seed(), maskbench::conformance::conformance_level(),
             maskbench::feature_names(maskbench::host_cpu().usable()),
             maskbench::conformance::upper_state_readable() ? "on" : "off (no exact XINUSE to read)");
  testing::AddGlobalTestEnvironment(new RunFacts);
  testing::UnitTest::GetInstance()->listeners().Append(new maskbench::conformance::ByImplementation);
  return RUN_ALL_TESTS();
}
