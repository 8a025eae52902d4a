#pragma once
// The two ways to get a task-vector Gram matrix without a fused kernel:
// one pass per pair over the whole model, or materialise tau and call BLAS.
#include <cstddef>

#include "maskbench/taskvec.hpp"

namespace maskbench::bench::peers {

using DotFn = double (*)(const float* pre, const float* a, const float* b, std::size_t n);

// K(K+1)/2 separate passes of difference and dot, each re-reading theta_pre
// and both checkpoints: out is k x k, row-major.
void naive_gram(DotFn dot, const float* pre, const float* const* ft, std::size_t k, std::size_t n, double* out);

// Materialises tau into `tau` (k rows of n floats), then cblas_ssyrk on one
// thread; out gets the upper triangle of the k x k f32 result.
template <class T>
void openblas_gram(const T* pre, const T* const* ft, std::size_t k, std::size_t n, float* tau, float* out);

}  // namespace maskbench::bench::peers
