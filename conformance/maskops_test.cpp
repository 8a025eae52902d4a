// The mask primitives of each SIMD level (maskbench/maskops.hpp) against
// their contracts (contracts/maskops.hpp): NaN, signed zeros, infinities,
// every tail count from 0 to W, empty and full masks.
#include <vector>

#include "contracts/maskops.hpp"
#include "harness/family.hpp"

namespace maskbench::conformance {
namespace {

using MaskOps = FamilyTest<MaskOpsKernels>;

// Every bitmask worth trying for W lanes: empty, full, each single lane,
// alternating, and random ones.
std::vector<std::uint64_t> masks_for(std::size_t w, Rng& rng) {
  const std::uint64_t all = all_lanes(w);
  std::vector<std::uint64_t> m = {0, all, 0x5555555555555555ull & all, 0xAAAAAAAAAAAAAAAAull & all};
  for (std::size_t i = 0; i < w; ++i) m.push_back(1ull << i);
  for (int i = 0; i < 64; ++i) m.push_back(rng() & all);
  return m;
}

// a[l] = sp[i + l], b[l] = sp[j + 3l] for every pair (i, j) of special values.
TEST_P(MaskOps, CompareMatchesIeeeOnSpecialValues) {
  const std::size_t w = k().width();
  const auto sp = special_floats();
  std::vector<float> ab(2 * w);
  for (std::size_t i = 0; i < sp.size(); ++i)
    for (std::size_t j = 0; j < sp.size(); ++j) {
      for (std::size_t l = 0; l < w; ++l) {
        ab[l] = sp[(i + l) % sp.size()];
        ab[w + l] = sp[(j + 3 * l) % sp.size()];
      }
      for (std::size_t op = 0; op < 6; ++op) holds<MaskCompare>({{op}, {}, ab});
    }
}

TEST_P(MaskOps, TailMaskForEveryCount) {
  for (std::size_t n = 0; n <= k().width() + 2; ++n) holds<MaskLogicAndQueries>({{0, 0, n}, {}, {}});
}

TEST_P(MaskOps, LogicAndQueries) {
  Rng rng(seed());
  const auto masks = masks_for(k().width(), rng);
  for (std::uint64_t a : masks)
    for (std::uint64_t b : {masks[0], masks[1], masks[2], masks[5], masks[masks.size() - 1]})
      holds<MaskLogicAndQueries>({{a, b, 0}, {}, {}});
}

TEST_P(MaskOps, BlendSelectsPerLane) {
  const std::size_t w = k().width();
  Rng rng(seed() + 1);
  std::vector<float> tf(2 * w);
  const auto sp = special_floats();
  for (std::size_t l = 0; l < w; ++l) {
    tf[l] = sp[l % sp.size()];
    tf[w + l] = random_float(rng);
  }
  for (std::uint64_t m : masks_for(w, rng)) holds<MaskBlend>({{m}, {}, tf});
}

// The tail load and store touch exactly k elements: the source ends at a
// guard page and the destination is surrounded by canaries.
TEST_P(MaskOps, TailLoadStoreStaysInBounds) {
  Rng rng(seed() + 2);
  for (std::size_t n = 0; n <= k().width(); ++n)
    for (std::size_t off = 0; off < 16; ++off) {
      std::vector<float> src(n);
      for (float& v : src) v = random_float(rng);
      holds<MaskCopyTail>({{n, off}, {}, src});
    }
}

MB_INSTANTIATE_FAMILY(MaskOps, MaskOpsKernels);

}  // namespace
}  // namespace maskbench::conformance
