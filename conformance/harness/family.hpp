#pragma once
// Value-parameterized tests over the registry: every implementation that
// provides a family becomes one instance of that family's test suite, named
// after it. An implementation this CPU cannot run is skipped with the reason.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/known_defects.hpp"
#include "maskbench/registry.hpp"

namespace maskbench::conformance {

inline std::string impl_test_name(const testing::TestParamInfo<const Implementation*>& info) {
  std::string s(info.param->name);
  for (char& c : s)
    if (c == '-') c = '_';
  return s;
}

template <class Table>
class FamilyTest : public testing::TestWithParam<const Implementation*> {
 public:
  void SetUp() override {
    const Runnability r = runnable(*GetParam());
    if (!r.ok) GTEST_SKIP() << "skipped: " << r.reason;
    if (const KnownDefect* d = known_defect(GetParam()->name))
      GTEST_SKIP() << "known defect " << d->id << ": " << d->summary << " (docs/known-defects.md)";
  }
  const Implementation& impl() const { return *GetParam(); }
  const Table& k() const { return *GetParam()->kernels<Table>(); }
  // The scalar reference, which every implementation is checked against.
  static const Table& ref() {
    const Implementation* s = find_implementation("scalar");
    return *s->kernels<Table>();
  }
};

// Instantiates FIXTURE for every implementation of its family.
#define MB_INSTANTIATE_FAMILY(FIXTURE, TABLE)                                                         \
  INSTANTIATE_TEST_SUITE_P(Impl, FIXTURE,                                                           \
                           testing::ValuesIn(::maskbench::implementations_with<TABLE>()), \
                           ::maskbench::conformance::impl_test_name)

}  // namespace maskbench::conformance
