#pragma once
// The VeRA forward pass and merge as a BLAS user composes them, unfused:
// sgemv for W0·x, A·x and B·z with the scalings in between; sgemm for a
// batch of m tokens; merge as one sgemm with beta = 1 onto a copy of W0.
// f32 weights only: OpenBLAS has no bf16 matrix product. Every call runs
// OpenBLAS on one thread, like every kernel it is compared with.
#include <cstddef>

#include "maskbench/vera.hpp"

namespace maskbench::bench::peers {

// y = W0·x + b ⊙ (B·(d ⊙ (A·x))) with layer.w0_type == f32; t (r floats) and
// s (out floats) are scratch. Runs OpenBLAS on one thread.
void openblas_vera_forward(const VeraLayer& layer, const float* x, float* y, float* t, float* s);

// Y = X·W0ᵀ + (((X·Aᵀ) ⊙ d)·Bᵀ) ⊙ b for m tokens (rows of X, in floats
// apart; rows of Y, out apart); t (m x r) and s (m x out) are scratch.
void openblas_vera_forward_batch(const VeraLayer& layer, const float* x, float* y, std::size_t m, float* t, float* s);

// w = W0 + (b ⊙ B ⊙ d)·A (out x in, row-major); c (out x r) is scratch.
void openblas_vera_merge(const VeraLayer& layer, float* w, float* c);

}  // namespace maskbench::bench::peers
