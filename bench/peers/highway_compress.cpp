// Highway versions of compress_f32 as a Highway user would write them: full
// vectors with LoadU, then the tail with FirstN and MaskedLoad, where the
// blended store keeps the writes within the count.
#include "peers/highway_compress.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "peers/highway_compress.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace maskbench::bench::peers::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <bool Blended>
std::size_t CompressGreater(const float* x, float* out, std::size_t n, float t) {
  const hn::ScalableTag<float> d;
  const std::size_t N = hn::Lanes(d);
  const auto vt = hn::Set(d, t);
  std::size_t count = 0, i = 0;
  for (; i + N <= n; i += N) {
    const auto v = hn::LoadU(d, x + i);
    if constexpr (Blended)
      count += hn::CompressBlendedStore(v, hn::Gt(v, vt), d, out + count);
    else
      count += hn::CompressStore(v, hn::Gt(v, vt), d, out + count);
  }
  if (i < n) {
    const auto live = hn::FirstN(d, n - i);
    const auto v = hn::MaskedLoad(live, d, x + i);
    count += hn::CompressBlendedStore(v, hn::And(live, hn::Gt(v, vt)), d, out + count);
  }
  return count;
}

std::size_t CompressStoreGreater(const float* x, float* out, std::size_t n, float t) {
  return CompressGreater<false>(x, out, n, t);
}
std::size_t CompressBlendedStoreGreater(const float* x, float* out, std::size_t n, float t) {
  return CompressGreater<true>(x, out, n, t);
}

}  // namespace maskbench::bench::peers::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace maskbench::bench::peers {
HWY_EXPORT(CompressStoreGreater);
HWY_EXPORT(CompressBlendedStoreGreater);

std::size_t highway_compress_store(const float* x, float* out, std::size_t n, float t) {
  return HWY_DYNAMIC_DISPATCH(CompressStoreGreater)(x, out, n, t);
}
std::size_t highway_compress_blended_store(const float* x, float* out, std::size_t n, float t) {
  return HWY_DYNAMIC_DISPATCH(CompressBlendedStoreGreater)(x, out, n, t);
}
}  // namespace maskbench::bench::peers
#endif
