#pragma once
// RVV 1.0 ops for the scalable op set (simd/scalable.hpp), at LMUL 2 (e32m2:
// 2*VLEN/32 lanes per vector, 16 register groups, enough for the families'
// named accumulators and operands), capped at kMaxLanes. Every op runs at
// vl = lanes(); a tail load runs at vl = k, tail-undisturbed into a zero
// vector, so the lanes past k are 0 and never read. fmadd is vfmacc;
// reduce_add is our own halving tree by slides rather than vfredusum, whose
// tree the specification leaves open (up to a chain through every lane).
// Halves widen by zero extension: bf16 then shifts, f16 is rebuilt (below).
#include <riscv_vector.h>

#include <algorithm>

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp
namespace simd {

struct Ops {
  static constexpr std::size_t kMaxLanes = 64;
  using V = vfloat32m2_t;
  using M = vbool16_t;
  using U = vuint32m2_t;

  static std::size_t lanes() { return std::min<std::size_t>(__riscv_vsetvlmax_e32m2(), kMaxLanes); }

  static V load(const float* p, std::size_t k) { return __riscv_vle32_v_f32m2_tu(zero(), p, k); }
  // k halves, zero-extended to 32-bit lanes; the lanes past k are 0.
  static U halves(const void* p, std::size_t k) {
    const vuint16m1_t h =
        __riscv_vle16_v_u16m1_tu(__riscv_vmv_v_x_u16m1(0, lanes()), static_cast<const std::uint16_t*>(p), k);
    return __riscv_vzext_vf2_u32m2(h, lanes());
  }
  static V load(const maskbench::Bf16* p, std::size_t k) {
    return __riscv_vreinterpret_v_u32m2_f32m2(__riscv_vsll_vx_u32m2(halves(p, k), 16, lanes()));
  }
  // rv64gcv has no f16 conversion (that is Zvfhmin), so the f32 bits are
  // built with integer operations, exactly: normal numbers rebias the
  // exponent (15 to 127), infinities and NaNs keep their fraction under an
  // all-ones exponent (a NaN quieted, as maskbench::widen does), and zeros
  // and subnormals convert the fraction and scale it by 2^-24 (exact).
  static V load(const maskbench::F16* p, std::size_t k) {
    const std::size_t vl = lanes();
    const U h = halves(p, k);
    const U sign = __riscv_vsll_vx_u32m2(__riscv_vand_vx_u32m2(h, 0x8000u, vl), 16, vl);
    const U exponent = __riscv_vand_vx_u32m2(__riscv_vsrl_vx_u32m2(h, 10, vl), 0x1fu, vl);
    const U fraction = __riscv_vand_vx_u32m2(h, 0x3ffu, vl);
    const U high_fraction = __riscv_vsll_vx_u32m2(fraction, 13, vl);
    U magnitude =
        __riscv_vor_vv_u32m2(__riscv_vsll_vx_u32m2(__riscv_vadd_vx_u32m2(exponent, 112, vl), 23, vl), high_fraction, vl);
    const M special = __riscv_vmseq_vx_u32m2_b16(exponent, 0x1fu, vl);
    magnitude = __riscv_vor_vx_u32m2_mu(special, magnitude, high_fraction, 0x7f800000u, vl);
    const M nan = __riscv_vmand_mm_b16(special, __riscv_vmsne_vx_u32m2_b16(fraction, 0u, vl), vl);
    magnitude = __riscv_vor_vx_u32m2_mu(nan, magnitude, magnitude, 0x400000u, vl);
    const M small = __riscv_vmseq_vx_u32m2_b16(exponent, 0u, vl);
    const V scaled = __riscv_vfmul_vf_f32m2(__riscv_vfcvt_f_xu_v_f32m2(fraction, vl), 0x1p-24f, vl);
    magnitude = __riscv_vmerge_vvm_u32m2(magnitude, __riscv_vreinterpret_v_f32m2_u32m2(scaled), small, vl);
    return __riscv_vreinterpret_v_u32m2_f32m2(__riscv_vor_vv_u32m2(magnitude, sign, vl));
  }
  static void store(float* p, V v, std::size_t k) { __riscv_vse32_v_f32m2(p, v, k); }

  static V set1(float x) { return __riscv_vfmv_v_f_f32m2(x, lanes()); }
  static V zero() { return set1(0.0f); }
  static V add(V a, V b) { return __riscv_vfadd_vv_f32m2(a, b, lanes()); }
  static V sub(V a, V b) { return __riscv_vfsub_vv_f32m2(a, b, lanes()); }
  static V mul(V a, V b) { return __riscv_vfmul_vv_f32m2(a, b, lanes()); }
  static V div(V a, V b) { return __riscv_vfdiv_vv_f32m2(a, b, lanes()); }
  static V fmadd(V a, V b, V c) { return __riscv_vfmacc_vv_f32m2(c, a, b, lanes()); }
  static float reduce_add(V v) {
    for (std::size_t half = lanes() / 2; half >= 1; half /= 2)
      v = __riscv_vfadd_vv_f32m2(v, __riscv_vslidedown_vx_f32m2(v, half, half), half);
    return __riscv_vfmv_f_s_f32m2_f32(v);
  }

  static M gt(V a, V b) { return __riscv_vmfgt_vv_f32m2_b16(a, b, lanes()); }
  static M ge(V a, V b) { return __riscv_vmfge_vv_f32m2_b16(a, b, lanes()); }
  static M lt(V a, V b) { return __riscv_vmflt_vv_f32m2_b16(a, b, lanes()); }
  static M le(V a, V b) { return __riscv_vmfle_vv_f32m2_b16(a, b, lanes()); }

  static M tail(std::size_t k) {
    return __riscv_vmsltu_vx_u32m2_b16(iota_u32(), static_cast<std::uint32_t>(std::min(k, lanes())), lanes());
  }
  static M m_and(M a, M b) { return __riscv_vmand_mm_b16(a, b, lanes()); }
  static M m_or(M a, M b) { return __riscv_vmor_mm_b16(a, b, lanes()); }
  static M m_andnot(M a, M b) { return __riscv_vmandn_mm_b16(a, b, lanes()); }
  static M m_not(M a) { return __riscv_vmnot_m_b16(a, lanes()); }
  static std::size_t count(M m) { return __riscv_vcpop_m_b16(m, lanes()); }
  static V select(M m, V t, V f) { return __riscv_vmerge_vvm_f32m2(f, t, m, lanes()); }

  static U set1_u32(std::uint32_t x) { return __riscv_vmv_v_x_u32m2(x, lanes()); }
  static U iota_u32() { return __riscv_vid_v_u32m2(lanes()); }
  static U add(U a, U b) { return __riscv_vadd_vv_u32m2(a, b, lanes()); }
  static U sub(U a, U b) { return __riscv_vsub_vv_u32m2(a, b, lanes()); }
  static U mul(U a, U b) { return __riscv_vmul_vv_u32m2(a, b, lanes()); }
  static U xor_(U a, U b) { return __riscv_vxor_vv_u32m2(a, b, lanes()); }
  template <unsigned N>
  static U srl(U a) {
    return __riscv_vsrl_vx_u32m2(a, N, lanes());
  }
  static V to_f32(U a) { return __riscv_vfcvt_f_x_v_f32m2(__riscv_vreinterpret_v_u32m2_i32m2(a), lanes()); }
};

}  // namespace simd
}  // namespace
}  // namespace MB_NS
