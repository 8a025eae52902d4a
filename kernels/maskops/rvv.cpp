// The mask primitives (maskbench/maskops.hpp) on RVV mask registers, one
// vector register of e32 lanes (LMUL 1): VLEN/32 lanes, capped at 64 for the
// interface's 64-bit mask (VLEN above 2048 bits tests the first 64 lanes,
// with vl = 64). An RVV mask register holds lane i's bit at bit i, so masks
// cross the interface by the mask store and load (vsm.v, vlm.v); everything
// in between is mask instructions.
#include <riscv_vector.h>

#include <algorithm>
#include <cstring>

#include "maskbench/maskops.hpp"
#include "simd/impl.hpp"
#include "simd/scalable.hpp"

namespace MB_NS {
namespace {

using maskbench::CmpOp;
using maskbench::MaskLogic;
using O = simd::Ops;

std::size_t width() { return std::min<std::size_t>(__riscv_vsetvlmax_e32m1(), 64); }

std::uint64_t bits(vbool32_t m) {
  const std::size_t w = width();
  std::uint8_t bytes[8] = {};
  __riscv_vsm_v_b32(bytes, m, w);  // ceil(w / 8) bytes; bits past w are tail-agnostic
  std::uint64_t out = 0;
  std::memcpy(&out, bytes, sizeof out);  // RISC-V is little-endian: byte j holds lanes 8j..8j+7
  return w >= 64 ? out : out & ((std::uint64_t{1} << w) - 1);
}

vbool32_t from_bits(std::uint64_t m) {
  std::uint8_t bytes[8];
  std::memcpy(bytes, &m, sizeof bytes);
  return __riscv_vlm_v_b32(bytes, width());
}

std::uint64_t compare(const float* a, const float* b, CmpOp op) {
  const std::size_t w = width();
  const vfloat32m1_t va = __riscv_vle32_v_f32m1(a, w), vb = __riscv_vle32_v_f32m1(b, w);
  switch (op) {
    case CmpOp::gt: return bits(__riscv_vmfgt_vv_f32m1_b32(va, vb, w));
    case CmpOp::ge: return bits(__riscv_vmfge_vv_f32m1_b32(va, vb, w));
    case CmpOp::lt: return bits(__riscv_vmflt_vv_f32m1_b32(va, vb, w));
    case CmpOp::le: return bits(__riscv_vmfle_vv_f32m1_b32(va, vb, w));
    case CmpOp::eq: return bits(__riscv_vmfeq_vv_f32m1_b32(va, vb, w));
    case CmpOp::ne: return bits(__riscv_vmfne_vv_f32m1_b32(va, vb, w));  // true where unordered
  }
  return 0;
}

std::uint64_t tail(std::size_t k) {
  const std::size_t w = width();
  return bits(__riscv_vmsltu_vx_u32m1_b32(__riscv_vid_v_u32m1(w), static_cast<std::uint32_t>(std::min(k, w)), w));
}

std::uint64_t logic(std::uint64_t a, std::uint64_t b, MaskLogic op) {
  const std::size_t w = width();
  const vbool32_t ma = from_bits(a), mb = from_bits(b);
  switch (op) {
    case MaskLogic::and_: return bits(__riscv_vmand_mm_b32(ma, mb, w));
    case MaskLogic::or_: return bits(__riscv_vmor_mm_b32(ma, mb, w));
    case MaskLogic::andnot: return bits(__riscv_vmandn_mm_b32(ma, mb, w));
    case MaskLogic::xor_: return bits(__riscv_vmxor_mm_b32(ma, mb, w));
    case MaskLogic::not_: return bits(__riscv_vmnot_m_b32(ma, w));
  }
  return 0;
}

std::size_t true_count(std::uint64_t m) { return __riscv_vcpop_m_b32(from_bits(m), width()); }
// vfirst.m: the first set lane, -1 for none (W by the interface).
std::size_t first_true(std::uint64_t m) {
  const long first = __riscv_vfirst_m_b32(from_bits(m), width());
  return first < 0 ? width() : static_cast<std::size_t>(first);
}
// The largest lane index among the set lanes: a masked unsigned max reduction
// of vid.
std::ptrdiff_t last_true(std::uint64_t m) {
  const std::size_t w = width();
  const vbool32_t mask = from_bits(m);
  if (__riscv_vcpop_m_b32(mask, w) == 0) return -1;
  const vuint32m1_t none = __riscv_vmv_s_x_u32m1(0, 1);
  return __riscv_vmv_x_s_u32m1_u32(__riscv_vredmaxu_vs_u32m1_u32m1_m(mask, __riscv_vid_v_u32m1(w), none, w));
}
bool any_true(std::uint64_t m) { return __riscv_vcpop_m_b32(from_bits(m), width()) != 0; }
bool all_true(std::uint64_t m) { return __riscv_vcpop_m_b32(from_bits(m), width()) == width(); }

void blend(std::uint64_t m, const float* t, const float* f, float* out) {
  const std::size_t w = width();
  __riscv_vse32_v_f32m1(out, __riscv_vmerge_vvm_f32m1(__riscv_vle32_v_f32m1(f, w), __riscv_vle32_v_f32m1(t, w),
                                                      from_bits(m), w),
                        w);
}

void copy_tail(const float* src, float* dst, std::size_t k) {
  const std::size_t vl = std::min(k, width());
  __riscv_vse32_v_f32m1(dst, __riscv_vle32_v_f32m1(src, vl), vl);
}

// The scalable op set's loads (simd/scalable.hpp) at vl = k: bf16 by zero
// extension and a shift, f16 rebuilt with integer operations (rv64gcv has
// no Zvfhmin). Its e32m2 vectors hold at least width() lanes.
template <class T>
void widen(const T* src, float* dst, std::size_t k) {
  const std::size_t n = std::min(k, width());
  O::store(dst, O::load(src, n), n);
}

constexpr maskbench::MaskOpsKernels kTable{width,    compare,  tail,  logic,     true_count, first_true, last_true,
                                           any_true, all_true, blend, copy_tail, widen<maskbench::Bf16>,
                                           widen<maskbench::F16>};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(maskops, kTable)
