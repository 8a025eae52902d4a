// Highway versions of select and masked_sum, written as a Highway user would:
// full vectors with LoadU/StoreU, and the tail with LoadN-style masked
// handling via FirstN.
#include "peers/highway_cond.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "peers/highway_cond.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace maskbench::bench::peers::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void Select(const float* x, float* y, std::size_t n, float t, float a, float b, float c) {
  const hn::ScalableTag<float> d;
  const std::size_t N = hn::Lanes(d);
  const auto vt = hn::Set(d, t), va = hn::Set(d, a), vb = hn::Set(d, b), vc = hn::Set(d, c);
  std::size_t i = 0;
  for (; i + N <= n; i += N) {
    const auto v = hn::LoadU(d, x + i);
    hn::StoreU(hn::IfThenElse(hn::Gt(v, vt), hn::Add(hn::Mul(va, v), vb), hn::Mul(vc, v)), d, y + i);
  }
  if (i < n) {
    const auto m = hn::FirstN(d, n - i);
    const auto v = hn::MaskedLoad(m, d, x + i);
    hn::BlendedStore(hn::IfThenElse(hn::Gt(v, vt), hn::Add(hn::Mul(va, v), vb), hn::Mul(vc, v)), m, d, y + i);
  }
}

float MaskedSum(const float* x, std::size_t n, float lo, float hi) {
  const hn::ScalableTag<float> d;
  const std::size_t N = hn::Lanes(d);
  const auto vlo = hn::Set(d, lo), vhi = hn::Set(d, hi);
  auto acc0 = hn::Zero(d), acc1 = hn::Zero(d);
  std::size_t i = 0;
  for (; i + 2 * N <= n; i += 2 * N) {
    const auto v0 = hn::LoadU(d, x + i), v1 = hn::LoadU(d, x + i + N);
    acc0 = hn::Add(acc0, hn::IfThenElseZero(hn::And(hn::Ge(v0, vlo), hn::Lt(v0, vhi)), v0));
    acc1 = hn::Add(acc1, hn::IfThenElseZero(hn::And(hn::Ge(v1, vlo), hn::Lt(v1, vhi)), v1));
  }
  for (; i < n; i += N) {
    const auto m = hn::FirstN(d, n - i);
    const auto v = hn::MaskedLoad(m, d, x + i);
    acc0 = hn::Add(acc0, hn::IfThenElseZero(hn::And(m, hn::And(hn::Ge(v, vlo), hn::Lt(v, vhi))), v));
  }
  return hn::GetLane(hn::SumOfLanes(d, hn::Add(acc0, acc1)));
}

}  // namespace maskbench::bench::peers::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace maskbench::bench::peers {
HWY_EXPORT(Select);
HWY_EXPORT(MaskedSum);

void highway_select(const float* x, float* y, std::size_t n, float t, float a, float b, float c) {
  HWY_DYNAMIC_DISPATCH(Select)(x, y, n, t, a, b, c);
}
float highway_masked_sum(const float* x, std::size_t n, float lo, float hi) {
  return HWY_DYNAMIC_DISPATCH(MaskedSum)(x, n, lo, hi);
}
}  // namespace maskbench::bench::peers
#endif
