// The mask primitives of each SIMD level (maskbench/maskops.hpp), tested
// directly against their scalar meaning: NaN, signed zeros, infinities, every
// tail count from 0 to W, empty and full masks.
#include <cmath>
#include <vector>

#include "harness/family.hpp"
#include "harness/guarded.hpp"
#include "harness/values.hpp"
#include "maskbench/maskops.hpp"

namespace maskbench::conformance {
namespace {

using MaskOps = FamilyTest<MaskOpsKernels>;

bool scalar_compare(float a, float b, CmpOp op) {
  switch (op) {
    case CmpOp::gt: return a > b;
    case CmpOp::ge: return a >= b;
    case CmpOp::lt: return a < b;
    case CmpOp::le: return a <= b;
    case CmpOp::eq: return a == b;
    case CmpOp::ne: return a != b;
  }
  return false;
}
constexpr CmpOp kCmpOps[] = {CmpOp::gt, CmpOp::ge, CmpOp::lt, CmpOp::le, CmpOp::eq, CmpOp::ne};

// Every bitmask worth trying for W lanes: empty, full, each single lane,
// alternating, and random ones.
std::vector<std::uint64_t> masks_for(std::size_t w, Rng& rng) {
  const std::uint64_t all = w == 64 ? ~0ull : (1ull << w) - 1;
  std::vector<std::uint64_t> m = {0, all, 0x5555555555555555ull & all, 0xAAAAAAAAAAAAAAAAull & all};
  for (std::size_t i = 0; i < w; ++i) m.push_back(1ull << i);
  for (int i = 0; i < 64; ++i) m.push_back(rng() & all);
  return m;
}

TEST_P(MaskOps, CompareMatchesIeeeOnSpecialValues) {
  const std::size_t w = k().width;
  const auto sp = special_floats();
  std::vector<float> a(w), b(w);
  for (std::size_t i = 0; i < sp.size(); ++i)
    for (std::size_t j = 0; j < sp.size(); j += 1) {
      for (std::size_t l = 0; l < w; ++l) {
        a[l] = sp[(i + l) % sp.size()];
        b[l] = sp[(j + 3 * l) % sp.size()];
      }
      for (CmpOp op : kCmpOps) {
        std::uint64_t want = 0;
        for (std::size_t l = 0; l < w; ++l) want |= std::uint64_t{scalar_compare(a[l], b[l], op)} << l;
        ASSERT_EQ(k().compare(a.data(), b.data(), op), want)
            << impl().name << " compare op " << static_cast<int>(op) << " a[0]=" << describe(a[0])
            << " b[0]=" << describe(b[0]);
      }
    }
}

TEST_P(MaskOps, TailMaskForEveryCount) {
  const std::size_t w = k().width;
  for (std::size_t n = 0; n <= w + 2; ++n) {
    const std::uint64_t want = n >= w ? (w == 64 ? ~0ull : (1ull << w) - 1) : (1ull << n) - 1;
    ASSERT_EQ(k().tail(n), want) << impl().name << " tail(" << n << ")";
  }
}

TEST_P(MaskOps, LogicAndQueries) {
  const std::size_t w = k().width;
  const std::uint64_t all = w == 64 ? ~0ull : (1ull << w) - 1;
  Rng rng(seed());
  const auto masks = masks_for(w, rng);
  for (std::uint64_t a : masks) {
    const std::size_t count = static_cast<std::size_t>(std::popcount(a));
    ASSERT_EQ(k().true_count(a), count) << impl().name << " trueCount of 0x" << std::hex << a;
    ASSERT_EQ(k().first_true(a), a ? static_cast<std::size_t>(std::countr_zero(a)) : w)
        << impl().name << " firstTrue of 0x" << std::hex << a;
    ASSERT_EQ(k().last_true(a), a ? 63 - std::countl_zero(a) : -1) << impl().name << " lastTrue of 0x" << std::hex << a;
    ASSERT_EQ(k().any_true(a), a != 0) << impl().name << " anyTrue of 0x" << std::hex << a;
    ASSERT_EQ(k().all_true(a), a == all) << impl().name << " allTrue of 0x" << std::hex << a;
    for (std::uint64_t b : {masks[0], masks[1], masks[2], masks[5], masks[masks.size() - 1]}) {
      ASSERT_EQ(k().logic(a, b, MaskLogic::and_), a & b) << impl().name << " and";
      ASSERT_EQ(k().logic(a, b, MaskLogic::or_), a | b) << impl().name << " or";
      ASSERT_EQ(k().logic(a, b, MaskLogic::xor_), a ^ b) << impl().name << " xor";
      ASSERT_EQ(k().logic(a, b, MaskLogic::andnot), a & ~b & all) << impl().name << " andNot";
    }
    ASSERT_EQ(k().logic(a, 0, MaskLogic::not_), ~a & all) << impl().name << " not of 0x" << std::hex << a;
  }
}

TEST_P(MaskOps, BlendSelectsPerLane) {
  const std::size_t w = k().width;
  Rng rng(seed() + 1);
  std::vector<float> t(w), f(w), out(w);
  const auto sp = special_floats();
  for (std::size_t l = 0; l < w; ++l) {
    t[l] = sp[l % sp.size()];
    f[l] = random_float(rng);
  }
  for (std::uint64_t m : masks_for(w, rng)) {
    k().blend(m, t.data(), f.data(), out.data());
    for (std::size_t l = 0; l < w; ++l)
      ASSERT_TRUE(same_float(out[l], (m >> l) & 1 ? t[l] : f[l])) << impl().name << " blend lane " << l;
  }
}

// The tail load and store touch exactly k elements: the source ends at a
// guard page and the destination is surrounded by canaries.
TEST_P(MaskOps, TailLoadStoreStaysInBounds) {
  const std::size_t w = k().width;
  Rng rng(seed() + 2);
  for (std::size_t n = 0; n <= w; ++n)
    for (std::size_t off = 0; off < 16; ++off) {
      Guarded<float> src = Guarded<float>::at_end(n);
      Guarded<float> dst = Guarded<float>::at_offset(n, off);
      for (std::size_t i = 0; i < n; ++i) src[i] = random_float(rng);
      k().copy_tail(src.data(), dst.data(), n);
      ASSERT_TRUE(dst.intact()) << impl().name << " copy_tail k=" << n << " offset " << off << " wrote out of bounds";
      for (std::size_t i = 0; i < n; ++i) ASSERT_TRUE(same_float(dst[i], src[i])) << impl().name << " lane " << i;
    }
}

MB_INSTANTIATE_FAMILY(MaskOps, MaskOpsKernels);

}  // namespace
}  // namespace maskbench::conformance
