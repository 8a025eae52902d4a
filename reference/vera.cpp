// The scalar reference of the VeRA family: the stages of the contract as plain
// loops, each sum one running f32 accumulator. Compiled as `scalar` with
// auto-vectorization off, and as autovec-* at -O3 for each x86 level.
#include "maskbench/vera.hpp"
#include "simd/impl.hpp"
#include "simd/scratch.hpp"

namespace MB_NS {
namespace {

using maskbench::VeraLayer;
using maskbench::VeraMatrix;
using maskbench::VeraSeed;
using maskbench::VeraWeight;

// Row i of a matrix, however it is stored, as a function of the column: the
// loops below are written once.
struct F32Rows {
  const float* p;
  std::size_t ld;
  auto row(std::size_t i) const {
    return [q = p + i * ld](std::size_t j) { return q[j]; };
  }
};
struct Bf16Rows {
  const maskbench::Bf16* p;
  std::size_t ld;
  auto row(std::size_t i) const {
    return [q = p + i * ld](std::size_t j) { return maskbench::widen(q[j]); };
  }
};
struct SeededRows {
  std::uint64_t seed;
  VeraMatrix k;
  float scale;
  auto row(std::size_t i) const {
    return [key = maskbench::vera_row_key(seed, k, i), s = scale](std::size_t j) {
      return maskbench::vera_centered24(maskbench::vera_hash32(key, static_cast<std::uint32_t>(j))) * s;
    };
  }
};

template <class Row>
float dot(const Row& row, const float* x, std::size_t n) {
  float acc = 0.0f;
  for (std::size_t j = 0; j < n; ++j) acc = acc + row(j) * x[j];
  return acc;
}

template <class W0, class ARows, class BRows>
void forward_rows(const VeraLayer& L, const W0& w0, const ARows& a, const BRows& b, const float* x, float* y,
                  std::size_t m) {
  Scratch z(L.r);
  for (std::size_t t = 0; t < m; ++t) {
    const float* xt = x + t * L.in;
    for (std::size_t k = 0; k < L.r; ++k) z[k] = L.lambda_d[k] * dot(a.row(k), xt, L.in);
    for (std::size_t i = 0; i < L.out; ++i)
      y[t * L.out + i] = dot(w0.row(i), xt, L.in) + L.lambda_b[i] * dot(b.row(i), z.data(), L.r);
  }
}

template <class W0>
void merge_all(const VeraLayer& L, const W0& w0, float* w, float sign) {
  Scratch c(L.r), delta(L.in);
  for (std::size_t i = 0; i < L.out; ++i) {
    for (std::size_t k = 0; k < L.r; ++k) c[k] = L.b[i * L.ldb + k] * L.lambda_d[k] * L.lambda_b[i];
    for (std::size_t j = 0; j < L.in; ++j) delta[j] = 0.0f;
    for (std::size_t k = 0; k < L.r; ++k)
      for (std::size_t j = 0; j < L.in; ++j) delta[j] = delta[j] + c[k] * L.a[k * L.lda + j];
    // Read W0's row before writing w's: they may be the same row.
    const auto w0_row = w0.row(i);
    for (std::size_t j = 0; j < L.in; ++j) w[i * L.in + j] = w0_row(j) + sign * delta[j];
  }
}

#include "vera/entry_points.hpp"

void generate(std::uint64_t seed, VeraMatrix k, std::size_t fan_in, std::size_t row0, std::size_t rows,
              std::size_t col0, std::size_t cols, float* out, std::size_t ld) {
  const SeededRows src{seed, k, maskbench::vera_scale(fan_in)};
  for (std::size_t i = 0; i < rows; ++i) {
    const auto row = src.row(row0 + i);
    for (std::size_t j = 0; j < cols; ++j) out[i * ld + j] = row(col0 + j);
  }
}

// One running sum: the compiler may not reassociate it (no -ffast-math), so
// the autovec builds keep this depth.
std::size_t dot_depth(std::size_t n, std::size_t) { return n; }

constexpr maskbench::VeraKernels kTable{forward, forward_batch, forward_regen, merge, unmerge, generate, dot_depth};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(vera, kTable)
