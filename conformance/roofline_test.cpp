// Conformance of the roofline probes (maskbench/roofline.hpp) against their
// contracts (contracts/roofline.hpp).
#include <vector>

#include "contracts/roofline.hpp"
#include "harness/family.hpp"

namespace maskbench::conformance {
namespace {

using Roofline = FamilyTest<RooflineKernels>;

// Small integers (bytes 128..131 are 0..3) keep every partial sum exact in
// any order, up to n = 2^20, so the sum is checked bit for bit whatever the
// implementation's accumulator layout.
TEST_P(Roofline, ReadSumIsTheExactSumOfEveryElementAndReadsNothingElse) {
  Rng rng(seed());
  std::vector<std::size_t> sizes = test_sizes();
  sizes.push_back(1 << 20);
  for (std::size_t n : sizes) {
    std::vector<std::uint8_t> x(n);
    for (auto& v : x) v = static_cast<std::uint8_t>(128 + rng() % 4);
    holds<RooflineReadSum>({{}, {}, x});
  }
}

// a = 0.5 makes v*a exact, so fused and unfused chains agree.
TEST_P(Roofline, MaddChainsRunEveryChainForEveryStep) {
  ASSERT_GT(k().madd_lanes(), 0u) << impl().name;
  for (std::size_t steps : {0u, 1u, 2u, 7u, 100u})
    for (int x : {0, -3, 1000}) holds<RooflineMadd>({{static_cast<std::size_t>(x + 128), 129, 1, steps}, {}, {}});
}

MB_INSTANTIATE_FAMILY(Roofline, RooflineKernels);

}  // namespace
}  // namespace maskbench::conformance
