// The scalar reference of the task-vector family (maskbench/taskvec.hpp):
// plain loops, one element at a time. Compiled as `scalar` and as autovec-*.
#include <cmath>

#include "maskbench/taskvec.hpp"
#include "simd/impl.hpp"
#include "taskvec/ties_bins.hpp"

namespace MB_NS {
namespace {

using maskbench::Bf16;
using maskbench::F16;
using maskbench::kMaxTasks;
using maskbench::widen;

// Products summed in f32 before each flush into double: short enough that
// the f32 error stays near 2^-14 relative, long enough that the flush is free.
constexpr std::size_t kChunk = 1024;

std::size_t sum_depth(std::size_t n) { return std::min(n, kChunk) + 3; }

template <class T>
void gram(const T* pre, const T* const* ft, std::size_t k, std::size_t n, double* out) {
  double total[kMaxTasks * kMaxTasks] = {};
  for (std::size_t base = 0; base < n; base += kChunk) {
    const std::size_t end = std::min(n, base + kChunk);
    float part[kMaxTasks * kMaxTasks];
    for (std::size_t q = 0; q < k * k; ++q) part[q] = 0.0f;  // the used entries only: 16 KiB at kMaxTasks
    for (std::size_t d = base; d < end; ++d) {
      const float p = widen(pre[d]);
      float tau[kMaxTasks];
      for (std::size_t t = 0; t < k; ++t) tau[t] = widen(ft[t][d]) - p;
      for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = i; j < k; ++j) part[i * k + j] += tau[i] * tau[j];
    }
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = i; j < k; ++j) total[i * k + j] += part[i * k + j];
  }
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = i; j < k; ++j) out[i * k + j] = out[j * k + i] = total[i * k + j];
}

double tv_dot(const float* pre, const float* a, const float* b, std::size_t n) {
  const float* ft[2] = {a, b};
  double g[4];
  gram(pre, ft, 2, n, g);
  return g[1];
}

double tv_norm2(const float* pre, const float* a, std::size_t n) {
  double g;
  gram(pre, &a, 1, n, &g);
  return g;
}

template <class T>
void ties_histogram(const T* pre, const T* ft, std::size_t n, std::int32_t prefix, std::uint64_t* hist) {
  for (std::size_t d = 0; d < n; ++d) {
    count_bin(widen(ft[d]) - widen(pre[d]), prefix, hist);
  }
}

// trim[t] and their task-order sum for element d.
template <class T>
float trimmed(const T* pre, const T* const* ft, std::size_t k, std::size_t d, const float* thr, float* trim) {
  const float p = widen(pre[d]);
  float s = 0.0f;
  for (std::size_t t = 0; t < k; ++t) {
    const float tau = widen(ft[t][d]) - p;
    trim[t] = std::fabs(tau) >= thr[t] ? tau : 0.0f;
    s += trim[t];
  }
  return s;
}

template <class T>
std::int64_t ties_sign_sum(const T* pre, const T* const* ft, std::size_t k, std::size_t n, const float* thr) {
  std::int64_t total = 0;
  for (std::size_t d = 0; d < n; ++d) {
    float trim[kMaxTasks];
    const float s = trimmed(pre, ft, k, d, thr, trim);
    total += (s > 0.0f) - (s < 0.0f);
  }
  return total;
}

template <class T>
void ties_merge(const T* pre, const T* const* ft, std::size_t k, std::size_t n, const float* thr, float majority,
                float lambda, float* out) {
  for (std::size_t d = 0; d < n; ++d) {
    float trim[kMaxTasks];
    const float s = trimmed(pre, ft, k, d, thr, trim);
    const float e = s > 0.0f ? 1.0f : s < 0.0f ? -1.0f : majority;
    float sum = 0.0f, count = 0.0f;
    for (std::size_t t = 0; t < k; ++t) {
      const bool agree = e > 0.0f ? trim[t] > 0.0f : trim[t] < 0.0f;
      sum += agree ? trim[t] : 0.0f;
      count += agree ? 1.0f : 0.0f;
    }
    const float merged = sum / (count < 1.0f ? 1.0f : count);
    out[d] = widen(pre[d]) + lambda * merged;
  }
}

#include "taskvec/entry_points.hpp"

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(taskvec, kTable)
