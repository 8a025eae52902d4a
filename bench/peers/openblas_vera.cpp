#include "peers/openblas_vera.hpp"

#include <cblas.h>

#include <cstring>

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

void openblas_vera_forward_batch(const VeraLayer& L, const float* x, float* y, std::size_t m, float* t, float* s) {
  openblas_set_num_threads(1);
  const auto in = static_cast<blasint>(L.in), out = static_cast<blasint>(L.out), r = static_cast<blasint>(L.r),
             tokens = static_cast<blasint>(m);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, tokens, out, in, 1.0f, x, in, static_cast<const float*>(L.w0),
              in, 0.0f, y, out);
  if (r == 0) return;
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, tokens, r, in, 1.0f, x, in, L.a, static_cast<blasint>(L.lda),
              0.0f, t, r);
  for (std::size_t q = 0; q < m; ++q)
    for (std::size_t k = 0; k < L.r; ++k) t[q * L.r + k] *= L.lambda_d[k];
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, tokens, out, r, 1.0f, t, r, L.b, static_cast<blasint>(L.ldb),
              0.0f, s, out);
  for (std::size_t q = 0; q < m; ++q)
    for (std::size_t i = 0; i < L.out; ++i) y[q * L.out + i] += L.lambda_b[i] * s[q * L.out + i];
}

void openblas_vera_merge(const VeraLayer& L, float* w, float* c) {
  openblas_set_num_threads(1);
  std::memcpy(w, L.w0, L.out * L.in * sizeof(float));
  if (L.r == 0) return;
  for (std::size_t i = 0; i < L.out; ++i)
    for (std::size_t k = 0; k < L.r; ++k) c[i * L.r + k] = L.lambda_b[i] * L.b[i * L.ldb + k] * L.lambda_d[k];
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<blasint>(L.out), static_cast<blasint>(L.in),
              static_cast<blasint>(L.r), 1.0f, c, static_cast<blasint>(L.r), L.a, static_cast<blasint>(L.lda), 1.0f, w,
              static_cast<blasint>(L.in));
}

}  // namespace maskbench::bench::peers
