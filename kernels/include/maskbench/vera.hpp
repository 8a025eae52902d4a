#pragma once
// VeRA adapters (Kopiczko et al., ICLR 2024): a frozen layer W0 plus a pair of
// frozen random low-rank matrices A (r x in) and B (out x r), shared by every
// adapted layer, and two trained vectors per layer, d (r) and b (out):
//
//     y = W0·x + b ⊙ (B·(d ⊙ (A·x)))
//
// As in HuggingFace PEFT, the shared matrices are sized for the largest layer
// (A is r x max_in, B is max_out x r) and a layer uses the leading slices
// A[:, :in] and B[:out, :]; hence the row strides lda and ldb.
//
// Common contract, every kernel and implementation:
// - any in, out, r >= 0 (r = 0 is the plain matvec y = W0·x), any alignment
//   of every array; all sizes and strides are element counts;
// - a kernel reads exactly the elements named in its contract and writes only
//   its output: nothing past a slice's last used column, nothing between rows;
// - products and sums may be fused (FMA) or not, and the summation order is
//   the implementation's; dot_depth(n, m) reports how many roundings a term
//   of a length-n dot product can go through in a call for m tokens, and the error bounds below are
//   stated in it (Higham's gamma(h) = h*u / (1 - h*u), u = 2^-24);
// - every forward kernel computes the same stages in the same dataflow
//   (t = A·x, z = d ⊙ t, s = B·z, y = W0·x + b ⊙ s), so a NaN or an infinity
//   in any input reaches exactly the outputs it reaches in the scalar
//   reference: an output is NaN where the reference's is NaN and the same
//   infinity where the reference's is infinite (finite inputs whose partial
//   sums could overflow aside, since overflow depends on the order).
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "maskbench/half.hpp"

#include "maskbench/entry_point.hpp"
namespace maskbench {

enum class VeraWeight : int { f32, bf16 };
enum class VeraMatrix : std::uint32_t { a = 0, b = 1 };

// One adapted layer. W0 is row-major out x in with row stride in, f32 or Bf16
// (maskbench/half.hpp, widened exactly); A's element (k, j) is
// a[k*lda + j] (k < r, j < in, lda >= in); B's element (i, k) is
// b[i*ldb + k] (i < out, k < r, ldb >= r).

struct VeraLayer {
  std::size_t in = 0, out = 0, r = 0;
  const void* w0 = nullptr;
  VeraWeight w0_type = VeraWeight::f32;
  const float* a = nullptr;
  std::size_t lda = 0;
  const float* b = nullptr;
  std::size_t ldb = 0;
  const float* lambda_d = nullptr;  // d, r elements
  const float* lambda_b = nullptr;  // b, out elements
};

// The seed that determines A and B (see the generator below), and A's fan-in
// (max_in, the width of the shared A, which sets its bound); B's fan-in is r.
struct VeraSeed {
  std::uint64_t seed = 0;
  std::size_t a_fan_in = 0;
};

// The counter-based generator of the frozen matrices. Element (i, j) of
// matrix k is a pure function of (seed, k, i, j), i and j below 2^32:
//   1. row key: h64 = splitmix64_mix(seed + 0x9E3779B97F4A7C15 * (k * 2^32 + i)),
//      lo = low 32 bits of h64, hi = high 32 bits;
//   2. element hash, all 32-bit unsigned arithmetic:
//      x = j + lo; x ^= x >> 16; x *= 0x21F0AAAD; x ^= hi;
//      x ^= x >> 15; x *= 0x735A2D97; x ^= x >> 15;
//   3. uniform: s = (x >> 8) - 2^23, an integer in [-2^23, 2^23), so that
//      s * 2^-23 is exactly representable and uniform in [-1, 1);
//   4. value = fl(float(s) * scale), scale = vera_scale(fan_in): the one
//      rounding of s * 2^-23 * bound (scale is exact: bound times 2^-23).
// The bound is kaiming-uniform's sqrt(6 / fan_in), computed in double and
// rounded once to float, so every implementation multiplies by the same
// float and the values are bit-identical everywhere. This definition is a
// format: changing it changes every adapter trained on it.
struct VeraRowKey {
  std::uint32_t lo, hi;
};

constexpr std::uint64_t vera_splitmix64_mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

constexpr VeraRowKey vera_row_key(std::uint64_t seed, VeraMatrix k, std::uint64_t row) {
  const std::uint64_t counter = (static_cast<std::uint64_t>(k) << 32) | row;
  const std::uint64_t h = vera_splitmix64_mix(seed + 0x9E3779B97F4A7C15ull * counter);
  return {static_cast<std::uint32_t>(h), static_cast<std::uint32_t>(h >> 32)};
}

inline constexpr std::uint32_t kVeraMul1 = 0x21F0AAADu, kVeraMul2 = 0x735A2D97u;

constexpr std::uint32_t vera_hash32(VeraRowKey key, std::uint32_t col) {
  std::uint32_t x = col + key.lo;
  x ^= x >> 16;
  x *= kVeraMul1;
  x ^= key.hi;
  x ^= x >> 15;
  x *= kVeraMul2;
  x ^= x >> 15;
  return x;
}

// float(s) of step 3: exact, |s| <= 2^23.
constexpr float vera_centered24(std::uint32_t x) {
  return static_cast<float>(static_cast<std::int32_t>(x >> 8) - 0x800000);
}

inline float vera_bound(std::size_t fan_in) {
  return fan_in == 0 ? 0.0f : static_cast<float>(std::sqrt(6.0 / static_cast<double>(fan_in)));
}
inline float vera_scale(std::size_t fan_in) { return std::ldexp(vera_bound(fan_in), -23); }

inline float vera_element(std::uint64_t seed, VeraMatrix k, std::size_t fan_in, std::size_t i, std::size_t j) {
  return vera_centered24(vera_hash32(vera_row_key(seed, k, i), static_cast<std::uint32_t>(j))) * vera_scale(fan_in);
}

struct VeraKernels {
  static constexpr const char* kFamily = "vera";

  // y[0, out) = W0·x + b ⊙ (B·(d ⊙ (A·x))) for x[0, in). Reads W0, the A and
  // B slices, d, b and x; writes y; y must not overlap an input.
  // Error: with T_i = sum_j |W0_ij x_j| + |b_i| sum_k |B_ik| |d_k| sum_j |A_kj x_j|
  // (every term of the fully expanded expression, computed in double),
  //     |y_i - exact_i| <= gamma(vera_forward_depth(*this, in, r, 1)) * T_i
  //                        + vera_forward_underflow(layer, i),
  // because each expanded term passes through at most dot_depth(in, 1)
  // roundings in A·x, one in d ⊙, dot_depth(r, 1) in B·z, one in b ⊙ and one
  // in the final addition (W0 terms: dot_depth(in, 1) + 1). The second term is gradual
  // underflow's: a product, fused or not, rounds to a*b*(1 + delta) + eta with
  // |eta| <= 2^-150 (a sum that underflows is exact), so each eta reaches y_i
  // scaled by the factors applied after it (see vera_forward_underflow).
  void (*forward)(const VeraLayer& layer, const float* x, float* y);

  // Y[t*out + i] for m tokens X[t*in + j], t < m, each row within forward's
  // bound with the depth of m tokens, vera_forward_depth(*this, in, r, m): an
  // implementation may sum a batch in another order than one token (blocked
  // partial sums for a batch that fills its registers with tokens). Each
  // weight element loaded serves a whole group of tokens, so W0 is streamed
  // once per call from memory.
  void (*forward_batch)(const VeraLayer& layer, const float* x, float* y, std::size_t m);

  // forward_batch with A and B regenerated in registers from `seed` (see the
  // generator) instead of read: layer.a and layer.b are ignored. A's element
  // (k, j) is vera_element(seed, a, seed.a_fan_in, k, j) and B's (i, k) is
  // vera_element(seed, b, r, i, k), the same values generate() writes, so the
  // result obeys forward_batch's bound over those matrices (vera_forward_underflow
  // given the seed).
  void (*forward_regen)(const VeraLayer& layer, const VeraSeed& seed, const float* x, float* y, std::size_t m);

  // w[i*in + j] = W0_ij + fl(sum_k c_ik * A_kj), c_ik = fl(fl(B_ik * d_k) * b_i),
  // summed over k in ascending order, one rounding per step (depth r), so
  // every term of the exact delta passes through at most r + 3 roundings:
  //     |w_ij - (W0_ij + delta_ij)| <= gamma(r + 3) * (|W0_ij| + sum_k |b_i B_ik d_k A_kj|)
  //                                      + vera_merge_underflow(layer, i, j),
  // the second term for the products that underflow, as in forward.
  // w may be W0 itself (in place, f32 W0) or a separate out x in array; a
  // bf16 W0 is widened into w. unmerge subtracts the delta instead, with the
  // same bound; merge then unmerge returns W0 within twice that bound.
  void (*merge)(const VeraLayer& layer, float* w);
  void (*unmerge)(const VeraLayer& layer, float* w);

  // out[i*ld + j] = vera_element(seed, k, fan_in, row0 + i, col0 + j) for
  // i < rows, j < cols (ld >= cols): any tile of either matrix. Exact:
  // bit-identical in every implementation.
  void (*generate)(std::uint64_t seed, VeraMatrix k, std::size_t fan_in, std::size_t row0, std::size_t rows,
                   std::size_t col0, std::size_t cols, float* out, std::size_t ld);

  // The most roundings a term of this implementation's length-n dot product
  // goes through (its multiplication included) in a call for m tokens.
  std::size_t (*dot_depth)(std::size_t n, std::size_t m);

  std::vector<EntryPoint> entry_points() const {
    return {entry("forward", forward), entry("forward_batch", forward_batch), entry("forward_regen", forward_regen),
            entry("merge", merge), entry("generate", generate)};
  }
};

// The rounding depth of forward's composition (see forward) for m tokens.
inline std::size_t vera_forward_depth(const VeraKernels& k, std::size_t in, std::size_t r, std::size_t m) {
  const std::size_t w0_terms = k.dot_depth(in, m) + 1;
  const std::size_t adapter_terms = k.dot_depth(in, m) + k.dot_depth(r, m) + 3;
  return r == 0 ? w0_terms : (w0_terms > adapter_terms ? w0_terms : adapter_terms);
}

// The rounding depth of merge's delta terms (see merge).
inline std::size_t vera_merge_depth(std::size_t r) { return r + 3; }

// The absolute term of forward's bound for y_i, over B as stored or, with
// `regen`, as forward_regen generates it. Each eta (2^-150) counts times the
// factors applied to it later: in of W0·x; one of b ⊙; r of B·z, times |b_i|;
// one per d ⊙, times |b_i B_ik|; in per A·x row, times |b_i B_ik d_k|. The
// roundings after an eta scale it by at most 1 + gamma(depth), at most 2
// while depth * u <= 1/2.
inline double vera_forward_underflow(const VeraLayer& L, std::size_t i, const VeraSeed* regen = nullptr) {
  const double in = static_cast<double>(L.in);
  if (L.r == 0) return 2 * 0x1p-150 * in;
  double later = 0.0;
  for (std::size_t k = 0; k < L.r; ++k) {
    const float b_ik = regen != nullptr ? vera_element(regen->seed, VeraMatrix::b, L.r, i, k) : L.b[i * L.ldb + k];
    later += std::fabs(static_cast<double>(b_ik)) * (1.0 + std::fabs(static_cast<double>(L.lambda_d[k])) * in);
  }
  return 2 * 0x1p-150 * (in + 1.0 + std::fabs(static_cast<double>(L.lambda_b[i])) * (static_cast<double>(L.r) + later));
}

// The absolute term of merge's and unmerge's bound for w_ij: per k, the eta
// of B_ik*d_k times |b_i A_kj|, that of *b_i times |A_kj| and that of c_ik*A_kj
// (the sign is exact and the addition of W0 has no eta), with forward's
// factor 2.
inline double vera_merge_underflow(const VeraLayer& L, std::size_t i, std::size_t j) {
  if (L.r == 0) return 0.0;
  double a = 0.0;
  for (std::size_t k = 0; k < L.r; ++k) a += std::fabs(static_cast<double>(L.a[k * L.lda + j]));
  return 2 * 0x1p-150 * (static_cast<double>(L.r) + (1.0 + std::fabs(static_cast<double>(L.lambda_b[i]))) * a);
}

}  // namespace maskbench
