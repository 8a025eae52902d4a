// The VeRA family, written once over the level's ops and compiled for sse42,
// avx2, avx512, avx512-emu and stdsimd-*. Every matrix product is one
// register-blocked kernel, dots(), over a row source (f32, bf16 widened in
// registers, or generated from the seed), so that W0, A and B in any storage
// share one loop and one tail: full vectors, then one masked vector.
#include <algorithm>
#include <array>
#include <type_traits>

#include "maskbench/vera.hpp"
#include "simd/ops.hpp"
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
constexpr std::size_t W = O::W;

template <std::size_t N>
using Count = std::integral_constant<std::size_t, N>;

using F32Rows = MemoryRowsOf<O, float>;
using Bf16Rows = MemoryRowsOf<O, maskbench::Bf16>;
using SeededRows = SeededRowsOf<O>;

// out[r][t] = rows(i0 + r) · x[t*ldx, t*ldx + n) for R rows and T tokens: each
// loaded weight vector serves all T tokens. One accumulator vector per
// (row, token): a term passes through ceil(n / W) multiply-adds, then the
// log2(W) levels of reduce_add. dots_pair does the same for R1 rows of one
// source and R2 of another in one loop over the shared x, so that loads of
// one and arithmetic of the other (a generated source) overlap.
template <std::size_t R1, std::size_t R2, std::size_t T, class Rows1, class Rows2>
inline void dots_pair(const Rows1& rows1, std::size_t i1, const Rows2& rows2, std::size_t i2, const float* x,
                      std::size_t ldx, std::size_t n, float (&out)[R1 + R2][T]) {
  std::array<typename Rows1::Row, R1> row1;
  std::array<typename Rows2::Row, R2> row2;
  for (std::size_t r = 0; r < R1; ++r) row1[r] = rows1.row(i1 + r);
  for (std::size_t r = 0; r < R2; ++r) row2[r] = rows2.row(i2 + r);
  V acc[R1 + R2][T];
  for (auto& a : acc)
    for (V& v : a) v = O::zero();
  auto step = [&](const V (&xv)[T], auto&& load) {
    for (std::size_t r = 0; r < R1 + R2; ++r) {
      const V w = r < R1 ? load(row1[r]) : load(row2[r - R1]);
      for (std::size_t t = 0; t < T; ++t) acc[r][t] = O::fmadd(w, xv[t], acc[r][t]);
    }
  };
  std::size_t j = 0;
  for (; j + W <= n; j += W) {
    if (Rows1::Row::kAhead != 0 && j + Rows1::Row::kAhead < n)
      for (std::size_t r = 0; r < R1; ++r) row1[r].prefetch(j);
    V xv[T];
    for (std::size_t t = 0; t < T; ++t) xv[t] = O::loadu(x + t * ldx + j);
    step(xv, [j](const auto& row) { return row.load(j); });
  }
  if (j < n) {
    const std::size_t k = n - j;
    V xv[T];
    for (std::size_t t = 0; t < T; ++t) xv[t] = O::load_tail(x + t * ldx + j, k);
    step(xv, [j, k](const auto& row) { return row.load_tail(j, k); });
  }
  for (std::size_t r = 0; r < R1 + R2; ++r)
    for (std::size_t t = 0; t < T; ++t) out[r][t] = O::reduce_add(acc[r][t]);
}

template <std::size_t R, std::size_t T, class Rows>
inline void dots(const Rows& rows, std::size_t i0, const float* x, std::size_t ldx, std::size_t n,
                 float (&out)[R][T]) {
  dots_pair<R, 0, T>(rows, i0, rows, i0, x, ldx, n, out);
}

std::size_t log2_width() {
  std::size_t l = 0;
  while ((std::size_t{1} << l) < W) ++l;
  return l;
}

std::size_t dot_form_depth(std::size_t n) { return (n + W - 1) / W + log2_width(); }

// Register blocks: a single token takes 8 rows at once (8 independent
// accumulator chains hide the FMA latency); a batch takes up to 4 tokens per
// block, with as many rows as the level's registers hold beside them.
constexpr std::size_t kRowsSingle = 8;
constexpr std::size_t kRowsBatch = W >= 16 ? 4 : 2;
constexpr std::size_t kTokens = 4;

// The row blocks of a matrix: `count` blocks, full ones of R rows first, then
// single rows. run(b, body) calls body(Count<R>, Count<T>, i0, t0) for every
// token group of block b, so that a block of weight rows stays in cache while
// every token group uses it.
struct Blocks {
  std::size_t rows, m;
  std::size_t height() const { return m == 1 ? kRowsSingle : kRowsBatch; }
  std::size_t full() const { return rows / height(); }
  std::size_t count() const { return full() + rows % height(); }
  // The first row past blocks [0, b).
  std::size_t row_end(std::size_t b) const { return b <= full() ? b * height() : full() * height() + (b - full()); }

  template <class Body>
  void run(std::size_t b, Body&& body) const {
    if (m == 1) {
      if (b < full())
        body(Count<kRowsSingle>{}, Count<1>{}, b * kRowsSingle, 0);
      else
        body(Count<1>{}, Count<1>{}, row_end(b), 0);
      return;
    }
    auto tokens = [&](auto R, std::size_t i) {
      for (std::size_t t = 0; t < m; t += kTokens) {
        switch (std::min(kTokens, m - t)) {
          case 1: body(R, Count<1>{}, i, t); break;
          case 2: body(R, Count<2>{}, i, t); break;
          case 3: body(R, Count<3>{}, i, t); break;
          default: body(R, Count<kTokens>{}, i, t); break;
        }
      }
    };
    if (b < full())
      tokens(Count<kRowsBatch>{}, b * kRowsBatch);
    else
      tokens(Count<1>{}, row_end(b));
  }
};

// Runs main(0..n) and, spread evenly between them, side(0..k).
template <class Main, class Side>
void interleave(std::size_t n, std::size_t k, Main&& main, Side&& side) {
  std::size_t done = 0;
  for (std::size_t i = 0; i < n; ++i) {
    main(i);
    for (const std::size_t due = k * (i + 1) / n; done < due; ++done) side(done);
  }
  for (; done < k; ++done) side(done);
}

// The broadcast form, for a batch of at least two vectors of tokens, where
// the products are bound by multiply-adds rather than by reading W0: the
// tokens are packed two vectors wide (pack_tokens), each row element is
// broadcast to both, and R rows x 2 vectors of accumulators need no
// horizontal sum, so one broadcast feeds two multiply-adds. The dot form
// (dots) takes smaller batches, whose lanes the packing would leave empty.
// Columns go in chunks of kChunk, each chunk's sums added to a partial in L1,
// so a term passes through at most kChunk + ceil(n / kChunk) - 1 roundings
// rather than n; a chunk of R rows, read from W0 once, serves every token
// group from L1.
constexpr std::size_t kGroup = 2 * W;
constexpr std::size_t kChunk = 32;
constexpr std::size_t kRowsBroadcast = W >= 16 ? 8 : 4;

bool broadcast_form(std::size_t m) { return m >= kGroup; }

std::size_t broadcast_depth(std::size_t n) { return n <= kChunk ? n : kChunk + (n + kChunk - 1) / kChunk - 1; }

// Token t of group g, column j at packed[(g * n + j) * kGroup + t % kGroup];
// lanes past m stay 0.
void pack_tokens(const float* x, std::size_t ldx, std::size_t n, std::size_t m, float* packed) {
  for (std::size_t t = 0; t < m; ++t)
    for (std::size_t j = 0; j < n; ++j) packed[((t / kGroup) * n + j) * kGroup + t % kGroup] = x[t * ldx + j];
}

// out(i, t, v) for rows [i0, i0 + R) of `rows` (n columns) against every
// token t < m of packed; part holds groups x R x kGroup floats.
template <std::size_t R, class Rows, class Out>
void broadcast_rows(const Rows& rows, std::size_t i0, const float* packed, std::size_t n, std::size_t m, float* part,
                    Out&& out) {
  constexpr bool direct = std::is_same_v<Rows, F32Rows>;
  const std::size_t groups = (m + kGroup - 1) / kGroup;
  typename Rows::Row row[R];
  for (std::size_t r = 0; r < R; ++r) row[r] = rows.row(i0 + r);
  for (std::size_t q = 0; q < groups * R * kGroup; ++q) part[q] = 0.0f;
  alignas(64) float panel[direct ? 1 : R][kChunk];
  for (std::size_t j0 = 0; j0 < n; j0 += kChunk) {
    const std::size_t len = std::min(kChunk, n - j0);
    const float* p[R];
    for (std::size_t r = 0; r < R; ++r) {
      for (std::size_t c = 0; c < len; c += W)
        if (Rows::Row::kAhead != 0 && j0 + c + Rows::Row::kAhead < n) row[r].prefetch(j0 + c);
      if constexpr (direct) {
        p[r] = row[r].q + j0;
      } else {
        // bf16 widened or generated elements, a vector at a time.
        for (std::size_t c = 0; c < len; c += W) {
          const std::size_t k = std::min(W, len - c);
          if (k == W)
            O::storeu(panel[r] + c, row[r].load(j0 + c));
          else
            O::store_tail(panel[r] + c, row[r].load_tail(j0 + c, k), k);
        }
        p[r] = panel[r];
      }
    }
    for (std::size_t g = 0; g < groups; ++g) {
      const float* xg = packed + (g * n + j0) * kGroup;
      V acc[R][2];
      for (auto& a : acc) a[0] = a[1] = O::zero();
      // Unrolled: the loop's counter and pointer updates otherwise take
      // issue slots of the ports the multiply-adds use (m = 32 on the Xeon
      // VM: 0.93-0.99x the time, 4 alternations and 3, against an A/A
      // control of 0.97-1.01x).
#pragma GCC unroll 4
      for (std::size_t c = 0; c < len; ++c) {
        const V x0 = O::loadu(xg + c * kGroup), x1 = O::loadu(xg + c * kGroup + W);
        for (std::size_t r = 0; r < R; ++r) {
          const V e = O::set1(p[r][c]);
          acc[r][0] = O::fmadd(e, x0, acc[r][0]);
          acc[r][1] = O::fmadd(e, x1, acc[r][1]);
        }
      }
      float* pg = part + g * R * kGroup;
      for (std::size_t r = 0; r < R; ++r)
        for (std::size_t h = 0; h < 2; ++h) {
          float* q = pg + r * kGroup + h * W;
          O::storeu(q, O::add(O::loadu(q), acc[r][h]));
        }
    }
  }
  for (std::size_t t = 0; t < m; ++t)
    for (std::size_t r = 0; r < R; ++r) out(i0 + r, t, part[((t / kGroup) * R + r) * kGroup + t % kGroup]);
}

// body(Count<R>, i0) over `rows` rows: blocks of kRowsBroadcast, then single rows.
template <class Body>
void broadcast_blocks(std::size_t rows, Body&& body) {
  std::size_t i = 0;
  for (; i + kRowsBroadcast <= rows; i += kRowsBroadcast) body(Count<kRowsBroadcast>{}, i);
  for (; i < rows; ++i) body(Count<1>{}, i);
}

// z = d ⊙ (A·x), packed as the tokens of B·z; then, a block of rows at a
// time, y = W0·x and y += b ⊙ (B·z) while the block's outputs are in L1.
template <class W0Rows, class ARows, class BRows>
void forward_broadcast(const VeraLayer& L, const W0Rows& w0, const ARows& a, const BRows& b, const float* x, float* y,
                       std::size_t m) {
  const std::size_t groups = (m + kGroup - 1) / kGroup;
  Scratch xp(groups * L.in * kGroup), zp(groups * L.r * kGroup), part(groups * kRowsBroadcast * kGroup);
  pack_tokens(x, L.in, L.in, m, xp.data());
  broadcast_blocks(L.r, [&](auto rows, std::size_t i0) {
    broadcast_rows<decltype(rows)::value>(a, i0, xp.data(), L.in, m, part.data(), [&](std::size_t k, std::size_t t, float v) {
      zp[((t / kGroup) * L.r + k) * kGroup + t % kGroup] = L.lambda_d[k] * v;
    });
  });
  broadcast_blocks(L.out, [&](auto rows, std::size_t i0) {
    constexpr std::size_t R = decltype(rows)::value;
    broadcast_rows<R>(w0, i0, xp.data(), L.in, m, part.data(),
                      [&](std::size_t i, std::size_t t, float v) { y[t * L.out + i] = v; });
    broadcast_rows<R>(b, i0, zp.data(), L.r, m, part.data(), [&](std::size_t i, std::size_t t, float v) {
      float& out = y[t * L.out + i];
      out = out + L.lambda_b[i] * v;
    });
  });
}

// The fused schedule: one pass over A makes z = d ⊙ (A·x) (r floats per
// token, the only intermediate written), then one pass over W0 and B makes
// each y_i from its W0 row and B row together, so W0·x and B·z never reach
// memory.
//
// When A and B are generated, their passes are pure arithmetic, which a W0
// stream can hide: the first `split` row blocks of W0 then ride along with
// the generation of A (their W0·x parked in y), and the generation of their B
// rows rides along with the fused pass over the remaining rows. y_i is the
// same w + b*s either way.
template <class W0Rows, class ARows, class BRows>
void forward_rows(const VeraLayer& L, const W0Rows& w0, const ARows& a, const BRows& b, const float* x, float* y,
                  std::size_t m) {
  if (broadcast_form(m)) return forward_broadcast(L, w0, a, b, x, y, m);
  constexpr bool overlap = std::is_same_v<ARows, SeededRows>;
  const Blocks ab{L.r, m}, wb{L.out, m};
  // Generated elements per side: A is r x in, B's share of a W0 row is r.
  std::size_t split = overlap && L.r > 0 && L.in + L.out > 0 ? wb.count() * L.in / (L.in + L.out) : 0;
  Scratch z(m * L.r);
  auto a_block = [&](std::size_t blk) {
    ab.run(blk, [&](auto rows, auto tokens, std::size_t i0, std::size_t t0) {
      constexpr std::size_t R = decltype(rows)::value, T = decltype(tokens)::value;
      float t_[R][T];
      dots(a, i0, x + t0 * L.in, L.in, L.in, t_);
      for (std::size_t r = 0; r < R; ++r)
        for (std::size_t t = 0; t < T; ++t) z[(t0 + t) * L.r + i0 + r] = L.lambda_d[i0 + r] * t_[r][t];
    });
  };
  auto w0_block = [&](std::size_t blk) {
    wb.run(blk, [&](auto rows, auto tokens, std::size_t i0, std::size_t t0) {
      constexpr std::size_t R = decltype(rows)::value, T = decltype(tokens)::value;
      float w[R][T];
      dots(w0, i0, x + t0 * L.in, L.in, L.in, w);
      for (std::size_t r = 0; r < R; ++r)
        for (std::size_t t = 0; t < T; ++t) y[(t0 + t) * L.out + i0 + r] = w[r][t];
    });
  };
  auto b_block = [&](std::size_t blk) {
    wb.run(blk, [&](auto rows, auto tokens, std::size_t i0, std::size_t t0) {
      constexpr std::size_t R = decltype(rows)::value, T = decltype(tokens)::value;
      float s[R][T];
      dots(b, i0, z.data() + t0 * L.r, L.r, L.r, s);
      for (std::size_t r = 0; r < R; ++r)
        for (std::size_t t = 0; t < T; ++t) {
          float& out = y[(t0 + t) * L.out + i0 + r];
          out = out + L.lambda_b[i0 + r] * s[r][t];
        }
    });
  };
  auto fused_block = [&](std::size_t blk) {
    wb.run(blk, [&](auto rows, auto tokens, std::size_t i0, std::size_t t0) {
      constexpr std::size_t R = decltype(rows)::value, T = decltype(tokens)::value;
      float w[R][T], s[R][T];
      dots(w0, i0, x + t0 * L.in, L.in, L.in, w);
      dots(b, i0, z.data() + t0 * L.r, L.r, L.r, s);
      for (std::size_t r = 0; r < R; ++r)
        for (std::size_t t = 0; t < T; ++t) y[(t0 + t) * L.out + i0 + r] = w[r][t] + L.lambda_b[i0 + r] * s[r][t];
    });
  };
  if (overlap && m == 1 && L.r > 0 && wb.full() > 0) {
    // One token: pair each full block of W0 rows with `ka` generated A rows in
    // one loop (dots_pair), ka chosen so that the pairs cover A while using
    // about the W0 share computed above; leftover A rows go alone.
    const std::size_t share = split * kRowsSingle;
    const std::size_t want = share == 0 ? 1 : kRowsSingle * L.r / share;
    const std::size_t ka = want >= 4 ? 4 : (want >= 2 ? 2 : 1);
    const std::size_t pairs = std::min(L.r / ka, wb.full());
    auto pair = [&](auto k_a, std::size_t p) {
      constexpr std::size_t KA = decltype(k_a)::value;
      float out[kRowsSingle + KA][1];
      dots_pair<kRowsSingle, KA, 1>(w0, p * kRowsSingle, a, p * KA, x, L.in, L.in, out);
      for (std::size_t r = 0; r < kRowsSingle; ++r) y[p * kRowsSingle + r] = out[r][0];
      for (std::size_t q = 0; q < KA; ++q) z[p * KA + q] = L.lambda_d[p * KA + q] * out[kRowsSingle + q][0];
    };
    for (std::size_t p = 0; p < pairs; ++p) {
      if (ka == 4)
        pair(Count<4>{}, p);
      else if (ka == 2)
        pair(Count<2>{}, p);
      else
        pair(Count<1>{}, p);
    }
    for (std::size_t k = pairs * ka; k < L.r; ++k) {
      float t_[1][1];
      dots(a, k, x, L.in, L.in, t_);
      z[k] = L.lambda_d[k] * t_[0][0];
    }
    split = pairs;
  } else {
    interleave(ab.count(), split, a_block, w0_block);
  }
  interleave(
      wb.count() - split, split, [&](std::size_t blk) { fused_block(split + blk); }, b_block);
}

// Merge is the product (b ⊙ B ⊙ d)·A added to W0: tiles of R output rows x
// kMergeVectors vectors of columns accumulate over k in ascending order, so
// each vector of A loaded serves R rows.
constexpr std::size_t kMergeRows = 4, kMergeVectors = W >= 16 ? 4 : 2, kMergeCols = kMergeVectors * W;

// A is taken in panels of columns that stay in L2 while every row passes over
// them, packed tile by tile: the kMergeCols columns of a tile for k = 0, 1,
// ... in a row, zeros past the panel's end. Without panels each kMergeRows
// rows read all of A again (4 MiB at 4096 x 4096, r = 256) from L3, and
// unpacked, A's rows 16 KiB apart fell into the same few L2 sets; on the Xeon
// VM merge ran at 51 GFLOP/s, 0.37x OpenBLAS's sgemm.
constexpr std::size_t kMergePanelBytes = std::size_t{512} << 10;

void pack_panel(const VeraLayer& L, std::size_t j0, std::size_t j1, float* packed) {
  for (std::size_t j = j0; j < j1; j += kMergeCols) {
    const std::size_t cols = std::min(kMergeCols, j1 - j);
    float* tile = packed + (j - j0) * L.r;
    for (std::size_t k = 0; k < L.r; ++k) {
      std::copy_n(L.a + k * L.lda + j, cols, tile + k * kMergeCols);
      std::fill(tile + k * kMergeCols + cols, tile + (k + 1) * kMergeCols, 0.0f);
    }
  }
}

// Columns [j, j + cols) of R rows from i0, cols <= kMergeCols, from the
// packed tile a.
template <std::size_t R, class W0Rows>
void merge_tile(const VeraLayer& L, const W0Rows& w0, const float* a, const float* c, float* w, std::size_t i0,
                std::size_t j, std::size_t cols, V sign) {
  V acc[R][kMergeVectors];
  for (auto& row : acc)
    for (V& v : row) v = O::zero();
  for (std::size_t k = 0; k < L.r; ++k) {
    V av[kMergeVectors];
    for (std::size_t u = 0; u < kMergeVectors; ++u) av[u] = O::loadu(a + k * kMergeCols + u * W);
    for (std::size_t r = 0; r < R; ++r) {
      const V cv = O::set1(c[r * L.r + k]);
      for (std::size_t u = 0; u < kMergeVectors; ++u) acc[r][u] = O::fmadd(cv, av[u], acc[r][u]);
    }
  }
  for (std::size_t r = 0; r < R; ++r) {
    const auto row = w0.row(i0 + r);
    float* out = w + (i0 + r) * L.in + j;
    for (std::size_t u = 0; u < kMergeVectors && u * W < cols; ++u) {
      const std::size_t at = u * W, lanes = std::min(W, cols - at);
      if (lanes == W)
        O::storeu(out + at, O::add(row.load(j + at), O::mul(sign, acc[r][u])));
      else
        O::store_tail(out + at, O::add(row.load_tail(j + at, lanes), O::mul(sign, acc[r][u])), lanes);
    }
  }
}

// R rows from i0 over the packed panel of columns [j0, j1).
template <std::size_t R, class W0Rows>
void merge_rows(const VeraLayer& L, const W0Rows& w0, const float* packed, Scratch<>& c, float* w, std::size_t i0,
                std::size_t j0, std::size_t j1, V sign) {
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t k = 0; k < L.r; ++k)
      c[r * L.r + k] = L.b[(i0 + r) * L.ldb + k] * L.lambda_d[k] * L.lambda_b[i0 + r];
  for (std::size_t j = j0; j < j1; j += kMergeCols)
    merge_tile<R>(L, w0, packed + (j - j0) * L.r, c.data(), w, i0, j, std::min(kMergeCols, j1 - j), sign);
}

template <class W0Rows>
void merge_all(const VeraLayer& L, const W0Rows& w0, float* w, float sign) {
  const V vs = O::set1(sign);
  // No wider than the layer: the panel is allocated and zeroed per call.
  const std::size_t cols = (L.in + kMergeCols - 1) / kMergeCols * kMergeCols;
  const std::size_t fit = L.r == 0 ? cols : kMergePanelBytes / (L.r * sizeof(float)) / kMergeCols * kMergeCols;
  const std::size_t panel = std::min(cols, std::max(kMergeCols, fit));
  Scratch c(kMergeRows * L.r), packed(L.r * panel);
  for (std::size_t j0 = 0; j0 < L.in; j0 += panel) {
    const std::size_t j1 = std::min(L.in, j0 + panel);
    pack_panel(L, j0, j1, packed.data());
    std::size_t i = 0;
    for (; i + kMergeRows <= L.out; i += kMergeRows) merge_rows<kMergeRows>(L, w0, packed.data(), c, w, i, j0, j1, vs);
    for (; i < L.out; ++i) merge_rows<1>(L, w0, packed.data(), c, w, i, j0, j1, vs);
  }
}

#include "vera/entry_points.hpp"

void generate(std::uint64_t seed, VeraMatrix k, std::size_t fan_in, std::size_t row0, std::size_t rows,
              std::size_t col0, std::size_t cols, float* out, std::size_t ld) {
  const SeededRows src{seed, k, maskbench::vera_scale(fan_in)};
  for (std::size_t i = 0; i < rows; ++i) {
    const SeededRows::Row row = src.row(row0 + i);
    float* o = out + i * ld;
    std::size_t j = 0;
    for (; j + W <= cols; j += W) O::storeu(o + j, row.load(col0 + j));
    if (j < cols) O::store_tail(o + j, row.load(col0 + j), cols - j);
  }
}

std::size_t dot_depth(std::size_t n, std::size_t m) { return broadcast_form(m) ? broadcast_depth(n) : dot_form_depth(n); }

constexpr maskbench::VeraKernels kTable{forward, forward_batch, forward_regen, merge, unmerge, generate, dot_depth};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(vera, kTable)
