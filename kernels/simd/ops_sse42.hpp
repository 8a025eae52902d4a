#pragma once
// SSE4.2 ops, written against simde's API; the op set is stated in ops.hpp.
// No FMA and no half-precision conversion at this level: fmadd rounds twice
// and f16 widens lane by lane.
#include <simde/x86/sse4.2.h>

#include "simd/mask_bits.hpp"

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp
namespace simd {

struct Ops {
  static constexpr std::size_t W = 4;
  static constexpr bool kMaskRegisters = false;
  using V = simde__m128;
  using M = simde__m128;
  using U = simde__m128i;
  using Q = MaskBits<W>;

  static V loadu(const float* p) { return simde_mm_loadu_ps(p); }
  // bf16 is the upper half of an f32: interleave zeros below it.
  static V loadu(const maskbench::Bf16* p) {
    const simde__m128i h = simde_mm_loadl_epi64(reinterpret_cast<const simde__m128i*>(p));
    return simde_mm_castsi128_ps(simde_mm_unpacklo_epi16(simde_mm_setzero_si128(), h));
  }
  static V loadu(const maskbench::F16* p) { return widen_partial<V, W>(p, W, load_aligned); }
  static void storeu(float* p, V v) { simde_mm_storeu_ps(p, v); }
  static void stream(float* p, V v) { simde_mm_stream_ps(p, v); }
  static void stream_fence() { simde_mm_sfence(); }
  // SSE has no masked load or store: go through a register-sized local copy.
  template <class T>
  static V load_tail(const T* p, std::size_t k) {
    return load_partial<V, W>(p, k, [](const T* a) { return loadu(a); });
  }
  static V load_tail(const maskbench::F16* p, std::size_t k) { return widen_partial<V, W>(p, k, load_aligned); }
  static void store_tail(float* p, V v, std::size_t k) {
    store_partial<W>(p, v, k, [](float* a, V x) { simde_mm_store_ps(a, x); });
  }
  static V load_aligned(const float* p) { return simde_mm_load_ps(p); }

  static V set1(float x) { return simde_mm_set1_ps(x); }
  static V zero() { return simde_mm_setzero_ps(); }
  static V add(V a, V b) { return simde_mm_add_ps(a, b); }
  static V sub(V a, V b) { return simde_mm_sub_ps(a, b); }
  static V mul(V a, V b) { return simde_mm_mul_ps(a, b); }
  static V div(V a, V b) { return simde_mm_div_ps(a, b); }
  static V fmadd(V a, V b, V c) { return add(mul(a, b), c); }
  static float reduce_add(V v) {
    v = add(v, simde_mm_movehl_ps(v, v));
    v = simde_mm_add_ss(v, simde_mm_shuffle_ps(v, v, 1));
    return simde_mm_cvtss_f32(v);
  }

  static M gt(V a, V b) { return simde_mm_cmpgt_ps(a, b); }
  static M ge(V a, V b) { return simde_mm_cmpge_ps(a, b); }
  static M lt(V a, V b) { return simde_mm_cmplt_ps(a, b); }
  static M le(V a, V b) { return simde_mm_cmple_ps(a, b); }
  static M eq(V a, V b) { return simde_mm_cmpeq_ps(a, b); }
  static M ne(V a, V b) { return simde_mm_cmpneq_ps(a, b); }

  static M tail(std::size_t k) {
    const simde__m128i iota = simde_mm_setr_epi32(0, 1, 2, 3);
    const int lanes = static_cast<int>(k < W ? k : W);
    return simde_mm_castsi128_ps(simde_mm_cmplt_epi32(iota, simde_mm_set1_epi32(lanes)));
  }
  static M m_and(M a, M b) { return simde_mm_and_ps(a, b); }
  static M m_or(M a, M b) { return simde_mm_or_ps(a, b); }
  static M m_xor(M a, M b) { return simde_mm_xor_ps(a, b); }
  static M m_andnot(M a, M b) { return simde_mm_andnot_ps(b, a); }
  static M m_not(M a) { return simde_mm_xor_ps(a, simde_mm_castsi128_ps(simde_mm_set1_epi32(-1))); }
  static std::uint64_t bits(M m) { return static_cast<std::uint64_t>(simde_mm_movemask_ps(m)); }
  static M from_bits(std::uint64_t b) {
    const simde__m128i lane_bit = simde_mm_setr_epi32(1, 2, 4, 8);
    const simde__m128i sel = simde_mm_and_si128(simde_mm_set1_epi32(static_cast<int>(b)), lane_bit);
    return simde_mm_castsi128_ps(simde_mm_cmpeq_epi32(sel, lane_bit));
  }
  static std::size_t count(M m) { return Q::count(bits(m)); }
  static std::size_t first(M m) { return Q::first(bits(m)); }
  static std::ptrdiff_t last(M m) { return Q::last(bits(m)); }
  static bool any(M m) { return simde_mm_movemask_ps(m) != 0; }
  static bool all(M m) { return simde_mm_movemask_ps(m) == 0xF; }

  static V select(M m, V t, V f) { return simde_mm_blendv_ps(f, t, m); }
  static V masked_add(V acc, M m, V x) { return add(acc, simde_mm_and_ps(m, x)); }
  // Inactive lanes divide 1 by 1, so they cannot raise divide-by-zero or invalid.
  static V masked_div(M m, V a, V x) {
    const V one = set1(1.0f);
    return simde_mm_and_ps(m, div(select(m, a, one), select(m, x, one)));
  }

  static U set1_u32(std::uint32_t x) { return simde_mm_set1_epi32(static_cast<int>(x)); }
  static U iota_u32() { return simde_mm_setr_epi32(0, 1, 2, 3); }
  static U add(U a, U b) { return simde_mm_add_epi32(a, b); }
  static U sub(U a, U b) { return simde_mm_sub_epi32(a, b); }
  static U mul(U a, U b) { return simde_mm_mullo_epi32(a, b); }
  static U xor_(U a, U b) { return simde_mm_xor_si128(a, b); }
  template <int n>
  static U srl(U a) { return simde_mm_srli_epi32(a, n); }
  static V to_f32(U a) { return simde_mm_cvtepi32_ps(a); }
};

}  // namespace simd
}  // namespace
}  // namespace MB_NS
