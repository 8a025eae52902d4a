#include "peers/taskvec_peers.hpp"

#include <cblas.h>

namespace maskbench::bench::peers {

void naive_gram(DotFn dot, const float* pre, const float* const* ft, std::size_t k, std::size_t n, double* out) {
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = i; j < k; ++j) out[i * k + j] = out[j * k + i] = dot(pre, ft[i], ft[j], n);
}

template <class T>
void openblas_gram(const T* pre, const T* const* ft, std::size_t k, std::size_t n, float* tau, float* out) {
  // The benchmark measures one core: OpenBLAS would otherwise use every CPU.
  static const bool single_threaded = [] {
    openblas_set_num_threads(1);
    return true;
  }();
  (void)single_threaded;
  for (std::size_t t = 0; t < k; ++t)
    for (std::size_t d = 0; d < n; ++d) tau[t * n + d] = widen(ft[t][d]) - widen(pre[d]);
  cblas_ssyrk(CblasRowMajor, CblasUpper, CblasNoTrans, static_cast<blasint>(k), static_cast<blasint>(n), 1.0f, tau,
              static_cast<blasint>(n), 0.0f, out, static_cast<blasint>(k));
}

template void openblas_gram<float>(const float*, const float* const*, std::size_t, std::size_t, float*, float*);
template void openblas_gram<Bf16>(const Bf16*, const Bf16* const*, std::size_t, std::size_t, float*, float*);
template void openblas_gram<F16>(const F16*, const F16* const*, std::size_t, std::size_t, float*, float*);

}  // namespace maskbench::bench::peers
