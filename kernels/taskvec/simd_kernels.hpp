#pragma once
// The task-vector family (maskbench/taskvec.hpp) written once over the level's
// ops, for taskvec/simd.cpp (sse42, avx2, avx512, avx512-emu, stdsimd-*) and
// the rows that replace one of its kernels (taskvec/avx512_bf16.cpp).
//
// gram streams D in blocks: per block, the k differences go to a scratch
// block in L1 (never the whole tau), one task's row at a time; register tiles
// of kTile x kTile task pairs accumulate the products from L1 while the next
// block is read in. Every input byte is read from memory once. f32, bf16 and
// f16 inputs share every loop: the level's loads widen them in registers.
#include <algorithm>
#include <cstring>

#include "maskbench/taskvec.hpp"
#include "simd/ops.hpp"
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
constexpr std::size_t W = O::W;

// W lanes at p + i when that many remain before `end`, else the tail (the
// other lanes 0).
template <class T>
inline V load_at(const T* p, std::size_t i, std::size_t end) {
  return i + W <= end ? O::loadu(p + i) : O::load_tail(p + i, end - i);
}

// put(i, x[i, i + W) widened) for the vectors of [base, end), the last one's
// lanes from `end` on zero: full vectors, then the tail. One load that may
// be either (load_at) costs a mask per load, and left
// std::experimental::simd's bf16 widening lane by lane with a test per lane
// (1.4x the Gram's time at K = 8, L2 size, Xeon VM).
template <class T, class Put>
inline void each_vector(const T* x, std::size_t base, std::size_t end, Put&& put) {
  std::size_t i = base;
  for (; i + W <= end; i += W) put(i, O::loadu(x + i));
  if (i < end) put(i, O::load_tail(x + i, end - i));
}

// The lanes of v summed in double, in lane order.
inline double lane_sum(V v) {
  float lanes[W];
  O::storeu(lanes, v);
  double s = 0.0;
  for (float x : lanes) s += x;
  return s;
}

// Tile side: kTile^2 accumulators plus 2*kTile operands must fit the register
// file (32 registers with AVX-512, 16 below it). A few tasks skip the tiles
// (gram_direct).
constexpr std::size_t kTile = W >= 16 ? 4 : 2;
static_assert(kMaxTasks % kTile == 0);

std::size_t sum_depth(std::size_t n) { return sum_depth_at(n, W); }

// How gram_tiles forms its products: F32Products multiplies the f32
// differences with fused multiply-adds; a row with other dot products brings
// its own (taskvec/avx512_bf16.cpp). A policy says what a block's row holds
// per element (Elem), how many elements one operand vector covers (kPer),
// how a task's row is filled from the inputs and how two operands multiply
// into an f32 accumulator.
struct F32Products {
  using Elem = float;
  using X = V;
  static constexpr std::size_t kPer = W;
  static X load(const Elem* p) { return O::loadu(p); }
  static V madd(X x, X y, V acc) { return O::fmadd(x, y, acc); }
  // d[e - base] = x[e] - pre_row[e - base] for e in [base, end), zeros from
  // `end` up to the next operand vector (pre_row holds them too).
  template <class T>
  static void fill(const T* x, const float* pre_row, std::size_t base, std::size_t end, Elem* d) {
    each_vector(x, base, end,
                [&](std::size_t i, V v) { O::storeu(d + (i - base), O::sub(v, O::loadu(pre_row + (i - base)))); });
  }
};

// pre_row[e - base] = pre[e] widened to f32 for e in [base, end), zeros from
// `end` up to the next multiple of `per` elements.
template <class T>
void fill_pre(const T* pre, std::size_t base, std::size_t end, std::size_t per, float* pre_row) {
  const auto put = [&](std::size_t i, V v) { O::storeu(pre_row + (i - base), v); };
  each_vector(pre, base, end, put);
  const std::size_t stop = base + (end - base + per - 1) / per * per;
  for (std::size_t i = base + (end - base + W - 1) / W * W; i < stop; i += W) put(i, O::zero());
}

// Asks for the lines of p[base, end) in L2.
template <class T>
void prefetch_run(const T* p, std::size_t base, std::size_t end) {
  constexpr std::size_t kLine = 64 / sizeof(T);
  for (std::size_t i = base; i < end; i += kLine) prefetch_l2(p + i, 0);
}

// An accumulator in scratch: a vector type's attributes (its alignment) do
// not survive a template argument (-Wignored-attributes), a member's do.
struct Acc {
  V v;
};

// acc[r*kTile + c] += row(i0 + r) . row(j0 + c) over the first `vecs` operand
// vectors, calling between(f) for f = 0 .. fills - 1 spread evenly over
// them, the last after the last vector. The loop between two calls holds
// nothing but loads and multiply-adds: a test per vector (of a running
// remainder, whose counter GCC kept on the stack) took the tiles to 49% of
// the FMA peak at K = 64 on the Xeon VM. (A diagonal tile forming only its
// 10 distinct products, i.e. 36 products a vector at K = 8 instead of 48,
// took 1.1-1.4x this one's time at K = 8 and 16 on the AMD development VM,
// in two versions of the loop.)
template <class P, class Row, class Between>
inline void accumulate_tile(const Row* rows, std::size_t i0, std::size_t j0, std::size_t vecs, Acc* acc,
                            std::size_t fills, Between&& between) {
  constexpr std::size_t kStride = Row::kElements;
  static_assert(sizeof(Row) == kStride * sizeof(typename P::Elem), "rows follow without a gap");
  V s[kTile * kTile];
  for (std::size_t q = 0; q < kTile * kTile; ++q) s[q] = acc[q].v;
  // One pointer per side, the rows at constant offsets from it: holding
  // each row's address took more registers than there are (GCC kept them
  // on the stack).
  const typename P::Elem* a = rows[i0].d;
  const typename P::Elem* b = rows[j0].d;
  std::size_t v = 0;
  for (std::size_t f = 0; f <= fills; ++f) {
    // Vectors before call f: ceil((f + 1) * vecs / fills).
    const std::size_t stop = f < fills ? ((f + 1) * vecs + fills - 1) / fills : vecs;
    for (; v < stop; ++v, a += P::kPer, b += P::kPer) {
      typename P::X x[kTile], y[kTile];
      for (std::size_t r = 0; r < kTile; ++r) x[r] = P::load(a + r * kStride);
      for (std::size_t c = 0; c < kTile; ++c) y[c] = P::load(b + c * kStride);
      for (std::size_t r = 0; r < kTile; ++r)
        for (std::size_t c = 0; c < kTile; ++c) s[r * kTile + c] = P::madd(x[r], y[c], s[r * kTile + c]);
    }
    if (f < fills) between(f);
  }
  for (std::size_t q = 0; q < kTile * kTile; ++q) acc[q].v = s[q];
}

// Software-pipelined over blocks: while the tiles multiply one block from
// L1, the next block is read from memory into the other half of the rows, a
// stretch of one stream per unit, the units spread over the tile passes.
// Filling a block and then multiplying it left memory idle while the tiles
// ran (K = 8 read at half the bandwidth that K = 4 did on the AMD
// development VM).
template <class P, std::size_t kF32Elements, class T>
void gram_tiles(const T* pre, const T* const* ft, std::size_t k, std::size_t n, double* out) {
  using Row = TauRow<typename P::Elem, kF32Elements>;
  constexpr std::size_t kElements = Row::kElements;
  const std::size_t tiles = (k + kTile - 1) / kTile, pairs = tiles * (tiles + 1) / 2, padded = tiles * kTile;
  // On the heap: at kMaxTasks tasks the two blocks of differences and the
  // accumulators take about 400 KiB. Padding rows stay zero, so tiles never
  // need a ragged edge.
  // Zeroing all of it took 6% of the time at K = 64, L2 size: fill writes
  // every vector of the first k rows that the tiles read, and only the
  // padding rows must be zero.
  Scratch<Row> rows(2 * padded, kUnzeroed);
  for (std::size_t half = 0; half < 2; ++half)
    std::memset(static_cast<void*>(rows.data() + half * padded + k), 0, (padded - k) * sizeof(Row));
  Scratch<Acc> acc(pairs * kTile * kTile, kUnzeroed);
  Scratch<double> total(k * k);
  const auto vectors = [](std::size_t base, std::size_t end) { return (end - base + P::kPer - 1) / P::kPer; };
  // The next block is read a stream at a time, each stream's stretch in
  // kParts units of at most kUnitBytes: the units of stream 0 widen
  // theta_pre's stretch into pre_row, those of stream 1 + t fill task t's row
  // from it, and beyond L2 (maskbench/streaming.hpp) each unit asks for the
  // unit kLeadUnits later in that order. Reading all k + 1 streams a vector
  // at a time, each prefetched two blocks ahead, held the k + 1 lines'
  // misses at once: f16 at K = 16 in memory took 1.2x this order's time, and
  // K = 64 beyond L2 1.1x, on the Xeon VM.
  Scratch<float> pre_row(kElements, kUnzeroed);
  constexpr std::size_t kParts = std::max<std::size_t>(1, kElements * sizeof(T) / kUnitBytes);
  constexpr std::size_t kStretch = kElements / kParts;
  static_assert(kStretch % P::kPer == 0);
  const std::size_t units = (k + 1) * kParts;
  const bool ahead = prefetches<T>(k + 1, n);
  const auto stream = [&](std::size_t s) { return s == 0 ? pre : ft[s - 1]; };
  const auto unit = [&](std::size_t base, std::size_t u, Row* half) {
    if (ahead) {
      const std::size_t g = u + kLeadUnits, pu = g % units;
      const std::size_t from = base + g / units * kElements + pu % kParts * kStretch;
      if (from < n) prefetch_run(stream(pu / kParts), from, std::min(n, from + kStretch));
    }
    // u < units: no division by the run-time `units` here (placing this unit
    // as the prefetch's is placed took 1.04-1.12x the time at K = 8 and 16).
    const std::size_t s = u / kParts, at = u % kParts * kStretch, from = base + at, end = std::min(n, from + kStretch);
    if (from >= end) return;
    if (s == 0)
      fill_pre(pre, from, end, P::kPer, pre_row.data() + at);
    else
      P::fill(ft[s - 1], pre_row.data() + at, from, end, half[s - 1].d + at);
  };
  for (std::size_t u = 0; u < units && n > 0; ++u) unit(0, u, rows.data());
  for (std::size_t q = 0; q < pairs * kTile * kTile; ++q) acc[q].v = O::zero();
  for (std::size_t base = 0, half = 0; base < n; base += kElements, half ^= 1) {
    const std::size_t end = std::min(n, base + kElements), vecs = vectors(base, end);
    const Row* cur = rows.data() + half * padded;
    Row* next = rows.data() + (half ^ 1) * padded;
    const std::size_t next_units = end < n ? units : 0;
    std::size_t a = 0;
    for (std::size_t ti = 0; ti < tiles; ++ti)
      for (std::size_t tj = ti; tj < tiles; ++tj, ++a) {
        // This pass runs the next block's units [first, first + count),
        // one after each of `count` stretches of its own vectors.
        const std::size_t first = a * next_units / pairs, count = (a + 1) * next_units / pairs - first;
        accumulate_tile<P>(cur, ti * kTile, tj * kTile, vecs, &acc[a * kTile * kTile], count,
                           [&](std::size_t f) { unit(end, first + f, next); });
      }
    if (end % kFlush != 0 && end != n) continue;
    a = 0;
    for (std::size_t ti = 0; ti < tiles; ++ti)
      for (std::size_t tj = ti; tj < tiles; ++tj, ++a)
        for (std::size_t r = 0; r < kTile; ++r)
          for (std::size_t c = 0; c < kTile; ++c) {
            const std::size_t i = ti * kTile + r, j = tj * kTile + c;
            if (i <= j && j < k) total[i * k + j] += lane_sum(acc[a * kTile * kTile + r * kTile + c].v);
          }
    for (std::size_t q = 0; q < pairs * kTile * kTile; ++q) acc[q].v = O::zero();
  }
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = i; j < k; ++j) out[i * k + j] = out[j * k + i] = total[i * k + j];
}

// Blocks of twice kBlock beyond kShortBlockTasks tasks: they halve the
// passes, and with them the loads and stores of each pass's accumulators,
// part of the third of the time beside the tile loop at K = 64. On the Xeon
// VM (fastest of 30 runs each) they took 0.94x the time of short blocks at
// K = 64 (f32, L2 and L3 sizes; f16 and bf16 0.96-0.97x) but 1.02x in
// memory, at K = 32 0.97-1.05x, and at K = 16 1.07-1.49x (medians, noisy).
template <class P, class T>
void gram_tiles_for(const T* pre, const T* const* ft, std::size_t k, std::size_t n, double* out) {
  if (k > kShortBlockTasks)
    gram_tiles<P, 2 * kBlock>(pre, ft, k, n, out);
  else
    gram_tiles<P, kBlock>(pre, ft, k, n, out);
}

// A few tasks: the k(k + 1) / 2 products straight from registers, without
// the scratch round trip, so that the loads and the multiply-adds overlap
// and the pass reads memory as fast as it comes (f16 and bf16 inputs, at
// twice f32's elements per byte, no longer hide the round trip). The k
// differences and the triangle of accumulators fit 32 registers up to
// k = 6; narrower levels, with 16, keep this for k <= 2. Each accumulator
// takes one product per vector and is flushed as in gram_tiles.
constexpr std::size_t kDirectTasks = W >= 16 ? 6 : 2;

template <std::size_t K, class T>
void gram_direct(const T* pre, const T* const* ft, std::size_t n, double* out) {
  constexpr std::size_t kPairs = K * (K + 1) / 2;
  double g[kPairs] = {};
  // At L2 size the prefetches took 1.65x the time at K = 2 and 4 (f32) on
  // the Xeon VM.
  const bool big = prefetches<T>(K + 1, n);
  for (std::size_t base = 0; base < n; base += kFlush) {
    const std::size_t end = std::min(n, base + kFlush);
    V s[kPairs];
    for (V& v : s) v = O::zero();
    // Full vectors, then one tail: a load that may be either would keep the
    // differences in memory.
    auto step = [&](auto&& load) {
      const V p = load(pre);
      V d[K];
      for (std::size_t t = 0; t < K; ++t) d[t] = O::sub(load(ft[t]), p);
      std::size_t q = 0;
      for (std::size_t a = 0; a < K; ++a)
        for (std::size_t b = a; b < K; ++b, ++q) s[q] = O::fmadd(d[a], d[b], s[q]);
    };
    std::size_t i = base;
    for (; i + W <= end; i += W) {
      if (big && i + kAhead < n) {
        prefetch_ahead(pre + i);
        for (std::size_t t = 0; t < K; ++t) prefetch_ahead(ft[t] + i);
      }
      step([i](const T* x) { return O::loadu(x + i); });
    }
    if (i < end) step([i, end](const T* x) { return O::load_tail(x + i, end - i); });
    for (std::size_t q = 0; q < kPairs; ++q) g[q] += lane_sum(s[q]);
  }
  std::size_t q = 0;
  for (std::size_t a = 0; a < K; ++a)
    for (std::size_t b = a; b < K; ++b, ++q) out[a * K + b] = out[b * K + a] = g[q];
}

// gram_direct for k in [1, kMax] (kMax <= kDirectTasks); nothing for k = 0.
template <std::size_t kMax, std::size_t K = 1, class T>
void gram_few(const T* pre, const T* const* ft, std::size_t k, std::size_t n, double* out) {
  if (k == K)
    gram_direct<K>(pre, ft, n, out);
  else if constexpr (K < kMax)
    gram_few<kMax, K + 1>(pre, ft, k, n, out);
}

template <class T>
void gram(const T* pre, const T* const* ft, std::size_t k, std::size_t n, double* out) {
  if (k <= kDirectTasks)
    gram_few<kDirectTasks>(pre, ft, k, n, out);
  else
    gram_tiles_for<F32Products>(pre, ft, k, n, out);
}

// The sum that step(i, end, acc) accumulates vector by vector, flushed as in gram.
template <class Step>
double flushed_sum(std::size_t n, Step&& step) {
  double total = 0.0;
  for (std::size_t base = 0; base < n; base += kFlush) {
    const std::size_t end = std::min(n, base + kFlush);
    V acc = O::zero();
    for (std::size_t i = base; i < end; i += W) step(i, end, acc);
    total += lane_sum(acc);
  }
  return total;
}

double tv_dot(const float* pre, const float* a, const float* b, std::size_t n) {
  return flushed_sum(n, [&](std::size_t i, std::size_t end, V& acc) {
    const V p = load_at(pre, i, end);
    acc = O::fmadd(O::sub(load_at(a, i, end), p), O::sub(load_at(b, i, end), p), acc);
  });
}

double tv_norm2(const float* pre, const float* a, std::size_t n) {
  return flushed_sum(n, [&](std::size_t i, std::size_t end, V& acc) {
    const V d = O::sub(load_at(a, i, end), load_at(pre, i, end));
    acc = O::fmadd(d, d, acc);
  });
}

template <class T>
void ties_histogram(const T* pre, const T* ft, std::size_t n, std::int32_t prefix, std::uint64_t* hist) {
  alignas(64) float tau[kBlock];
  for (std::size_t base = 0; base < n; base += kBlock) {
    const std::size_t end = std::min(n, base + kBlock);
    for (std::size_t i = base; i < end; i += W) O::storeu(tau + (i - base), O::sub(load_at(ft, i, end), load_at(pre, i, end)));
    for (std::size_t d = 0; d < end - base; ++d) count_bin(tau[d], prefix, hist);
  }
}

// The trimmed values of one vector of elements and their task-order sum.
struct Trimmed {
  V trim[kMaxTasks];
  V sum;
};

template <class T>
inline void trim_at(const T* pre, const T* const* ft, std::size_t k, std::size_t i, std::size_t end, const V* thr,
                    const V* neg_thr, Trimmed& r) {
  const V p = load_at(pre, i, end), zero = O::zero();
  r.sum = zero;
  for (std::size_t t = 0; t < k; ++t) {
    const V tau = O::sub(load_at(ft[t], i, end), p);
    // |tau| >= thr without an abs: same answer for every thr, NaN included.
    const M keep = O::m_or(O::ge(tau, thr[t]), O::le(tau, neg_thr[t]));
    r.trim[t] = O::select(keep, tau, zero);
    r.sum = O::add(r.sum, r.trim[t]);
  }
}

inline void splat_thresholds(const float* thr, std::size_t k, V* v, V* neg) {
  for (std::size_t t = 0; t < k; ++t) {
    v[t] = O::set1(thr[t]);
    neg[t] = O::sub(O::zero(), v[t]);
  }
}

template <class T>
std::int64_t ties_sign_sum(const T* pre, const T* const* ft, std::size_t k, std::size_t n, const float* thr) {
  V vt[kMaxTasks], nt[kMaxTasks];
  splat_thresholds(thr, k, vt, nt);
  const V zero = O::zero();
  std::int64_t total = 0;
  // Tail lanes load as zero: their sum is 0, which counts as neither sign.
  Trimmed r;
  for (std::size_t i = 0; i < n; i += W) {
    trim_at(pre, ft, k, i, n, vt, nt, r);
    total += static_cast<std::int64_t>(O::count(O::gt(r.sum, zero))) -
             static_cast<std::int64_t>(O::count(O::lt(r.sum, zero)));
  }
  return total;
}

template <class T>
void ties_merge(const T* pre, const T* const* ft, std::size_t k, std::size_t n, const float* thr, float majority,
                float lambda, float* out) {
  V vt[kMaxTasks], nt[kMaxTasks];
  splat_thresholds(thr, k, vt, nt);
  const V zero = O::zero(), one = O::set1(1.0f), vl = O::set1(lambda);
  const bool majority_up = majority > 0.0f;
  Trimmed r;
  for (std::size_t i = 0; i < n; i += W) {
    trim_at(pre, ft, k, i, n, vt, nt, r);
    // Lanes whose elected sign is +1: s > 0, or s neither > 0 nor < 0 under a + majority.
    const M up = majority_up ? O::m_not(O::lt(r.sum, zero)) : O::gt(r.sum, zero);
    V sum = zero, count = zero;
    for (std::size_t t = 0; t < k; ++t) {
      const M agree = O::m_or(O::m_and(up, O::gt(r.trim[t], zero)), O::m_andnot(O::lt(r.trim[t], zero), up));
      sum = O::add(sum, O::select(agree, r.trim[t], zero));
      count = O::add(count, O::select(agree, one, zero));
    }
    const V merged = O::div(sum, O::select(O::lt(count, one), one, count));
    const V res = O::add(load_at(pre, i, n), O::mul(vl, merged));
    if (i + W <= n)
      O::storeu(out + i, res);
    else
      O::store_tail(out + i, res, n - i);
  }
}

}  // namespace
}  // namespace MB_NS
