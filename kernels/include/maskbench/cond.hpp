#pragma once
// Conditional compute (f32): the mask patterns of the Java Vector API,
// compare to mask, blend, lanewise-with-mask, tail masks, masked reduction.
//
// Common contract, every kernel and implementation:
// - any n >= 0 and any alignment of the element type; x and y may be the same
//   array (in place); reads x[0, n) and writes y[0, n), nothing else;
// - comparisons are IEEE: a NaN compares false under <, <=, >, >= and true
//   under !=.
#include <cstddef>
#include <cstdint>

#include "maskbench/entry_point.hpp"

namespace maskbench {

struct MaskedSum {
  float sum;
  std::uint64_t count;
};

struct CondKernels {
  static constexpr const char* kFamily = "cond";

  // y[i] = x[i] > t ? a*x[i] + b : c*x[i].
  // a*x+b is two roundings (multiply, then add), never fused: SSE4.2 has no
  // FMA, and two roundings let every implementation be bit-exact against the
  // scalar reference. All builds use -ffp-contract=off so the compiler cannot
  // fuse on its own. Exact: bit-identical to the reference, NaN payloads aside
  // (a NaN result is only required to be a NaN).
  void (*select)(const float* x, float* y, std::size_t n, float t, float a, float b, float c);

  // y[i] = x[i] != 0 ? a / x[i] : 0 (+0.0). Exact, as select. Lanes where
  // x[i] == 0 raise no floating-point exception: FE_DIVBYZERO and FE_INVALID
  // are raised only if the scalar loop would raise them.
  void (*guarded_div)(const float* x, float* y, std::size_t n, float a);

  // Sum and count of the x[i] with lo <= x[i] < hi (NaN never qualifies),
  // like SELECT SUM(x), COUNT(*) WHERE lo <= x AND x < hi. The count is exact.
  // The sum is f32 and its error obeys Higham's bound for a summation tree of
  // height h = masked_sum_depth(n): |sum - exact| <= gamma(h) * sum|x_i| over
  // the selected x_i, gamma(h) = h*u / (1 - h*u), u = 2^-24. When the exact
  // sum is not finite (an infinity qualifies), the result is the same
  // infinity, or NaN where +inf and -inf both qualify. Where the selected
  // finite values could overflow a partial sum (sum|x_i| near FLT_MAX), the
  // result may instead be any infinity or NaN, since the overflow depends on
  // the summation order.
  MaskedSum (*masked_sum)(const float* x, std::size_t n, float lo, float hi);
  std::size_t (*masked_sum_depth)(std::size_t n);

  std::vector<EntryPoint> entry_points() const {
    return {entry("select", select), entry("guarded_div", guarded_div), entry("masked_sum", masked_sum)};
  }
};

}  // namespace maskbench
