#pragma once
// AVX-512 ops (simde API plus avx512_shim.hpp); interface as in
// ops_sse42.hpp. Masks are __mmask16 registers; tails are masked loads and
// stores; masked division suppresses exceptions in inactive lanes.
#include "simd/avx512_shim.hpp"
#include "simd/mask_bits.hpp"

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp
namespace simd {

struct F32 {
  static constexpr std::size_t W = 16;
  using V = simde__m512;
  using M = simde__mmask16;
  using Q = MaskBits<W>;

  static V loadu(const float* p) { return simde_mm512_loadu_ps(p); }
  static void storeu(float* p, V v) { simde_mm512_storeu_ps(p, v); }
  static V load_tail(const float* p, std::size_t k) { return shim::maskz_loadu_ps(tail(k), p); }
  static void store_tail(float* p, V v, std::size_t k) { shim::mask_storeu_ps(p, tail(k), v); }
  static V set1(float x) { return simde_mm512_set1_ps(x); }
  static V zero() { return simde_mm512_setzero_ps(); }
  static V add(V a, V b) { return simde_mm512_add_ps(a, b); }
  static V sub(V a, V b) { return simde_mm512_sub_ps(a, b); }
  static V mul(V a, V b) { return simde_mm512_mul_ps(a, b); }
  static V div(V a, V b) { return simde_mm512_div_ps(a, b); }
  static M gt(V a, V b) { return simde_mm512_cmp_ps_mask(a, b, SIMDE_CMP_GT_OQ); }
  static M ge(V a, V b) { return simde_mm512_cmp_ps_mask(a, b, SIMDE_CMP_GE_OQ); }
  static M lt(V a, V b) { return simde_mm512_cmp_ps_mask(a, b, SIMDE_CMP_LT_OQ); }
  static M le(V a, V b) { return simde_mm512_cmp_ps_mask(a, b, SIMDE_CMP_LE_OQ); }
  static M eq(V a, V b) { return simde_mm512_cmp_ps_mask(a, b, SIMDE_CMP_EQ_OQ); }
  static M ne(V a, V b) { return simde_mm512_cmp_ps_mask(a, b, SIMDE_CMP_NEQ_UQ); }
  static M tail(std::size_t k) { return static_cast<M>(Q::tail(k)); }
  static M m_and(M a, M b) { return static_cast<M>(a & b); }
  static M m_or(M a, M b) { return static_cast<M>(a | b); }
  static M m_xor(M a, M b) { return static_cast<M>(a ^ b); }
  static M m_andnot(M a, M b) { return static_cast<M>(a & ~b); }
  static M m_not(M a) { return static_cast<M>(~a); }
  static std::uint64_t bits(M m) { return m; }
  static M from_bits(std::uint64_t b) { return static_cast<M>(b); }
  static std::size_t count(M m) { return Q::count(m); }
  static std::size_t first(M m) { return Q::first(m); }
  static std::ptrdiff_t last(M m) { return Q::last(m); }
  static bool any(M m) { return m != 0; }
  static bool all(M m) { return m == 0xFFFF; }
  static V select(M m, V t, V f) { return simde_mm512_mask_blend_ps(m, f, t); }
  static V masked_div(M m, V a, V x) { return shim::maskz_div_ps(m, a, x); }
  static V masked_add(V acc, M m, V x) { return simde_mm512_mask_add_ps(acc, m, acc, x); }
  static float reduce_add(V v) {
    simde__m256 q = simde_mm256_add_ps(shim::lower256(v), shim::upper256(v));
    simde__m128 h = simde_mm_add_ps(simde_mm256_castps256_ps128(q), simde_mm256_extractf128_ps(q, 1));
    h = simde_mm_add_ps(h, simde_mm_movehl_ps(h, h));
    h = simde_mm_add_ss(h, simde_mm_shuffle_ps(h, h, 1));
    return simde_mm_cvtss_f32(h);
  }
};

}  // namespace simd
}  // namespace
}  // namespace MB_NS
