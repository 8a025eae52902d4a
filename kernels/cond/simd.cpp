// The conditional-compute family, written once over the level's ops
// (simd/ops.hpp) and compiled for sse42, avx2, avx512, avx512-emu and
// stdsimd-*. Full vectors in the loop, one masked tail: no scalar remainder.
#include <algorithm>
#include <cstdint>

#include "maskbench/cond.hpp"
#include "maskbench/streaming.hpp"
#include "simd/ops.hpp"

namespace MB_NS {
namespace {

using O = simd::Ops;
using V = O::V;
using M = O::M;

// Independent accumulators for masked_sum: enough to cover the add latency.
constexpr std::size_t kSumLanes = 4;

// Four vectors an iteration where four remain: one a time left select's
// loop (9 instructions) bound by its own overhead at SSE4.2 and AVX2 widths
// (paired gate on the AMD VM: select 19-27% faster at sse42 and avx2, 6% at
// avx512 in L1, unchanged in L2; guarded_div, bound by the divider, the same).
template <class Body>
inline void for_each_vector(std::size_t n, Body&& body) {
  std::size_t i = 0;
  for (; i + 4 * O::W <= n; i += 4 * O::W) {
    body(i, O::W);
    body(i + O::W, O::W);
    body(i + 2 * O::W, O::W);
    body(i + 3 * O::W, O::W);
  }
  for (; i + O::W <= n; i += O::W) body(i, O::W);
  if (i < n) body(i, n - i);
}

// y[i, i + k) = value(i, k) for every vector of [0, n). An output of at
// least streaming_store_bytes() (maskbench/streaming.hpp) goes out with
// non-temporal stores from its first vector-aligned element on, the partial
// vectors either side stored as usual (on the AMD development VM, select at
// 64 MiB went from 0.86x the auto-vectorized row's speed to 1.22x).
template <class Value>
inline void write_vectors(float* y, std::size_t n, Value&& value) {
  auto put = [&](std::size_t i, std::size_t k) {
    if (k == O::W)
      O::storeu(y + i, value(i, k));
    else
      O::store_tail(y + i, value(i, k), k);
  };
  if (n < maskbench::streaming_store_bytes() / sizeof(float)) {
    for_each_vector(n, put);
    return;
  }
  constexpr std::size_t kBytes = O::W * sizeof(float);
  const std::size_t misaligned = reinterpret_cast<std::uintptr_t>(y) % kBytes;
  std::size_t i = std::min(n, misaligned == 0 ? 0 : (kBytes - misaligned) / sizeof(float));
  if (i > 0) put(0, i);
  for (; i + O::W <= n; i += O::W) O::stream(y + i, value(i, O::W));
  if (i < n) put(i, n - i);
  O::stream_fence();
}

V load_vector(const float* x, std::size_t i, std::size_t k) { return k == O::W ? O::loadu(x + i) : O::load_tail(x + i, k); }

void select(const float* x, float* y, std::size_t n, float t, float a, float b, float c) {
  const V vt = O::set1(t), va = O::set1(a), vb = O::set1(b), vc = O::set1(c);
  write_vectors(y, n, [&](std::size_t i, std::size_t k) {
    const V v = load_vector(x, i, k);
    return O::select(O::gt(v, vt), O::add(O::mul(va, v), vb), O::mul(vc, v));
  });
}

void guarded_div(const float* x, float* y, std::size_t n, float a) {
  const V va = O::set1(a), zero = O::zero();
  write_vectors(y, n, [&](std::size_t i, std::size_t k) {
    const V v = load_vector(x, i, k);
    return O::masked_div(O::ne(v, zero), va, v);
  });
}

// Where masks live in mask registers the count is kept in f32 lanes, a
// masked add of 1.0 (moving the mask out to popcount it cost three
// instructions; 0.89-0.95x the time in cache on the AMD VM, while at SSE4.2
// and AVX2 the same change took 1.14-1.24x). Per stretch of elements every
// partial count stays an integer below 2^24, so exact; a stretch is a
// multiple of the unrolled step, so the sums run as without stretches.
constexpr std::size_t kCountStretch = std::size_t{1} << 22;
static_assert(kCountStretch % (kSumLanes * O::W) == 0);

// The kSumLanes accumulators as one vector, a tree 2 additions deep (what
// masked_sum_depth counts).
inline V add_accumulators(const V (&v)[kSumLanes]) {
  static_assert(kSumLanes == 4);
  return O::add(O::add(v[0], v[1]), O::add(v[2], v[3]));
}

maskbench::MaskedSum masked_sum(const float* x, std::size_t n, float lo, float hi) {
  const V vlo = O::set1(lo), vhi = O::set1(hi), one = O::set1(1.0f);
  V acc[kSumLanes], counts[kSumLanes];
  for (V& a : acc) a = O::zero();
  std::uint64_t count = 0;
  auto step = [&](std::size_t u, V v, M live) {
    const M in = O::m_and(live, O::m_and(O::ge(v, vlo), O::lt(v, vhi)));
    acc[u] = O::masked_add(acc[u], in, v);
    if constexpr (O::kMaskRegisters)
      counts[u] = O::masked_add(counts[u], in, one);
    else
      count += O::count(in);
  };
  const M all = O::tail(O::W);
  for (std::size_t base = 0; base < n; base += kCountStretch) {
    const std::size_t end = std::min(n, base + kCountStretch);
    for (V& c : counts) c = O::zero();
    std::size_t i = base;
    for (; i + kSumLanes * O::W <= end; i += kSumLanes * O::W)
      for (std::size_t u = 0; u < kSumLanes; ++u) step(u, O::loadu(x + i + u * O::W), all);
    for (; i + O::W <= end; i += O::W) step(0, O::loadu(x + i), all);
    if (i < end) step(0, O::load_tail(x + i, end - i), O::tail(end - i));
    if constexpr (O::kMaskRegisters)
      count += static_cast<std::uint64_t>(O::reduce_add(add_accumulators(counts)));
  }
  return {O::reduce_add(add_accumulators(acc)), count};
}

// Each lane accumulator takes at most ceil(n / (4W)) + 4 additions (blocks,
// leftover full vectors, the tail), then 2 levels combine the accumulators and
// log2(W) levels reduce the lanes.
std::size_t masked_sum_depth(std::size_t n) {
  std::size_t log2w = 0;
  while ((std::size_t{1} << log2w) < O::W) ++log2w;
  return n / (kSumLanes * O::W) + 1 + kSumLanes + 2 + log2w;
}

constexpr maskbench::CondKernels kTable{select, guarded_div, masked_sum, masked_sum_depth};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(cond, kTable)
