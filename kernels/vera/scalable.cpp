// The VeRA family written once over the scalable op set (simd/scalable.hpp)
// and compiled for sve and rvv. As in simd.cpp, every matrix product is one
// register-blocked kernel, dots(), over a row source (f32, bf16 widened in
// registers, or generated from the seed); every loop step loads up to a
// whole vector, the last one a predicated or shorter one, never a scalar
// remainder. Sizeless vectors cannot form simd.cpp's arrays of accumulators,
// so a block has four named accumulators (rows x tokens <= 4), chosen at
// compile time by index, and the schedule is the plain one: z = d ⊙ (A·x)
// for every token, then each y_i from its W0 row and B row together.
#include <algorithm>
#include <type_traits>
#include <utility>

#include "maskbench/vera.hpp"
#include "simd/scalable.hpp"
#include "vera/row_sources.hpp"
#include "simd/scratch.hpp"

namespace MB_NS {
namespace {

using maskbench::VeraLayer;
using maskbench::VeraMatrix;
using maskbench::VeraSeed;
using maskbench::VeraWeight;
using O = simd::Ops;
using V = O::V;

template <std::size_t N>
using Count = std::integral_constant<std::size_t, N>;

// f(Count<0>{}), ..., f(Count<N - 1>{}).
template <std::size_t N, class F>
inline void unroll(F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) { (f(Count<I>{}), ...); }(std::make_index_sequence<N>{});
}

// The Q-th of four named vectors.
template <std::size_t Q>
inline V& pick(V& v0, V& v1, V& v2, V& v3) {
  static_assert(Q < 4);
  if constexpr (Q == 0) return v0;
  else if constexpr (Q == 1) return v1;
  else if constexpr (Q == 2) return v2;
  else return v3;
}

using F32Rows = MemoryRowsOf<O, float>;
using Bf16Rows = MemoryRowsOf<O, maskbench::Bf16>;
using SeededRows = SeededRowsOf<O>;

// out[r][t] = rows(i0 + r) · x[t*ldx, t*ldx + n) for R rows and T tokens,
// R * T <= 4: each loaded weight vector serves all T tokens. One accumulator
// per (row, token): a term passes through ceil(n / lanes) multiply-adds, then
// the log2(lanes) levels of reduce_add.
template <std::size_t R, std::size_t T, class Rows>
inline void dots(const Rows& rows, std::size_t i0, const float* x, std::size_t ldx, std::size_t n,
                 float (&out)[R][T]) {
  static_assert(R * T <= 4);
  typename Rows::Row row[R];
  for (std::size_t r = 0; r < R; ++r) row[r] = rows.row(i0 + r);
  V a0 = O::zero(), a1 = a0, a2 = a0, a3 = a0;
  const std::size_t w = O::lanes();
  for (std::size_t j = 0; j < n; j += w) {
    const std::size_t k = std::min(w, n - j);
    if (Rows::Row::kAhead != 0 && j + Rows::Row::kAhead < n)
      for (std::size_t r = 0; r < R; ++r) row[r].prefetch(j);
    V x0 = O::zero(), x1 = x0, x2 = x0, x3 = x0;
    unroll<T>([&](auto t) { pick<t>(x0, x1, x2, x3) = O::load(x + t * ldx + j, k); });
    unroll<R>([&](auto r) {
      const V wv = row[r].load_tail(j, k);
      unroll<T>([&](auto t) {
        V& acc = pick<r * T + t>(a0, a1, a2, a3);
        acc = O::fmadd(wv, pick<t>(x0, x1, x2, x3), acc);
      });
    });
  }
  unroll<R>([&](auto r) { unroll<T>([&](auto t) { out[r][t] = O::reduce_add(pick<r * T + t>(a0, a1, a2, a3)); }); });
}

std::size_t dot_depth(std::size_t n, std::size_t) {
  const std::size_t w = O::lanes();
  return (n + w - 1) / w + simd::log2_lanes();
}

// The blocks of `rows` rows for m tokens: body(Count<R>, Count<T>, i0, t0).
// A single token takes 4 rows at once (independent accumulator chains); a
// batch takes one row for up to 4 tokens, so that each weight vector loaded
// serves the whole token group.
template <class Body>
void for_blocks(std::size_t rows, std::size_t m, Body&& body) {
  if (m == 1) {
    std::size_t i = 0;
    for (; i + 4 <= rows; i += 4) body(Count<4>{}, Count<1>{}, i, 0);
    for (; i < rows; ++i) body(Count<1>{}, Count<1>{}, i, 0);
    return;
  }
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t t = 0; t < m; t += 4) {
      switch (std::min<std::size_t>(4, m - t)) {
        case 1: body(Count<1>{}, Count<1>{}, i, t); break;
        case 2: body(Count<1>{}, Count<2>{}, i, t); break;
        case 3: body(Count<1>{}, Count<3>{}, i, t); break;
        default: body(Count<1>{}, Count<4>{}, i, t); break;
      }
    }
}

// One pass over A makes z = d ⊙ (A·x) (r floats per token, the only
// intermediate written), then one pass over W0 and B makes each y_i from its
// W0 row and B row together, so W0·x and B·z never reach memory.
template <class W0Rows, class ARows, class BRows>
void forward_rows(const VeraLayer& L, const W0Rows& w0, const ARows& a, const BRows& b, const float* x, float* y,
                  std::size_t m) {
  Scratch z(m * L.r);
  for_blocks(L.r, m, [&](auto rows, auto tokens, std::size_t i0, std::size_t t0) {
    constexpr std::size_t R = decltype(rows)::value, T = decltype(tokens)::value;
    float t_[R][T];
    dots(a, i0, x + t0 * L.in, L.in, L.in, t_);
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t t = 0; t < T; ++t) z[(t0 + t) * L.r + i0 + r] = L.lambda_d[i0 + r] * t_[r][t];
  });
  for_blocks(L.out, m, [&](auto rows, auto tokens, std::size_t i0, std::size_t t0) {
    constexpr std::size_t R = decltype(rows)::value, T = decltype(tokens)::value;
    float w[R][T], s[R][T];
    dots(w0, i0, x + t0 * L.in, L.in, L.in, w);
    dots(b, i0, z.data() + t0 * L.r, L.r, L.r, s);
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t t = 0; t < T; ++t) y[(t0 + t) * L.out + i0 + r] = w[r][t] + L.lambda_b[i0 + r] * s[r][t];
  });
}

// Merge is the product (b ⊙ B ⊙ d)·A added to W0: blocks of R <= 4 output
// rows x one vector of columns accumulate over k in ascending order, so each
// vector of A read serves R rows.
template <std::size_t R, class W0Rows>
void merge_block(const VeraLayer& L, const W0Rows& w0, const float* c, float* w, std::size_t i0, std::size_t j,
                 std::size_t lanes, V sign) {
  V a0 = O::zero(), a1 = a0, a2 = a0, a3 = a0;
  for (std::size_t k = 0; k < L.r; ++k) {
    const V av = O::load(L.a + k * L.lda + j, lanes);
    unroll<R>([&](auto r) {
      V& acc = pick<r>(a0, a1, a2, a3);
      acc = O::fmadd(O::set1(c[r * L.r + k]), av, acc);
    });
  }
  unroll<R>([&](auto r) {
    const auto row = w0.row(i0 + r);
    O::store(w + (i0 + r) * L.in + j, O::add(row.load_tail(j, lanes), O::mul(sign, pick<r>(a0, a1, a2, a3))), lanes);
  });
}

template <std::size_t R, class W0Rows>
void merge_rows(const VeraLayer& L, const W0Rows& w0, Scratch<>& c, float* w, std::size_t i0, V sign) {
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t k = 0; k < L.r; ++k)
      c[r * L.r + k] = L.b[(i0 + r) * L.ldb + k] * L.lambda_d[k] * L.lambda_b[i0 + r];
  const std::size_t step = O::lanes();
  for (std::size_t j = 0; j < L.in; j += step) merge_block<R>(L, w0, c.data(), w, i0, j, std::min(step, L.in - j), sign);
}

template <class W0Rows>
void merge_all(const VeraLayer& L, const W0Rows& w0, float* w, float sign) {
  Scratch c(4 * L.r);
  const V vs = O::set1(sign);
  std::size_t i = 0;
  for (; i + 4 <= L.out; i += 4) merge_rows<4>(L, w0, c, w, i, vs);
  for (; i < L.out; ++i) merge_rows<1>(L, w0, c, w, i, vs);
}

#include "vera/entry_points.hpp"

void generate(std::uint64_t seed, VeraMatrix k, std::size_t fan_in, std::size_t row0, std::size_t rows,
              std::size_t col0, std::size_t cols, float* out, std::size_t ld) {
  const SeededRows src{seed, k, maskbench::vera_scale(fan_in)};
  const std::size_t step = O::lanes();
  for (std::size_t i = 0; i < rows; ++i) {
    const SeededRows::Row row = src.row(row0 + i);
    for (std::size_t j = 0; j < cols; j += step) {
      const std::size_t lanes = std::min(step, cols - j);
      O::store(out + i * ld + j, row.load_tail(col0 + j, lanes), lanes);
    }
  }
}

constexpr maskbench::VeraKernels kTable{forward, forward_batch, forward_regen, merge, unmerge, generate, dot_depth};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(vera, kTable)
