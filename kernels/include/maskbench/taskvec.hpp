#pragma once
// Task vectors and TIES-merging. A task vector is tau_k = theta_k - theta_pre,
// fine-tuned weights minus pre-trained weights (Ilharco et al., ICLR 2023);
// TIES-merging (Yadav et al., NeurIPS 2023, Algorithm 1) merges K of them with
// masks. No kernel materialises tau: each computes theta_k[d] - theta_pre[d]
// in f32 registers as it streams the inputs.
//
// Common contract, every kernel and implementation:
// - inputs are f32, bf16 (Bf16) or f16 (F16, IEEE binary16), each at any
//   alignment of its element type; bf16 and f16 widen to f32 exactly
//   (maskbench/half.hpp: every bf16 and f16 value, subnormals included, is an
//   f32 value; a NaN stays a NaN);
// - n >= 0 elements, k task vectors with 1 <= k <= kMaxTasks; `ft` points to
//   k arrays of n elements;
// - a kernel reads pre[0, n) and ft[t][0, n) and writes only its outputs;
// - tau[t][d] = widen(ft[t][d]) - widen(pre[d]), one f32 rounding.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "maskbench/entry_point.hpp"
#include "maskbench/half.hpp"

namespace maskbench {

// Up to 64 fine-tuned checkpoints per call: task-vector studies compare
// dozens; the kernels keep per-call scratch on the heap.
inline constexpr std::size_t kMaxTasks = 64;

// What a gram multiplies.
// - f32: the f32 differences tau, with the bound gram states.
// - bf16 (rows of kind reduced_precision, with AVX512_BF16's vdpbf16ps): each
//   tau rounded to bf16 (to nearest even) first, and operands, products and
//   f32 partial sums below FLT_MIN taken as zero (the instructions' DAZ and
//   FTZ). gram's bound grows by three terms: taskvec_bf16_rel() * S_ij (two
//   roundings to bf16's 8 significant bits, 2^-8 each, and their product);
//   sum_d |tau_i[d]*tau_j[d]| over the d where the f32 |tau_i[d]| or
//   |tau_j[d]| is below FLT_MIN (their product is dropped); taskvec_flush(n).
//   It holds while no tau rounds to a bf16 infinity (|tau| of 0x1.FFp127 or
//   more), besides gram's own condition.
enum class GramOperands : std::uint8_t { f32, bf16 };

// The kernels that exist once per input type T (float, Bf16 or F16).
template <class T>
struct TaskvecTyped {
  // The type as benchmark names and checkpoints' dtype say it.
  static constexpr const char* kDtype = std::is_same_v<T, float> ? "f32" : std::is_same_v<T, Bf16> ? "bf16" : "f16";

  // Gram matrix of the task vectors: out[i*k + j] = sum_d tau_i[d]*tau_j[d]
  // for i, j < k, written in full (out[i*k+j] == out[j*k+i]); out has k*k
  // doubles and nothing else is written.
  // Accumulation: f32 partial sums of at most a bounded number of products,
  // flushed into double. With G the exact Gram matrix of the exact task
  // vectors (widen(ft) - widen(pre) in real arithmetic), S_ij = sum_d
  // |tau_i[d]*tau_j[d]| and h = TaskvecKernels::sum_depth(n):
  //   |out_ij - G_ij| <= (gamma32(h) + 2*gamma64(n + 64)) * S_ij + taskvec_underflow(n),
  // gamma32(h) = h*u/(1 - h*u), u = 2^-24, and gamma64 the same with u = 2^-53.
  // h counts the f32 roundings a term can pass through: two for the
  // differences, one for the product and the f32 partial sum's length, which
  // every implementation caps (so h stays small even at n = 2^28); the double
  // stage adds at most n + 64 roundings of relative size 2^-53. The last term
  // is for products below FLT_MIN (see taskvec_underflow).
  // The bound holds while no f32 intermediate overflows. If pre[d], ft[i][d]
  // or ft[j][d] is NaN or infinite for some d, out_ij is NaN or infinite.
  void (*gram)(const T* pre, const T* const* ft, std::size_t k, std::size_t n, double* out);

  // TIES trim, histogram pass. Adds to hist[0, 65536) the count of elements d
  // whose magnitude key m(d) = bits(|tau[d]|) (the f32 bit pattern with the
  // sign cleared; magnitudes order as their keys) falls in a bin:
  //   prefix < 0:  bin = m(d) >> 16, every element;
  //   prefix >= 0: bin = m(d) & 0xFFFF, only elements with m(d) >> 16 == prefix.
  // NaN magnitudes are never counted. Counts are exact. See ties_threshold.
  void (*ties_histogram)(const T* pre, const T* ft, std::size_t n, std::int32_t prefix, std::uint64_t* hist);

  // TIES elect, the majority pass: with the trimmed values
  //   trim[t][d] = |tau[t][d]| >= thr[t] ? tau[t][d] : 0.0f
  // (a NaN threshold keeps nothing, a NaN tau is never kept) and their sum in
  // f32 in task order, s[d] = ((0 + trim[0][d]) + trim[1][d]) + ...,
  // returns sum_d sgn(s[d]): the count of s[d] > 0 minus the count of s[d] < 0
  // (NaN counts as neither). Exact.
  std::int64_t (*ties_sign_sum)(const T* pre, const T* const* ft, std::size_t k, std::size_t n, const float* thr);

  // TIES disjoint merge (Algorithm 1 of the paper, majority rule of its code):
  //   elected e[d] = +1 if s[d] > 0, -1 if s[d] < 0, else `majority` (+1 or -1;
  //     the sign of the ties_sign_sum total over the whole model, +1 for 0);
  //   agree[t][d] = trim[t][d] > 0 when e[d] = +1, trim[t][d] < 0 when -1
  //     (a zero never agrees, so it never counts);
  //   sum[d] = f32 sum in task order of the agreeing trim[t][d] (from +0.0);
  //   c[d] = number of agreeing tasks;
  //   merged[d] = sum[d] / max(1, c[d])  (f32 division);
  //   out[d] = widen(pre[d]) + lambda * merged[d]  (multiply, then add: two
  //     roundings, never fused).
  // The weight lambda is applied after election and the mean, as in the paper.
  // Bit-exact against the scalar reference, NaN payloads aside. Writes
  // out[0, n); out must not overlap the inputs.
  void (*ties_merge)(const T* pre, const T* const* ft, std::size_t k, std::size_t n, const float* thr,
                     float majority, float lambda, float* out);

  // What gram multiplies (see GramOperands); f32 but in reduced_precision rows.
  GramOperands gram_operands = GramOperands::f32;
  // With gram_operands other than f32: the least k at which gram rounds its
  // operands. Fewer tasks are multiplied as f32, within GramOperands::f32's
  // bound (a row may keep a cheaper exact form where it is as fast).
  std::size_t gram_rounds_from_tasks = 1;

  // What gram multiplies at k tasks.
  constexpr GramOperands gram_operands_at(std::size_t k) const {
    return k >= gram_rounds_from_tasks ? gram_operands : GramOperands::f32;
  }
};

struct TaskvecKernels {
  static constexpr const char* kFamily = "taskvec";

  // sum_d (a[d] - pre[d]) * (b[d] - pre[d]) and sum_d (a[d] - pre[d])^2: the
  // Gram entries of two task vectors, with gram's accumulation and its bound
  // (taskvec_underflow's term included).
  double (*tv_dot)(const float* pre, const float* a, const float* b, std::size_t n);
  double (*tv_norm2)(const float* pre, const float* a, std::size_t n);
  // The f32 depth h of tv_dot, tv_norm2 and gram at length n (see gram).
  std::size_t (*sum_depth)(std::size_t n);

  TaskvecTyped<float> f32;
  TaskvecTyped<Bf16> bf16;
  TaskvecTyped<F16> f16;
  // The kernels for input type T, for code written once over the types.
  template <class T>
  const TaskvecTyped<T>& typed() const {
    if constexpr (std::is_same_v<T, float>)
      return f32;
    else if constexpr (std::is_same_v<T, Bf16>)
      return bf16;
    else
      return f16;
  }

  std::vector<EntryPoint> entry_points() const {
    std::vector<EntryPoint> out{entry("tv_dot", tv_dot), entry("tv_norm2", tv_norm2)};
    const auto add = [&]<class T>(const TaskvecTyped<T>& t) {
      const std::string as = std::string("/dtype:") + TaskvecTyped<T>::kDtype;
      out.push_back(entry("tv_gram" + as, t.gram));
      out.push_back(entry("ties_histogram" + as, t.ties_histogram));
      out.push_back(entry("ties_merge" + as, t.ties_merge));
    };
    add(f32);
    add(bf16);
    add(f16);
    return out;
  }
};

// The absolute term of gram's, tv_dot's and tv_norm2's bound at length n. A
// product, fused or not, rounds to a*b*(1 + delta) + eta with |eta| <= 2^-150
// where it underflows; differences and sums (f32 or double) that underflow are
// exact. So each of the n products of an entry adds one eta, scaled only by
// the roundings after it, at most (1 + 2^-24)^h * (1 + 2^-53)^(n + 64) < 2.
inline double taskvec_underflow(std::size_t n) { return 2 * 0x1p-150 * static_cast<double>(n); }

// The relative term GramOperands::bf16 adds: (1 + 2^-8)^2 - 1, rounded up, with
// room for its product with gram's own relative term (below 2^-9 wherever
// that bound means anything).
inline constexpr double taskvec_bf16_rel() { return 0x1p-7 + 0x1p-15; }
// The absolute term GramOperands::bf16 adds at length n: each of the n
// products may lose, flushed, less than FLT_MIN (2^-126) as a product and as
// the partial sum it enters, scaled by at most 2 as in taskvec_underflow.
inline double taskvec_flush(std::size_t n) { return 0x1p-124 * static_cast<double>(n); }

// Norms and cosine matrix from a Gram matrix: norm[i] = sqrt(G_ii) and
// cos[i*k+j] = G_ij / (norm[i]*norm[j]); 0 where either norm is 0 (a zero task
// vector interferes with nothing).
inline void cosines_from_gram(const double* gram, std::size_t k, double* norm, double* cos) {
  for (std::size_t i = 0; i < k; ++i) norm[i] = std::sqrt(gram[i * k + i]);
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k; ++j) {
      const double d = norm[i] * norm[j];
      cos[i * k + j] = d == 0.0 ? 0.0 : gram[i * k + j] / d;
    }
}

// TIES trim threshold of one task, keeping the top `percent`% of the
// magnitudes of its task vector over a whole model of `total` elements
// (NaNs included), streamed as any number of arrays.
//   m = min(floor(percent * total / 100), number of non-NaN elements), the
//     product formed first so that whole percentages are exact (29% of 100
//     is 29, where 0.29 * 100 would floor to 28);
//   the threshold is the m-th largest |tau| counted with multiplicity, so
//   every element with |tau| >= threshold is kept: ties in magnitude at the
//   threshold are all kept, and more than m elements may be kept;
//   m = 0 gives NaN: nothing is kept. A percent that is NaN or not above 0
//   keeps nothing, one above 100 counts as 100 (the conversion to a count
//   stays defined for every double).
// Linear time and exact: `pass(prefix, hist)` must run the task's
// ties_histogram over every array of the model with that prefix; it runs
// twice, once per 16-bit half of the key.
template <class Pass>
float ties_threshold(double percent, std::uint64_t total, Pass&& pass) {
  std::vector<std::uint64_t> hist(65536, 0);
  pass(std::int32_t{-1}, hist.data());
  std::uint64_t valid = 0;
  for (std::uint64_t c : hist) valid += c;
  const double want =
      percent > 0.0 ? std::floor(std::min(percent, 100.0) * static_cast<double>(total) / 100.0) : 0.0;
  // Compared as doubles first: a want past 2^64 (total near 2^64) has no
  // integer conversion.
  const std::uint64_t m = want >= static_cast<double>(valid) ? valid : static_cast<std::uint64_t>(want);
  if (m == 0) return std::numeric_limits<float>::quiet_NaN();
  // The m-th largest: walk bins from the top until the count reaches m.
  const auto find = [](const std::vector<std::uint64_t>& h, std::uint64_t rank, std::uint64_t& rank_in_bin) {
    std::uint64_t above = 0;
    for (std::size_t b = h.size(); b-- > 0;) {
      if (above + h[b] >= rank) {
        rank_in_bin = rank - above;
        return static_cast<std::uint32_t>(b);
      }
      above += h[b];
    }
    rank_in_bin = 0;
    return std::uint32_t{0};
  };
  std::uint64_t rank = 0;
  const std::uint32_t hi = find(hist, m, rank);
  std::fill(hist.begin(), hist.end(), 0);
  pass(static_cast<std::int32_t>(hi), hist.data());
  std::uint64_t unused = 0;
  const std::uint32_t lo = find(hist, rank, unused);
  return std::bit_cast<float>((hi << 16) | lo);
}

}  // namespace maskbench
