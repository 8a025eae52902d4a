// The task-vector family (maskbench/taskvec.hpp) written once over the
// scalable op set (simd/scalable.hpp) and compiled for sve and rvv. The
// algorithms are simd.cpp's: gram streams D in blocks through an L1 scratch
// of differences and accumulates kTile x kTile register tiles from it. What
// differs is where the vectors live between loops: sizeless vectors cannot
// form the accumulator arrays, so each tile's accumulators are four named
// registers inside a block and park in a lane-count-sized scratch between
// blocks, and TIES recomputes each task's trimmed values (from L1) instead
// of keeping them in an array.
#include <algorithm>

#include "maskbench/taskvec.hpp"
#include "simd/scalable.hpp"
#include "simd/scratch.hpp"
#include "taskvec/blocking.hpp"
#include "taskvec/ties_bins.hpp"

namespace MB_NS {
namespace {

using maskbench::Bf16;
using maskbench::F16;
using maskbench::kMaxTasks;
using O = simd::Ops;
using V = O::V;
using M = O::M;
constexpr std::size_t kMaxLanes = O::kMaxLanes;

// The lanes at p + i that remain before `end`, up to a whole vector; the
// others load as 0.
template <class T>
inline V load_at(const T* p, std::size_t i, std::size_t end) {
  return O::load(p + i, std::min(O::lanes(), end - i));
}

// Two tasks per tile side: four accumulators and four operands. The blocks
// (taskvec/blocking.hpp) hold whole vectors up to 64 lanes.
constexpr std::size_t kTile = 2;
static_assert(kMaxTasks % kTile == 0 && kMaxLanes <= 64);

std::size_t sum_depth(std::size_t n) { return sum_depth_at(n, O::lanes()); }

// One tile's four accumulators, lane by lane, between blocks.
using TileSums = float[kTile * kTile][kMaxLanes];

// acc[r*kTile + c] += tau[i0 + r] * tau[j0 + c] over the first `vecs` vectors.
inline void accumulate_tile(const TauRow<>* tau, std::size_t i0, std::size_t j0, std::size_t vecs, TileSums& acc) {
  const std::size_t w = O::lanes();
  V s00 = O::load(acc[0], w), s01 = O::load(acc[1], w), s10 = O::load(acc[2], w), s11 = O::load(acc[3], w);
  for (std::size_t v = 0; v < vecs; ++v) {
    const V x0 = O::load(&tau[i0].d[v * w], w), x1 = O::load(&tau[i0 + 1].d[v * w], w);
    const V y0 = O::load(&tau[j0].d[v * w], w), y1 = O::load(&tau[j0 + 1].d[v * w], w);
    s00 = O::fmadd(x0, y0, s00);
    s01 = O::fmadd(x0, y1, s01);
    s10 = O::fmadd(x1, y0, s10);
    s11 = O::fmadd(x1, y1, s11);
  }
  O::store(acc[0], s00, w);
  O::store(acc[1], s01, w);
  O::store(acc[2], s10, w);
  O::store(acc[3], s11, w);
}

template <class T>
void gram(const T* pre, const T* const* ft, std::size_t k, std::size_t n, double* out) {
  const std::size_t w = O::lanes(), tiles = (k + kTile - 1) / kTile, pairs = tiles * (tiles + 1) / 2;
  // On the heap: at kMaxTasks tasks the tile sums alone are 528 KiB.
  // Padding rows stay zero, so tiles never need a ragged edge.
  Scratch<TauRow<>> tau(tiles * kTile);
  Scratch<TileSums> acc(pairs);
  Scratch<double> total(k * k);
  for (std::size_t flush_base = 0; flush_base < n; flush_base += kFlush) {
    const std::size_t flush_end = std::min(n, flush_base + kFlush);
    for (std::size_t a = 0; a < pairs; ++a)
      for (auto& lanes : acc[a])
        for (float& x : lanes) x = 0.0f;
    for (std::size_t base = flush_base; base < flush_end; base += kBlock) {
      const std::size_t end = std::min(flush_end, base + kBlock);
      const std::size_t vecs = (end - base + w - 1) / w;
      for (std::size_t v = 0; v < vecs; ++v) {
        const std::size_t i = base + v * w;
        const bool ahead = i + kAhead < n;
        if (ahead) prefetch_ahead(pre + i);
        const V p = load_at(pre, i, end);
        for (std::size_t t = 0; t < k; ++t) {
          if (ahead) prefetch_ahead(ft[t] + i);
          // Lanes past `end` load as 0 on both sides: their difference is 0.
          O::store(&tau[t].d[v * w], O::sub(load_at(ft[t], i, end), p), w);
        }
      }
      std::size_t a = 0;
      for (std::size_t ti = 0; ti < tiles; ++ti)
        for (std::size_t tj = ti; tj < tiles; ++tj) accumulate_tile(tau.data(), ti * kTile, tj * kTile, vecs, acc[a++]);
    }
    std::size_t a = 0;
    for (std::size_t ti = 0; ti < tiles; ++ti)
      for (std::size_t tj = ti; tj < tiles; ++tj, ++a)
        for (std::size_t r = 0; r < kTile; ++r)
          for (std::size_t c = 0; c < kTile; ++c) {
            const std::size_t i = ti * kTile + r, j = tj * kTile + c;
            if (i <= j && j < k) total[i * k + j] += simd::lane_sum(O::load(acc[a][r * kTile + c], w));
          }
  }
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = i; j < k; ++j) out[i * k + j] = out[j * k + i] = total[i * k + j];
}

// The sum that step(i, end, acc) accumulates vector by vector, flushed as in gram.
template <class Step>
double flushed_sum(std::size_t n, Step&& step) {
  const std::size_t w = O::lanes();
  double total = 0.0;
  for (std::size_t base = 0; base < n; base += kFlush) {
    const std::size_t end = std::min(n, base + kFlush);
    V acc = O::zero();
    for (std::size_t i = base; i < end; i += w) acc = step(i, end, acc);
    total += simd::lane_sum(acc);
  }
  return total;
}

double tv_dot(const float* pre, const float* a, const float* b, std::size_t n) {
  return flushed_sum(n, [&](std::size_t i, std::size_t end, V acc) {
    const V p = load_at(pre, i, end);
    return O::fmadd(O::sub(load_at(a, i, end), p), O::sub(load_at(b, i, end), p), acc);
  });
}

double tv_norm2(const float* pre, const float* a, std::size_t n) {
  return flushed_sum(n, [&](std::size_t i, std::size_t end, V acc) {
    const V d = O::sub(load_at(a, i, end), load_at(pre, i, end));
    return O::fmadd(d, d, acc);
  });
}

template <class T>
void ties_histogram(const T* pre, const T* ft, std::size_t n, std::int32_t prefix, std::uint64_t* hist) {
  const std::size_t w = O::lanes();
  alignas(64) float tau[kBlock];
  for (std::size_t base = 0; base < n; base += kBlock) {
    const std::size_t end = std::min(n, base + kBlock);
    for (std::size_t i = base; i < end; i += w)
      O::store(tau + (i - base), O::sub(load_at(ft, i, end), load_at(pre, i, end)), std::min(w, end - i));
    for (std::size_t d = 0; d < end - base; ++d) count_bin(tau[d], prefix, hist);
  }
}

// Task t's trimmed values at element i: tau where |tau| >= thr, else 0.
template <class T>
inline V trimmed(V pre, const T* ft, std::size_t i, std::size_t end, float thr) {
  const V tau = O::sub(load_at(ft, i, end), pre), t = O::set1(thr);
  // |tau| >= thr without an abs: same answer for every thr, NaN included.
  const M keep = O::m_or(O::ge(tau, t), O::le(tau, O::sub(O::zero(), t)));
  return O::select(keep, tau, O::zero());
}

// s[d] of the contract: the trimmed values summed in task order from 0.
template <class T>
inline V trimmed_sum(V pre, const T* const* ft, std::size_t k, std::size_t i, std::size_t end, const float* thr) {
  V sum = O::zero();
  for (std::size_t t = 0; t < k; ++t) sum = O::add(sum, trimmed(pre, ft[t], i, end, thr[t]));
  return sum;
}

template <class T>
std::int64_t ties_sign_sum(const T* pre, const T* const* ft, std::size_t k, std::size_t n, const float* thr) {
  const V zero = O::zero();
  std::int64_t total = 0;
  // Tail lanes load as zero: their sum is 0, which counts as neither sign.
  for (std::size_t i = 0; i < n; i += O::lanes()) {
    const V sum = trimmed_sum(load_at(pre, i, n), ft, k, i, n, thr);
    total += static_cast<std::int64_t>(O::count(O::gt(sum, zero))) -
             static_cast<std::int64_t>(O::count(O::lt(sum, zero)));
  }
  return total;
}

template <class T>
void ties_merge(const T* pre, const T* const* ft, std::size_t k, std::size_t n, const float* thr, float majority,
                float lambda, float* out) {
  const V zero = O::zero(), one = O::set1(1.0f), vl = O::set1(lambda);
  const bool majority_up = majority > 0.0f;
  const std::size_t w = O::lanes();
  for (std::size_t i = 0; i < n; i += w) {
    const V p = load_at(pre, i, n);
    const V s = trimmed_sum(p, ft, k, i, n, thr);
    // Lanes whose elected sign is +1: s > 0, or s neither > 0 nor < 0 under a + majority.
    const M up = majority_up ? O::m_not(O::lt(s, zero)) : O::gt(s, zero);
    V sum = zero, count = zero;
    for (std::size_t t = 0; t < k; ++t) {
      // The second pass over the tasks reloads their elements from L1.
      const V trim = trimmed(p, ft[t], i, n, thr[t]);
      const M agree = O::m_or(O::m_and(up, O::gt(trim, zero)), O::m_andnot(O::lt(trim, zero), up));
      sum = O::add(sum, O::select(agree, trim, zero));
      count = O::add(count, O::select(agree, one, zero));
    }
    const V merged = O::div(sum, O::select(O::lt(count, one), one, count));
    O::store(out + i, O::add(p, O::mul(vl, merged)), std::min(w, n - i));
  }
}

#include "taskvec/entry_points.hpp"

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(taskvec, kTable)
