// Conformance of the roofline probes (maskbench/roofline.hpp): a probe whose
// work is not the work it claims would make every fraction in the report
// wrong, so each one's result is checked exactly.
#include <vector>

#include "harness/family.hpp"
#include "harness/guarded.hpp"
#include "harness/values.hpp"
#include "maskbench/roofline.hpp"

namespace maskbench::conformance {
namespace {

using Roofline = FamilyTest<RooflineKernels>;

// Small integers keep every partial sum exact in any order, so the sum is
// checked bit for bit whatever the implementation's accumulator layout.
TEST_P(Roofline, ReadSumIsTheExactSumOfEveryElementAndReadsNothingElse) {
  Rng rng(seed());
  std::vector<std::size_t> sizes = test_sizes();
  sizes.push_back(1 << 20);
  for (std::size_t n : sizes) {
    Guarded<float> x = Guarded<float>::at_end(n);
    double want = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = static_cast<float>(rng() % 4);
      want += x[i];
    }
    const float got = k().read_sum(x.data(), n);
    ASSERT_EQ(static_cast<double>(got), want) << impl().name << " read_sum n=" << n << " seed=" << seed();
    ASSERT_TRUE(x.intact()) << impl().name << " read_sum n=" << n << " wrote into its input";
  }
}

// a = 0.5 makes v*a exact, so fused and unfused chains agree and the expected
// value is the plain float recurrence, chain by chain.
TEST_P(Roofline, MaddChainsRunEveryChainForEveryStep) {
  const std::size_t lanes = k().madd_lanes();
  ASSERT_GT(lanes, 0u) << impl().name;
  for (std::size_t steps : {0u, 1u, 2u, 7u, 100u})
    for (float x : {0.0f, -3.0f, 1000.0f}) {
      double want = 0.0;
      for (std::size_t j = 0; j < lanes; ++j) {
        float v = x + static_cast<float>(j);
        for (std::size_t s = 0; s < steps; ++s) v = v * 0.5f + 1.0f;
        want += v;
      }
      EXPECT_EQ(k().madd_chains(x, 0.5f, 1.0f, steps), want)
          << impl().name << " madd_chains x=" << x << " steps=" << steps << " lanes=" << lanes;
    }
}

MB_INSTANTIATE_FAMILY(Roofline, RooflineKernels);

}  // namespace
}  // namespace maskbench::conformance
