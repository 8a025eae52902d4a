#pragma once
// The end of a conformance run, per implementation: how many tests passed,
// failed, were skipped for the CPU, or are a known defect of the compiler
// that built this binary. With several compilers in the test matrix, this is
// where a failure reads as "this compiler, this implementation".
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <map>
#include <string>

#include "harness/family.hpp"

namespace maskbench::conformance {

class ByImplementation : public testing::EmptyTestEventListener {
 public:
  void OnTestProgramEnd(const testing::UnitTest& unit) override {
    struct Tally {
      int passed = 0, failed = 0, skipped = 0, known_defect = 0;
    };
    std::map<std::string, Tally> by_impl;
    for (int s = 0; s < unit.total_test_suite_count(); ++s) {
      const testing::TestSuite& suite = *unit.GetTestSuite(s);
      for (int t = 0; t < suite.total_test_count(); ++t) {
        const testing::TestInfo& info = *suite.GetTestInfo(t);
        if (!info.should_run()) continue;
        Tally& tally = by_impl[implementation_of(info.name())];
        const testing::TestResult& r = *info.result();
        if (r.Failed()) {
          ++tally.failed;
        } else if (r.Skipped()) {
          const bool known = r.total_part_count() > 0 && schema::is_known_defect(r.GetTestPartResult(0).message());
          ++(known ? tally.known_defect : tally.skipped);
        } else {
          ++tally.passed;
        }
      }
    }
    if (by_impl.size() < 2) return;
    fmt::print("\nconformance built by {}, per implementation:\n", compiler());
    for (const auto& [impl, t] : by_impl) {
      fmt::print("  {:<19} {:>4} passed", impl, t.passed);
      if (t.failed) fmt::print(", {} FAILED", t.failed);
      if (t.known_defect) fmt::print(", {} known defect", t.known_defect);
      if (t.skipped) fmt::print(", {} skipped", t.skipped);
      fmt::print("\n");
    }
    std::fflush(stdout);
  }

 private:
  static std::string implementation_of(std::string_view test_name) {
    const auto slash = test_name.rfind('/');
    if (slash == std::string_view::npos) return "(no implementation)";
    for (const Implementation& impl : implementations())
      if (test_name.substr(slash + 1) == schema::test_name_suffix(impl.name)) return std::string(impl.name);
    return "(no implementation)";
  }
};

}  // namespace maskbench::conformance
