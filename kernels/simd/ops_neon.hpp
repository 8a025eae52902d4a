#pragma once
// Advanced SIMD (NEON) ops for aarch64; the op set is stated in ops.hpp.
// Masks are vectors of all-ones or all-zeros lanes, as at sse42; fmadd is
// fused (FMLA); bf16 widens by a shift into the upper half, f16 by FCVTL,
// both exact; a NaN keeps its payload as maskbench::widen does, with the
// quiet bit set (the default-NaN mode is off under Linux).
#include <arm_neon.h>

#include "simd/mask_bits.hpp"

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp
namespace simd {

struct Ops {
  static constexpr std::size_t W = 4;
  static constexpr bool kMaskRegisters = false;
  using V = float32x4_t;
  using M = uint32x4_t;
  using U = uint32x4_t;
  using Q = MaskBits<W>;

  static V loadu(const float* p) { return vld1q_f32(p); }
  static V loadu(const maskbench::Bf16* p) {
    return vreinterpretq_f32_u32(vshll_n_u16(vld1_u16(reinterpret_cast<const std::uint16_t*>(p)), 16));
  }
  static V loadu(const maskbench::F16* p) {
    return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(reinterpret_cast<const std::uint16_t*>(p))));
  }
  static void storeu(float* p, V v) { vst1q_f32(p, v); }
  static void stream(float* p, V v) { vst1q_f32(p, v); }
  static void stream_fence() {}
  // Advanced SIMD has no masked load or store: a register-sized local copy.
  template <class T>
  static V load_tail(const T* p, std::size_t k) {
    return load_partial<V, W>(p, k, [](const T* a) { return loadu(a); });
  }
  static void store_tail(float* p, V v, std::size_t k) {
    store_partial<W>(p, v, k, [](float* a, V x) { vst1q_f32(a, x); });
  }

  static V set1(float x) { return vdupq_n_f32(x); }
  static V zero() { return vdupq_n_f32(0.0f); }
  static V add(V a, V b) { return vaddq_f32(a, b); }
  static V sub(V a, V b) { return vsubq_f32(a, b); }
  static V mul(V a, V b) { return vmulq_f32(a, b); }
  static V div(V a, V b) { return vdivq_f32(a, b); }
  static V fmadd(V a, V b, V c) { return vfmaq_f32(c, a, b); }
  // The halving tree of ops.hpp: (l0 + l2) + (l1 + l3), as at sse42.
  static float reduce_add(V v) {
    const V h = vaddq_f32(v, vextq_f32(v, v, 2));
    return vgetq_lane_f32(h, 0) + vgetq_lane_f32(h, 1);
  }

  static M gt(V a, V b) { return vcgtq_f32(a, b); }
  static M ge(V a, V b) { return vcgeq_f32(a, b); }
  static M lt(V a, V b) { return vcltq_f32(a, b); }
  static M le(V a, V b) { return vcleq_f32(a, b); }
  static M eq(V a, V b) { return vceqq_f32(a, b); }
  static M ne(V a, V b) { return vmvnq_u32(vceqq_f32(a, b)); }

  static U lane_bits() {
    constexpr std::uint32_t b[W] = {1, 2, 4, 8};
    return vld1q_u32(b);
  }
  static M tail(std::size_t k) { return vcltq_u32(iota_u32(), vdupq_n_u32(static_cast<std::uint32_t>(k < W ? k : W))); }
  static M m_and(M a, M b) { return vandq_u32(a, b); }
  static M m_or(M a, M b) { return vorrq_u32(a, b); }
  static M m_xor(M a, M b) { return veorq_u32(a, b); }
  static M m_andnot(M a, M b) { return vbicq_u32(a, b); }
  static M m_not(M a) { return vmvnq_u32(a); }
  static std::uint64_t bits(M m) { return vaddvq_u32(vandq_u32(m, lane_bits())); }
  static M from_bits(std::uint64_t b) { return vtstq_u32(vdupq_n_u32(static_cast<std::uint32_t>(b)), lane_bits()); }
  static std::size_t count(M m) { return Q::count(bits(m)); }
  static std::size_t first(M m) { return Q::first(bits(m)); }
  static std::ptrdiff_t last(M m) { return Q::last(bits(m)); }
  static bool any(M m) { return vmaxvq_u32(m) != 0; }
  static bool all(M m) { return vminvq_u32(m) != 0; }

  static V select(M m, V t, V f) { return vbslq_f32(m, t, f); }
  static V masked_add(V acc, M m, V x) { return add(acc, vreinterpretq_f32_u32(vandq_u32(m, vreinterpretq_u32_f32(x)))); }
  // Inactive lanes divide 1 by 1, so they cannot raise divide-by-zero or invalid.
  static V masked_div(M m, V a, V x) {
    const V one = set1(1.0f);
    return vreinterpretq_f32_u32(vandq_u32(m, vreinterpretq_u32_f32(div(select(m, a, one), select(m, x, one)))));
  }

  static U set1_u32(std::uint32_t x) { return vdupq_n_u32(x); }
  static U iota_u32() {
    constexpr std::uint32_t i[W] = {0, 1, 2, 3};
    return vld1q_u32(i);
  }
  static U add(U a, U b) { return vaddq_u32(a, b); }
  static U sub(U a, U b) { return vsubq_u32(a, b); }
  static U mul(U a, U b) { return vmulq_u32(a, b); }
  static U xor_(U a, U b) { return veorq_u32(a, b); }
  template <int n>
  static U srl(U a) { return vshrq_n_u32(a, n); }
  static V to_f32(U a) { return vcvtq_f32_s32(vreinterpretq_s32_u32(a)); }
};

}  // namespace simd
}  // namespace
}  // namespace MB_NS
