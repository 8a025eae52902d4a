#include "peers/openblas_vera.hpp"

#include <cblas.h>

namespace maskbench::bench::peers {

void openblas_vera_forward(const VeraLayer& L, const float* x, float* y, float* t, float* s) {
  // One thread, like every kernel it is compared with; the call is cheap.
  openblas_set_num_threads(1);
  const auto in = static_cast<blasint>(L.in), out = static_cast<blasint>(L.out), r = static_cast<blasint>(L.r);
  cblas_sgemv(CblasRowMajor, CblasNoTrans, out, in, 1.0f, static_cast<const float*>(L.w0), in, x, 1, 0.0f, y, 1);
  if (r == 0) return;
  cblas_sgemv(CblasRowMajor, CblasNoTrans, r, in, 1.0f, L.a, static_cast<blasint>(L.lda), x, 1, 0.0f, t, 1);
  for (std::size_t k = 0; k < L.r; ++k) t[k] *= L.lambda_d[k];
  cblas_sgemv(CblasRowMajor, CblasNoTrans, out, r, 1.0f, L.b, static_cast<blasint>(L.ldb), t, 1, 0.0f, s, 1);
  for (std::size_t i = 0; i < L.out; ++i) y[i] += L.lambda_b[i] * s[i];
}

}  // namespace maskbench::bench::peers
