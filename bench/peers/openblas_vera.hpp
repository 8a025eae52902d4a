#pragma once
// The VeRA forward pass as a BLAS user composes it, unfused: sgemv for W0·x,
// A·x and B·z, with the scalings in between. f32 weights only: OpenBLAS has
// no bf16 matrix-vector product.
#include <cstddef>

#include "maskbench/vera.hpp"

namespace maskbench::bench::peers {

// y = W0·x + b ⊙ (B·(d ⊙ (A·x))) with layer.w0_type == f32; t (r floats) and
// s (out floats) are scratch. Runs OpenBLAS on one thread.
void openblas_vera_forward(const VeraLayer& layer, const float* x, float* y, float* t, float* s);

}  // namespace maskbench::bench::peers
