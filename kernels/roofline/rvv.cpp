// The roofline probes (maskbench/roofline.hpp) in RVV 1.0, vector-length
// agnostic. Both use one register group of LMUL 8: an LMUL-8 instruction is
// eight independent register operations that the core pipelines, so one
// group gives read_sum 8 accumulators and madd_chains 8 registers of chains,
// enough to cover a 4-cycle add or multiply-add on two pipes.
#include <riscv_vector.h>

#include <algorithm>

#include "maskbench/roofline.hpp"
#include "simd/impl.hpp"

namespace MB_NS {
namespace {

float read_sum(const float* x, std::size_t n) {
  const std::size_t vlmax = __riscv_vsetvlmax_e32m8();
  vfloat32m8_t acc = __riscv_vfmv_v_f_f32m8(0.0f, vlmax);
  for (std::size_t i = 0, vl; i < n; i += vl) {
    vl = __riscv_vsetvl_e32m8(n - i);
    // Tail-undisturbed: a short last step keeps the other lanes' sums.
    acc = __riscv_vfadd_vv_f32m8_tu(acc, acc, __riscv_vle32_v_f32m8(x + i, vl), vl);
  }
  // Any order is within the contract (exact for integer partial sums).
  const vfloat32m1_t zero = __riscv_vfmv_v_f_f32m1(0.0f, 1);
  return __riscv_vfmv_f_s_f32m1_f32(__riscv_vfredusum_vs_f32m8_f32m1(acc, zero, vlmax));
}

double madd_chains(float x, float a, float b, std::size_t steps) {
  const std::size_t vl = __riscv_vsetvlmax_e32m8();
  // Chain j starts at x + j: j is exact in f32, so one rounding, as the
  // contract's x + float(j).
  vfloat32m8_t v = __riscv_vfadd_vf_f32m8(__riscv_vfcvt_f_xu_v_f32m8(__riscv_vid_v_u32m8(vl), vl), x, vl);
  const vfloat32m8_t vb = __riscv_vfmv_v_f_f32m8(b, vl);
  // vfmadd.vf: v = a*v + b, fused.
  for (std::size_t s = 0; s < steps; ++s) v = __riscv_vfmadd_vf_f32m8(v, a, vb, vl);
  // The chains in order, in double, through a fixed buffer: VLEN (and so the
  // group) may be up to 65536 bits.
  constexpr std::size_t kChunk = 256;
  float lanes[kChunk];
  double sum = 0.0;
  for (std::size_t off = 0; off < vl; off += kChunk) {
    const std::size_t k = std::min(kChunk, vl - off);
    __riscv_vse32_v_f32m8(lanes, __riscv_vslidedown_vx_f32m8(v, off, vl), k);
    for (std::size_t j = 0; j < k; ++j) sum += lanes[j];
  }
  return sum;
}

std::size_t madd_lanes() { return __riscv_vsetvlmax_e32m8(); }

constexpr maskbench::RooflineKernels kTable{read_sum, madd_chains, madd_lanes};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(roofline, kTable)
