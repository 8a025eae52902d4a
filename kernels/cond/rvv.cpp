// The conditional-compute family in RVV 1.0, vector-length agnostic: each
// loop is strip-mined by vsetvl, so a tail is one more iteration at a
// shorter vl (no scalar remainder, no local copy), and lanes past vl are
// never loaded or stored. LMUL 4 throughout (e32m2: 4*VLEN/32 lanes per
// step): the loops hold at most three register groups and a mask, so a
// larger group halves the loop overhead at no spill, and the grouping
// gives the out-of-order core independent registers to overlap. RVV's
// sizeless types rule out the generic simd.cpp, as for SVE.
#include <riscv_vector.h>

#include "maskbench/cond.hpp"
#include "simd/impl.hpp"

namespace MB_NS {
namespace {

void select(const float* x, float* y, std::size_t n, float t, float a, float b, float c) {
  for (std::size_t i = 0, vl; i < n; i += vl) {
    vl = __riscv_vsetvl_e32m2(n - i);
    const vfloat32m2_t v = __riscv_vle32_v_f32m2(x + i, vl);
    // a*x + b as two roundings (the contract): vfmul then vfadd, never vfmacc.
    const vfloat32m2_t then = __riscv_vfadd_vf_f32m2(__riscv_vfmul_vf_f32m2(v, a, vl), b, vl);
    const vfloat32m2_t otherwise = __riscv_vfmul_vf_f32m2(v, c, vl);
    const vbool16_t gt = __riscv_vmfgt_vf_f32m2_b16(v, t, vl);
    __riscv_vse32_v_f32m2(y + i, __riscv_vmerge_vvm_f32m2(otherwise, then, gt, vl), vl);
  }
}

void guarded_div(const float* x, float* y, std::size_t n, float a) {
  for (std::size_t i = 0, vl; i < n; i += vl) {
    vl = __riscv_vsetvl_e32m2(n - i);
    const vfloat32m2_t v = __riscv_vle32_v_f32m2(x + i, vl);
    const vbool16_t nonzero = __riscv_vmfne_vf_f32m2_b16(v, 0.0f, vl);
    // a / x under the mask, mask-undisturbed: lanes where x == 0 are
    // inactive, raise nothing (RVV 1.0, masked-off elements take no
    // exceptions) and keep the +0.0 they start with.
    const vfloat32m2_t zero = __riscv_vfmv_v_f_f32m2(0.0f, vl);
    __riscv_vse32_v_f32m2(y + i, __riscv_vfrdiv_vf_f32m2_mu(nonzero, zero, v, a, vl), vl);
  }
}

// Lanes of one e32 vector register (VLEN / 32): a power of two, since VLEN
// is one (RVV 1.0, section 2).
std::size_t lanes_m1() { return __riscv_vsetvlmax_e32m1(); }

maskbench::MaskedSum masked_sum(const float* x, std::size_t n, float lo, float hi) {
  const std::size_t vlmax = __riscv_vsetvlmax_e32m2();
  vfloat32m2_t acc = __riscv_vfmv_v_f_f32m2(0.0f, vlmax);
  std::uint64_t count = 0;
  for (std::size_t i = 0, vl; i < n; i += vl) {
    vl = __riscv_vsetvl_e32m2(n - i);
    const vfloat32m2_t v = __riscv_vle32_v_f32m2(x + i, vl);
    const vbool16_t in = __riscv_vmand_mm_b16(__riscv_vmfge_vf_f32m2_b16(v, lo, vl), __riscv_vmflt_vf_f32m2_b16(v, hi, vl), vl);
    count += __riscv_vcpop_m_b16(in, vl);
    // Tail- and mask-undisturbed: a short last step leaves the other lanes'
    // partial sums as they are.
    acc = __riscv_vfadd_vv_f32m2_tumu(in, acc, acc, v, vl);
  }
  // Our own tree rather than vfredusum, whose tree shape the specification
  // leaves open (up to a chain through every lane): the two registers of
  // the group, then halves of one register by slides.
  const std::size_t w = lanes_m1();
  vfloat32m1_t s =
      __riscv_vfadd_vv_f32m1(__riscv_vget_v_f32m2_f32m1(acc, 0), __riscv_vget_v_f32m2_f32m1(acc, 1), w);
  for (std::size_t half = w / 2; half >= 1; half /= 2)
    s = __riscv_vfadd_vv_f32m1(s, __riscv_vslidedown_vx_f32m1(s, half, half), half);
  return {__riscv_vfmv_f_s_f32m1_f32(s), count};
}

// Each lane of the accumulator takes one addition per step. vsetvl may split
// the last 2*VLMAX - 1 elements into two steps (RVV 1.0, section 6.3: vl may
// be as small as ceil(AVL / 2) there), so there are at most n / VLMAX + 2
// steps; then 1 level combining the two registers and log2(VLEN / 32)
// levels of halving.
std::size_t masked_sum_depth(std::size_t n) {
  std::size_t log2w = 0;
  while ((std::size_t{1} << log2w) < lanes_m1()) ++log2w;
  return n / __riscv_vsetvlmax_e32m2() + 2 + 1 + log2w;
}

constexpr maskbench::CondKernels kTable{select, guarded_div, masked_sum, masked_sum_depth};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(cond, kTable)
