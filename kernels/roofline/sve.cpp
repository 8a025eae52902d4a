// The roofline probes (maskbench/roofline.hpp) in SVE, vector-length
// agnostic. Eight accumulators and eight chains of vectors: enough for a
// 2-cycle add or 4-cycle FMLA on four pipes (Neoverse V1); sizeless vectors
// cannot form an array, so they are named and stepped by one helper.
#include <arm_sve.h>

#include "maskbench/roofline.hpp"
#include "simd/impl.hpp"

namespace MB_NS {
namespace {

constexpr unsigned kVectors = 8;

float read_sum(const float* x, std::size_t n) {
  const std::size_t w = svcntw();
  const svbool_t all = svptrue_b32();
  svfloat32_t a0 = svdup_f32(0.0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  const auto add = [&](svfloat32_t acc, const float* p, int k) { return svadd_x(all, acc, svld1_vnum(all, p, k)); };
  std::size_t i = 0;
  for (; i + kVectors * w <= n; i += kVectors * w) {
    a0 = add(a0, x + i, 0), a1 = add(a1, x + i, 1), a2 = add(a2, x + i, 2), a3 = add(a3, x + i, 3);
    a4 = add(a4, x + i, 4), a5 = add(a5, x + i, 5), a6 = add(a6, x + i, 6), a7 = add(a7, x + i, 7);
  }
  for (; i < n; i += w) {
    const svbool_t pg = svwhilelt_b32(i, n);
    a0 = svadd_m(pg, a0, svld1(pg, x + i));
  }
  const svfloat32_t s = svadd_x(all, svadd_x(all, svadd_x(all, a0, a1), svadd_x(all, a2, a3)),
                                svadd_x(all, svadd_x(all, a4, a5), svadd_x(all, a6, a7)));
  return svaddv(all, s);
}

double madd_chains(float x, float a, float b, std::size_t steps) {
  const std::size_t w = svcntw();
  const svbool_t all = svptrue_b32();
  const svfloat32_t lane = svcvt_f32_x(all, svindex_u32(0, 1));
  // Chain c*W + lane starts at x + (c*W + lane); the index is exact in f32,
  // so one rounding, as the contract's x + float(j).
  const auto start = [&](unsigned c) {
    return svadd_x(all, svadd_x(all, lane, static_cast<float>(c * w)), x);
  };
  svfloat32_t v0 = start(0), v1 = start(1), v2 = start(2), v3 = start(3), v4 = start(4), v5 = start(5),
              v6 = start(6), v7 = start(7);
  const svfloat32_t va = svdup_f32(a), vb = svdup_f32(b);
  // FMAD: v = v*a + b, fused.
  const auto step = [&](svfloat32_t v) { return svmad_x(all, v, va, vb); };
  for (std::size_t s = 0; s < steps; ++s) {
    v0 = step(v0), v1 = step(v1), v2 = step(v2), v3 = step(v3);
    v4 = step(v4), v5 = step(v5), v6 = step(v6), v7 = step(v7);
  }
  // The longest SVE vector is 2048 bits: 64 lanes.
  float lanes[kVectors * 64];
  svst1_vnum(all, lanes, 0, v0), svst1_vnum(all, lanes, 1, v1), svst1_vnum(all, lanes, 2, v2);
  svst1_vnum(all, lanes, 3, v3), svst1_vnum(all, lanes, 4, v4), svst1_vnum(all, lanes, 5, v5);
  svst1_vnum(all, lanes, 6, v6), svst1_vnum(all, lanes, 7, v7);
  double sum = 0.0;
  for (std::size_t j = 0; j < kVectors * w; ++j) sum += lanes[j];
  return sum;
}

std::size_t madd_lanes() { return kVectors * svcntw(); }

constexpr maskbench::RooflineKernels kTable{read_sum, madd_chains, madd_lanes};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(roofline, kTable)
