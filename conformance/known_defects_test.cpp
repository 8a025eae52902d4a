// Keeps the known-defect list honest: each entry that applies to this build
// must still reproduce through the registry (a listed defect that has gone
// away fails here, so that its entry is removed and the tests run again).
#include <gtest/gtest.h>

#include <vector>

#include "harness/family.hpp"
#include "maskbench/known_defects.hpp"
#include "maskbench/cond.hpp"

namespace maskbench::conformance {
namespace {

// KD-1's symptom through the kernel interface: select with half the lanes
// above the threshold must blend per lane.
bool kd1_reproduces(const Implementation& impl) {
  const CondKernels* k = impl.kernels<CondKernels>();
  std::vector<float> x(16), y(16);
  for (int i = 0; i < 16; ++i) x[i] = static_cast<float>(i);
  k->select(x.data(), y.data(), x.size(), 7.5f, 1.0f, 0.0f, -1.0f);
  for (int i = 0; i < 16; ++i)
    if (y[i] != (i > 7 ? x[i] : -x[i])) return true;
  return false;
}

TEST(KnownDefects, ReproducersStillFail) {
  int applicable = 0;
  for (const KnownDefect& d : known_defects()) {
    if (!d.applies_to(compiler())) continue;
    const Implementation* impl = find_implementation(d.implementation);
    ASSERT_NE(impl, nullptr) << d.id << " names unknown implementation " << d.implementation;
    if (!runnable(*impl).ok) continue;
    ++applicable;
    if (d.id == "KD-1") {
      EXPECT_TRUE(kd1_reproduces(*impl)) << d.id << " no longer reproduces with " << compiler()
                                         << ": remove it from kernels/src/known_defects.cpp";
    }
  }
  if (applicable == 0) MB_SKIP("no known defect applies to " + std::string(compiler()) + " on this CPU");
}

}  // namespace
}  // namespace maskbench::conformance
