// The roofline probes (maskbench/roofline.hpp) over the level's ops, compiled
// for sse42, avx2, avx512, avx512-emu and stdsimd-*. The multiply-add is the
// level's fmadd (simd/ops.hpp).
#include "maskbench/roofline.hpp"
#include "simd/ops.hpp"

namespace MB_NS {
namespace {

using O = simd::Ops;
using V = O::V;

// Independent accumulators: 8 covers a 4-cycle add on two ports; 12 covers a
// 4-cycle multiply-add on two ports with room to spare.
constexpr std::size_t kReadAccumulators = 8;
constexpr std::size_t kChains = 12;

float read_sum(const float* x, std::size_t n) {
  V acc[kReadAccumulators];
  for (V& a : acc) a = O::zero();
  std::size_t i = 0;
  for (; i + kReadAccumulators * O::W <= n; i += kReadAccumulators * O::W)
    for (std::size_t u = 0; u < kReadAccumulators; ++u) acc[u] = O::add(acc[u], O::loadu(x + i + u * O::W));
  for (; i + O::W <= n; i += O::W) acc[0] = O::add(acc[0], O::loadu(x + i));
  if (i < n) acc[0] = O::add(acc[0], O::load_tail(x + i, n - i));
  for (std::size_t u = 1; u < kReadAccumulators; ++u) acc[0] = O::add(acc[0], acc[u]);
  return O::reduce_add(acc[0]);
}

double madd_chains(float x, float a, float b, std::size_t steps) {
  alignas(64) float lanes[kChains * O::W];
  for (std::size_t j = 0; j < kChains * O::W; ++j) lanes[j] = x + static_cast<float>(j);
  V v[kChains];
  for (std::size_t c = 0; c < kChains; ++c) v[c] = O::loadu(lanes + c * O::W);
  const V va = O::set1(a), vb = O::set1(b);
  for (std::size_t s = 0; s < steps; ++s)
    for (V& chain : v) chain = O::fmadd(chain, va, vb);
  for (std::size_t c = 0; c < kChains; ++c) O::storeu(lanes + c * O::W, v[c]);
  double sum = 0.0;
  for (float lane : lanes) sum += lane;
  return sum;
}

std::size_t madd_lanes() { return kChains * O::W; }

constexpr maskbench::RooflineKernels kTable{read_sum, madd_chains, madd_lanes};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(roofline, kTable)
