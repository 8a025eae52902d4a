// The conditional-compute family in SVE, vector-length agnostic: every loop
// is governed by svwhilelt, so a tail is one more predicated iteration (no
// scalar remainder, no local copy), and masked-off lanes are never loaded,
// stored or computed. The generic simd.cpp cannot serve SVE: its ops layer
// has a compile-time lane count, and SVE's sizeless vectors cannot sit in
// its arrays of accumulators.
#include <arm_sve.h>

#include "maskbench/cond.hpp"
#include "simd/impl.hpp"

namespace MB_NS {
namespace {

void select(const float* x, float* y, std::size_t n, float t, float a, float b, float c) {
  const svfloat32_t vt = svdup_f32(t), va = svdup_f32(a), vb = svdup_f32(b), vc = svdup_f32(c);
  for (std::size_t i = 0; i < n; i += svcntw()) {
    const svbool_t pg = svwhilelt_b32(i, n);
    const svfloat32_t v = svld1(pg, x + i);
    // a*x + b as two roundings (the contract): svmul then svadd, never FMLA.
    const svfloat32_t r = svsel(svcmpgt(pg, v, vt), svadd_x(pg, svmul_x(pg, va, v), vb), svmul_x(pg, vc, v));
    svst1(pg, y + i, r);
  }
}

void guarded_div(const float* x, float* y, std::size_t n, float a) {
  const svfloat32_t va = svdup_f32(a);
  for (std::size_t i = 0; i < n; i += svcntw()) {
    const svbool_t pg = svwhilelt_b32(i, n);
    const svfloat32_t v = svld1(pg, x + i);
    // Zeroing FDIV: lanes where x == 0 are inactive, so they raise nothing
    // and become +0.0.
    svst1(pg, y + i, svdiv_z(svcmpne(pg, v, 0.0f), va, v));
  }
}

maskbench::MaskedSum masked_sum(const float* x, std::size_t n, float lo, float hi) {
  const svfloat32_t vlo = svdup_f32(lo), vhi = svdup_f32(hi);
  // Four accumulators cover the add latency; sizeless types cannot form an
  // array, so they are named.
  svfloat32_t acc0 = svdup_f32(0), acc1 = acc0, acc2 = acc0, acc3 = acc0;
  std::uint64_t count = 0;
  const auto step = [&](svfloat32_t acc, svbool_t pg, const float* p) {
    const svfloat32_t v = svld1(pg, p);
    const svbool_t in = svand_z(pg, svcmpge(pg, v, vlo), svcmplt(pg, v, vhi));
    count += svcntp_b32(pg, in);
    return svadd_m(in, acc, v);
  };
  const std::size_t w = svcntw();
  const svbool_t all = svptrue_b32();
  std::size_t i = 0;
  for (; i + 4 * w <= n; i += 4 * w) {
    acc0 = step(acc0, all, x + i);
    acc1 = step(acc1, all, x + i + w);
    acc2 = step(acc2, all, x + i + 2 * w);
    acc3 = step(acc3, all, x + i + 3 * w);
  }
  for (; i < n; i += w) acc0 = step(acc0, svwhilelt_b32(i, n), x + i);
  // FADDV reduces the lanes as a pairwise tree (Arm ARM), log2(lanes) deep.
  return {svaddv(all, svadd_x(all, svadd_x(all, acc0, acc1), svadd_x(all, acc2, acc3))), count};
}

// As the generic source's bound, with the lane count read at run time: at
// most n / (4W) + 1 block additions and 4 more (leftover vectors and the
// predicated tail) per lane accumulator, 2 levels combining the
// accumulators, log2(W) levels of FADDV. W = svcntw() is a power of two on
// every SVE machine the architecture allows, up to 64.
std::size_t masked_sum_depth(std::size_t n) {
  const std::size_t w = svcntw();
  std::size_t log2w = 0;
  while ((std::size_t{1} << log2w) < w) ++log2w;
  return n / (4 * w) + 1 + 4 + 2 + log2w;
}

constexpr maskbench::CondKernels kTable{select, guarded_div, masked_sum, masked_sum_depth};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(cond, kTable)
