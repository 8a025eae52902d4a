#pragma once
// SVE ops for the scalable op set (simd/scalable.hpp). Every op runs on all
// lanes under an all-true predicate; tails are zeroing predicated loads
// (svwhilelt), so inactive lanes are never read and load as 0. fmadd is
// FMLA; reduce_add is FADDV, which the Arm ARM defines as a pairwise tree,
// log2(lanes) deep. Halves load into the low half of each 32-bit lane
// (LD1H): bf16 shifts into the upper half, f16 converts exactly by FCVT from
// the bottom half.
#include <arm_sve.h>

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp
namespace simd {

struct Ops {
  // 2048 bits, the architecture's largest vector.
  static constexpr std::size_t kMaxLanes = 64;
  using V = svfloat32_t;
  using M = svbool_t;
  using U = svuint32_t;

  static std::size_t lanes() { return svcntw(); }
  static svbool_t all() { return svptrue_b32(); }

  static V load(const float* p, std::size_t k) { return svld1(tail(k), p); }
  // k halves, each in the low half of a 32-bit lane (LD1H), zero-extended.
  static U halves(const void* p, std::size_t k) {
    return svld1uh_u32(tail(k), static_cast<const std::uint16_t*>(p));
  }
  // The halves' conversions run on every lane (an _x form leaves inactive
  // lanes unspecified), so the zeros past k stay 0.
  static V load(const maskbench::Bf16* p, std::size_t k) {
    return svreinterpret_f32(svlsl_x(all(), halves(p, k), 16u));
  }
  static V load(const maskbench::F16* p, std::size_t k) {
    return svcvt_f32_f16_x(all(), svreinterpret_f16(halves(p, k)));
  }
  static void store(float* p, V v, std::size_t k) { svst1(tail(k), p, v); }

  static V set1(float x) { return svdup_f32(x); }
  static V zero() { return svdup_f32(0.0f); }
  static V add(V a, V b) { return svadd_x(all(), a, b); }
  static V sub(V a, V b) { return svsub_x(all(), a, b); }
  static V mul(V a, V b) { return svmul_x(all(), a, b); }
  static V div(V a, V b) { return svdiv_x(all(), a, b); }
  static V fmadd(V a, V b, V c) { return svmla_x(all(), c, a, b); }
  static float reduce_add(V v) { return svaddv(all(), v); }

  static M gt(V a, V b) { return svcmpgt(all(), a, b); }
  static M ge(V a, V b) { return svcmpge(all(), a, b); }
  static M lt(V a, V b) { return svcmplt(all(), a, b); }
  static M le(V a, V b) { return svcmple(all(), a, b); }

  static M tail(std::size_t k) { return svwhilelt_b32(std::uint64_t{0}, static_cast<std::uint64_t>(k)); }
  static M m_and(M a, M b) { return svand_z(all(), a, b); }
  static M m_or(M a, M b) { return svorr_z(all(), a, b); }
  static M m_andnot(M a, M b) { return svbic_z(all(), a, b); }
  static M m_not(M a) { return svnot_z(all(), a); }
  static std::size_t count(M m) { return svcntp_b32(all(), m); }
  static V select(M m, V t, V f) { return svsel(m, t, f); }

  static U set1_u32(std::uint32_t x) { return svdup_u32(x); }
  static U iota_u32() { return svindex_u32(0, 1); }
  static U add(U a, U b) { return svadd_x(all(), a, b); }
  static U sub(U a, U b) { return svsub_x(all(), a, b); }
  static U mul(U a, U b) { return svmul_x(all(), a, b); }
  static U xor_(U a, U b) { return sveor_x(all(), a, b); }
  template <unsigned N>
  static U srl(U a) {
    return svlsr_x(all(), a, N);
  }
  static V to_f32(U a) { return svcvt_f32_x(all(), svreinterpret_s32(a)); }
};

}  // namespace simd
}  // namespace
}  // namespace MB_NS
