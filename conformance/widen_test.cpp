// The widening loads of each SIMD level (maskops widen_bf16 and widen_f16)
// against the scalar definition in maskbench/half.hpp: every one of the 65536
// bit patterns of each format through the whole-vector load, and every tail
// count with the source ending at a guard page and the destination among
// canaries.
#include <cmath>
#include <limits>
#include <vector>

#include "harness/family.hpp"
#include "harness/guarded.hpp"
#include "harness/values.hpp"
#include "maskbench/maskops.hpp"

namespace maskbench::conformance {
namespace {

using Widening = FamilyTest<MaskOpsKernels>;

template <class T>
using WidenFn = void (*)(const T*, float*, std::size_t);

// Same value, or a NaN of the same sign where the definition gives a NaN.
bool widened_as_defined(float got, float want) {
  return same_float(got, want) && std::signbit(got) == std::signbit(want);
}

template <class T>
void every_pattern(const Implementation& impl, std::size_t w, WidenFn<T> widen_fn, const char* what) {
  std::vector<T> src(65536);
  for (std::size_t i = 0; i < src.size(); ++i) src[i] = T{static_cast<std::uint16_t>(i)};
  std::vector<float> dst(w);
  for (std::size_t base = 0; base + w <= src.size(); base += w) {
    widen_fn(src.data() + base, dst.data(), w);
    for (std::size_t l = 0; l < w; ++l)
      ASSERT_TRUE(widened_as_defined(dst[l], widen(src[base + l])))
          << impl.name << " " << what << " of 0x" << std::hex << src[base + l].bits << " gave " << describe(dst[l])
          << ", want " << describe(widen(src[base + l]));
  }
}

template <class T>
void every_tail(const Implementation& impl, std::size_t w, WidenFn<T> widen_fn, Rng& rng, const char* what) {
  for (std::size_t n = 0; n <= w; ++n)
    for (std::size_t off = 0; off < 16; ++off) {
      Guarded<T> src = Guarded<T>::at_end(n);
      Guarded<float> dst = Guarded<float>::at_offset(n, off);
      for (std::size_t i = 0; i < n; ++i) src[i] = T{static_cast<std::uint16_t>(rng())};
      widen_fn(src.data(), dst.data(), n);
      ASSERT_TRUE(dst.intact()) << impl.name << " " << what << " k=" << n << " offset " << off << " wrote out of bounds";
      for (std::size_t i = 0; i < n; ++i)
        ASSERT_TRUE(widened_as_defined(dst[i], widen(src[i])))
            << impl.name << " " << what << " k=" << n << " lane " << i << " of 0x" << std::hex << src[i].bits;
    }
}

TEST_P(Widening, Bf16EveryPatternExact) { every_pattern<Bf16>(impl(), k().width(), k().widen_bf16, "widen_bf16"); }
TEST_P(Widening, F16EveryPatternExact) { every_pattern<F16>(impl(), k().width(), k().widen_f16, "widen_f16"); }

TEST_P(Widening, TailsStayInBounds) {
  Rng rng(seed());
  every_tail<Bf16>(impl(), k().width(), k().widen_bf16, rng, "widen_bf16");
  every_tail<F16>(impl(), k().width(), k().widen_f16, rng, "widen_f16");
}

MB_INSTANTIATE_FAMILY(Widening, MaskOpsKernels);

// to_f16 (maskbench/half.hpp), which tests and benchmarks use to store f32
// values as f16: every value round-trips, each midpoint between neighbours
// rounds to the even pattern and the floats beside it to the nearer one, the
// largest finite value rounds up to infinity from 65520, and NaN stays NaN.
TEST(Narrowing, F16RoundsToNearestEven) {
  for (std::uint32_t h = 0; h < 0x10000; ++h) {
    const F16 x{static_cast<std::uint16_t>(h)};
    const float v = widen(x);
    if (std::isnan(v)) {
      ASSERT_TRUE(std::isnan(widen(to_f16(v)))) << "f16 0x" << std::hex << h;
      continue;
    }
    ASSERT_EQ(to_f16(v).bits, h) << "f16 0x" << std::hex << h << " does not round-trip";
    const auto next = static_cast<std::uint16_t>(h + 1);
    if ((next & 0x7C00u) == 0x7C00u) continue;  // no finite neighbour above
    const float mid = static_cast<float>((static_cast<double>(v) + static_cast<double>(widen(F16{next}))) / 2);
    const float away = std::copysign(std::numeric_limits<float>::infinity(), mid);
    ASSERT_EQ(to_f16(mid).bits, h % 2 == 0 ? h : next) << "midpoint above f16 0x" << std::hex << h;
    ASSERT_EQ(to_f16(std::nextafter(mid, away)).bits, next) << "just past the midpoint above f16 0x" << std::hex << h;
    ASSERT_EQ(to_f16(std::nextafter(mid, -away)).bits, h) << "just short of the midpoint above f16 0x" << std::hex << h;
  }
  EXPECT_EQ(to_f16(65519.99f).bits, 0x7BFFu);
  EXPECT_EQ(to_f16(65520.0f).bits, 0x7C00u);
  EXPECT_EQ(to_f16(-1e30f).bits, 0xFC00u);
}

}  // namespace
}  // namespace maskbench::conformance
