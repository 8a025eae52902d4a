#pragma once
// Value-parameterized tests over the registry: every implementation that
// provides a family becomes one instance of that family's test suite, named
// after it. An implementation this CPU cannot run is skipped with the reason.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "contracts/contract.hpp"
#include "harness/skip.hpp"
#include "harness/upper_state.hpp"
#include "maskbench/known_defects.hpp"
#include "maskbench/registry.hpp"
#include "schema.hpp"

namespace maskbench::conformance {

inline std::string impl_test_name(const testing::TestParamInfo<const Implementation*>& info) {
  return schema::test_name_suffix(info.param->name);
}

template <class Table>
class FamilyTest : public testing::TestWithParam<const Implementation*> {
 public:
  void SetUp() override {
    const Runnability r = runnable(*GetParam());
    if (!r.ok) MB_SKIP(schema::skipped_reason(r.reason));
    if (const KnownDefect* d = known_defect(GetParam()->name)) MB_SKIP(schema::known_defect_reason(d->id, d->summary));
  }
  const Implementation& impl() const { return *GetParam(); }
  const Table& k() const { return *GetParam()->kernels<Table>(); }
  // The scalar reference, which every implementation is checked against.
  static const Table& ref() { return *maskbench::reference().kernels<Table>(); }
  // Checks one case of contract S (contracts/); a violation fails the test
  // with the case shrunk to a reproducer. Once the test has failed, further
  // cases are not checked.
  // The case must also leave the vector registers' upper halves clear
  // (harness/upper_state.hpp).
  template <class S>
  void holds(const CaseOf<S>& c, std::string_view context = "") const {
    if (testing::Test::HasFatalFailure()) return;
    clear_upper_state();
    if (const auto v = violation<S>(impl().name, k(), c, fmt::format("{} (MASKBENCH_SEED={:#x})", context, seed())))
      FAIL() << *v;
    if (upper_state_dirty())
      FAIL() << fmt::format("{} {}/{} n={} {}: returned with the upper halves of ymm0-15 or zmm0-15 in use (no "
                            "vzeroupper before its return; XINUSE after the case)",
                            impl().name, Table::kFamily, S::name, c.data.size(), context);
  }
};

// Instantiates FIXTURE for every implementation of its family. A build may
// have none (a family that no row of the target architecture implements):
// the family then has nothing to check, which the per-implementation table
// shows, not a failure.
#define MB_INSTANTIATE_FAMILY(FIXTURE, TABLE)                                                         \
  GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(FIXTURE);                                           \
  INSTANTIATE_TEST_SUITE_P(Impl, FIXTURE,                                                           \
                           testing::ValuesIn(::maskbench::implementations_with<TABLE>()), \
                           ::maskbench::conformance::impl_test_name)

}  // namespace maskbench::conformance
