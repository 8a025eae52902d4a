#pragma once
// Contract checks that return what is wrong instead of asserting, so that a
// failing case can be rerun many times while it is shrunk (shrink.hpp), by
// conformance and by the fuzzer alike. Each runs the kernel on guard-page
// buffers (guarded.hpp) and checks the canaries as well as the values.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "harness/guarded.hpp"
#include "harness/shrink.hpp"
#include "harness/values.hpp"
#include "maskbench/compress.hpp"
#include "maskbench/cond.hpp"

namespace maskbench::conformance {

// Exponent bounds for random_float whose products fall below FLT_MIN (the
// underflow terms of the vera and taskvec contracts): [2^-149, 2^-125),
// subnormals and FLT_MIN's neighbours; [2^-80, 2^-63), whose pairwise
// products are subnormal or vanish; and [0.5, 2), ordinary factors that
// scale what underflowed. underflow_range draws one of the three.
inline constexpr std::pair<int, int> kSubnormalRange{-149, -126}, kTinyRange{-80, -64}, kUnitRange{-1, 0};
inline std::pair<int, int> underflow_range(Rng& rng) {
  static constexpr std::pair<int, int> kRanges[] = {kSubnormalRange, kTinyRange, kUnitRange};
  return kRanges[rng() % 3];
}

inline std::string show(float v) { return describe(v); }
inline std::string show(std::int32_t v) { return std::to_string(v); }
inline std::string show(std::uint32_t v) { return std::to_string(v); }
inline std::string show(std::uint8_t v) { return fmt::format("{:#04x}", v); }

template <class T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

// A y = f(x) kernel, exact against the reference: the input ends at a guard
// page, the output starts `offset` elements past a page boundary (or the
// kernel runs in place there), and every element must equal the reference's
// bit for bit (any NaN matches any NaN). run(reference, x, y, n) runs the
// reference when `reference` is set, else the kernel under test.
template <class Run>
std::optional<Mismatch> elementwise_mismatch(std::span<const float> x, std::size_t offset, bool in_place, Run&& run) {
  const std::size_t n = x.size();
  std::vector<float> want(n);
  run(true, x.data(), want.data(), n);
  Guarded<float> in = Guarded<float>::at_end(n);
  Guarded<float> out = Guarded<float>::at_offset(n, offset);
  std::copy(x.begin(), x.end(), (in_place ? out : in).data());
  run(false, in_place ? out.data() : in.data(), out.data(), n);
  if (!out.intact()) return Mismatch{n, fmt::format("the canaries around y[0, {})", n), "intact", "overwritten"};
  for (std::size_t i = 0; i < n; ++i)
    if (!same_float(out[i], want[i]))
      return Mismatch{i, fmt::format("y[{}] (x[{}] = {})", i, i, describe(x[i])), describe(want[i]), describe(out[i])};
  return std::nullopt;
}

// A compress kernel: count and out[0, count) equal `want` bit for bit,
// out[count, n) still holds the poison, and nothing around out changed. The
// input ends at a guard page; the output ends at one (out_at_end) or starts
// `offset` elements past a page boundary. run(x, out, n) returns the count.
template <class In, class Out, class Run>
std::optional<Mismatch> compress_mismatch(std::span<const In> x, std::span<const Out> want, std::size_t offset,
                                          bool out_at_end, Run&& run) {
  const std::size_t n = x.size();
  Guarded<In> in = Guarded<In>::at_end(n);
  std::copy(x.begin(), x.end(), in.data());
  Guarded<Out> out = out_at_end ? Guarded<Out>::at_end(n) : Guarded<Out>::at_offset(n, offset);
  out.poison();
  const std::size_t got = run(in.data(), out.data(), n);
  if (got != want.size()) return Mismatch{0, "the count", std::to_string(want.size()), std::to_string(got)};
  for (std::size_t j = 0; j < got; ++j)
    if (!same_bits(out[j], want[j])) return Mismatch{j, fmt::format("out[{}]", j), show(want[j]), show(out[j])};
  for (std::size_t j = got; j < n; ++j)
    if (!out.untouched(j, j + 1))
      return Mismatch{j, fmt::format("out[{}], past the count {}", j, got), "untouched", "written"};
  if (!out.intact()) return Mismatch{n, fmt::format("the canaries around out[0, {})", n), "intact", "overwritten"};
  return std::nullopt;
}

// The 32-bit compress kernel sets of a table: its own kernels (named after
// the variant it chose), then each variant.
inline std::vector<CompressVariant> compress_kernel_sets(const CompressKernels& k) {
  std::vector<CompressVariant> sets = {{k.chosen_variant(), k.compress_f32, k.compress_i32, k.compress_index}};
  sets.insert(sets.end(), k.variants.begin(), k.variants.end());
  return sets;
}

// masked_sum under cond.hpp's contract: the count exactly, the sum within
// gamma(masked_sum_depth(n)) * sum|x_i| of the exact sum, infinities exactly,
// anything non-finite where a partial sum may overflow. The input ends at a
// guard page.
inline std::optional<Mismatch> masked_sum_mismatch(const CondKernels& k, std::span<const float> x, float lo,
                                                   float hi) {
  const std::size_t n = x.size();
  Guarded<float> in = Guarded<float>::at_end(n);
  std::copy(x.begin(), x.end(), in.data());
  const MaskedSum got = k.masked_sum(in.data(), n, lo, hi);
  double exact = 0.0, abs_sum = 0.0;
  std::uint64_t count = 0;
  bool pos_inf = false, neg_inf = false;
  for (float v : x)
    if (lo <= v && v < hi) {
      ++count;
      if (std::isinf(v))
        (v > 0 ? pos_inf : neg_inf) = true;
      else {
        exact += v;
        abs_sum += std::fabs(v);
      }
    }
  if (got.count != count) return Mismatch{0, "the count", std::to_string(count), std::to_string(got.count)};
  const double bound = gamma_f32(k.masked_sum_depth(n)) * abs_sum;
  // Partial sums are at most abs_sum + bound in magnitude: below FLT_MAX, no
  // summation order can overflow, and the contract is exact about infinities.
  if (abs_sum + bound >= std::numeric_limits<float>::max() && !std::isfinite(got.sum)) return std::nullopt;
  if (pos_inf && neg_inf) {
    if (std::isnan(got.sum)) return std::nullopt;
    return Mismatch{0, "the sum (+inf and -inf qualify)", "NaN", describe(got.sum)};
  }
  if (pos_inf || neg_inf) {
    const float inf = pos_inf ? std::numeric_limits<float>::infinity() : -std::numeric_limits<float>::infinity();
    if (got.sum == inf) return std::nullopt;
    return Mismatch{0, "the sum (an infinity qualifies)", describe(inf), describe(got.sum)};
  }
  if (std::fabs(static_cast<double>(got.sum) - exact) <= bound) return std::nullopt;
  return Mismatch{0, fmt::format("the sum (depth {}, bound {})", k.masked_sum_depth(n), bound),
                  fmt::format("{} +- {}", exact, bound), describe(got.sum)};
}

}  // namespace maskbench::conformance
