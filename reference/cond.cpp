// The scalar reference of the conditional-compute family. Compiled as
// `scalar` with auto-vectorization off, and as autovec-* at -O3 for each x86
// level: what the compiler makes of the same plain loops.
#include "maskbench/cond.hpp"
#include "simd/impl.hpp"

namespace MB_NS {
namespace {

void select(const float* x, float* y, std::size_t n, float t, float a, float b, float c) {
  for (std::size_t i = 0; i < n; ++i) {
    const float v = x[i];
    y[i] = v > t ? a * v + b : c * v;
  }
}

void guarded_div(const float* x, float* y, std::size_t n, float a) {
  for (std::size_t i = 0; i < n; ++i) y[i] = x[i] != 0.0f ? a / x[i] : 0.0f;
}

maskbench::MaskedSum masked_sum(const float* x, std::size_t n, float lo, float hi) {
  float sum = 0.0f;
  std::uint64_t count = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const bool in = lo <= x[i] && x[i] < hi;
    sum += in ? x[i] : 0.0f;
    count += in;
  }
  return {sum, count};
}

// One running sum: the recursive summation of Higham's analysis. The compiler
// may not reassociate it (no -ffast-math), so autovec builds keep the depth.
std::size_t masked_sum_depth(std::size_t n) { return n; }

constexpr maskbench::CondKernels kTable{select, guarded_div, masked_sum, masked_sum_depth};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(cond, kTable)
