// The compress family in RVV 1.0, vector-length agnostic: vcompress.vm packs
// the selected lanes for every element type, bytes included (where SVE
// needs widening), and a store of vl = count writes exactly
// out[pos, pos + count), so "never past the count" costs nothing. LMUL 2
// throughout (e32m2, and e8m2 for bytes): vcompress's destination may not
// overlap its source, so a step holds the input, the packed copy and the
// mask; LMUL 2 keeps that within a quarter of the register file while
// halving the steps of LMUL 1. Expand has no instruction: viota gives each
// set lane its rank among the set lanes, vrgather moves the next count source
// values there, and a masked store writes only the set lanes.
#include <riscv_vector.h>

#include "maskbench/compress.hpp"
#include "simd/impl.hpp"

namespace MB_NS {
namespace {

// The three compress kernels differ in the element type and the selection
// only: the step, load and store follow the type, the mask the predicate.
std::size_t setvl(const float*, std::size_t n) { return __riscv_vsetvl_e32m2(n); }
std::size_t setvl(const std::int32_t*, std::size_t n) { return __riscv_vsetvl_e32m2(n); }
std::size_t setvl(const std::uint8_t*, std::size_t n) { return __riscv_vsetvl_e8m2(n); }
vfloat32m2_t load(const float* p, std::size_t vl) { return __riscv_vle32_v_f32m2(p, vl); }
vint32m2_t load(const std::int32_t* p, std::size_t vl) { return __riscv_vle32_v_i32m2(p, vl); }
vuint8m2_t load(const std::uint8_t* p, std::size_t vl) { return __riscv_vle8_v_u8m2(p, vl); }
void store(float* p, vfloat32m2_t v, std::size_t vl) { __riscv_vse32(p, v, vl); }
void store(std::int32_t* p, vint32m2_t v, std::size_t vl) { __riscv_vse32(p, v, vl); }
void store(std::uint8_t* p, vuint8m2_t v, std::size_t vl) { __riscv_vse8(p, v, vl); }
vbool16_t greater(vfloat32m2_t v, float t, std::size_t vl) { return __riscv_vmfgt_vf_f32m2_b16(v, t, vl); }
vbool16_t greater(vint32m2_t v, std::int32_t t, std::size_t vl) { return __riscv_vmsgt_vx_i32m2_b16(v, t, vl); }

template <class T, class Keep>
std::size_t compress_if(const T* x, T* out, std::size_t n, Keep keep) {
  std::size_t pos = 0;
  for (std::size_t i = 0, vl; i < n; i += vl) {
    vl = setvl(x, n - i);
    const auto v = load(x + i, vl);
    const auto m = keep(v, vl);
    const std::size_t count = __riscv_vcpop(m, vl);
    store(out + pos, __riscv_vcompress(v, m, vl), count);
    pos += count;
  }
  return pos;
}

template <class T>
std::size_t compress_gt(const T* x, T* out, std::size_t n, T t) {
  return compress_if(x, out, n, [t](auto v, std::size_t vl) { return greater(v, t, vl); });
}

std::size_t compress_u8(const std::uint8_t* x, std::uint8_t* out, std::size_t n, std::uint8_t c) {
  return compress_if(x, out, n, [c](vuint8m2_t v, std::size_t vl) { return __riscv_vmsne_vx_u8m2_b4(v, c, vl); });
}

std::size_t compress_index(const float* x, std::uint32_t* out, std::size_t n, float t) {
  std::size_t pos = 0;
  for (std::size_t i = 0, vl; i < n; i += vl) {
    vl = __riscv_vsetvl_e32m2(n - i);
    const vbool16_t m = greater(load(x + i, vl), t, vl);
    const std::size_t count = __riscv_vcpop_m_b16(m, vl);
    const vuint32m2_t index = __riscv_vadd_vx_u32m2(__riscv_vid_v_u32m2(vl), static_cast<std::uint32_t>(i), vl);
    __riscv_vse32_v_u32m2(out + pos, __riscv_vcompress_vm_u32m2(index, m, vl), count);
    pos += count;
  }
  return pos;
}

std::size_t expand_f32(const float* src, const std::uint8_t* mask, float* out, std::size_t n) {
  std::size_t pos = 0;
  for (std::size_t i = 0, vl; i < n; i += vl) {
    vl = __riscv_vsetvl_e32m2(n - i);
    // The mask bytes at the same SEW/LMUL ratio (e8mf2 beside e32m2), so the
    // comparison gives the mask type of the 32-bit lanes.
    const vbool16_t m = __riscv_vmsne_vx_u8mf2_b16(__riscv_vle8_v_u8mf2(mask + i, vl), 0, vl);
    const std::size_t count = __riscv_vcpop_m_b16(m, vl);
    // Reads exactly src[pos, pos + count); the r-th set lane takes value r.
    const vfloat32m2_t values = __riscv_vle32_v_f32m2(src + pos, count);
    const vuint32m2_t rank = __riscv_viota_m_u32m2(m, vl);
    __riscv_vse32_v_f32m2_m(m, out + i, __riscv_vrgather_vv_f32m2(values, rank, vl), vl);
    pos += count;
  }
  return pos;
}

constexpr maskbench::CompressVariant kVariants[] = {
    {"vcompress", compress_gt<float>, compress_gt<std::int32_t>, compress_index}};
const char* chosen() { return kVariants[0].name; }

constexpr maskbench::CompressKernels kTable{compress_gt<float>, compress_gt<std::int32_t>, compress_u8, compress_index,
                                            expand_f32, kVariants, chosen};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(compress, kTable)
