#pragma once
// AVX2 ops (simde API, x86-64-v3: FMA and F16C too); the op set is stated in
// ops.hpp. Tails go through a register-sized local copy rather than
// vmaskmovps: the hardware suppresses faults on masked-off lanes, but
// qemu-user 7.2 (Debian 12), which the suite uses to prove that dispatch never
// runs an instruction the CPU lacks, does not, and faults at a guard page
// (reproducer: docs/known-defects.md).
#include <simde/x86/avx2.h>
#include <simde/x86/f16c.h>
#include <simde/x86/fma.h>

#include "simd/mask_bits.hpp"

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp
namespace simd {

struct Ops {
  static constexpr std::size_t W = 8;
  static constexpr bool kMaskRegisters = false;
  using V = simde__m256;
  using M = simde__m256;
  using U = simde__m256i;
  using Q = MaskBits<W>;

  static V loadu(const float* p) { return simde_mm256_loadu_ps(p); }
  static V loadu(const maskbench::Bf16* p) {
    const simde__m128i h = simde_mm_loadu_si128(reinterpret_cast<const simde__m128i*>(p));
    return simde_mm256_castsi256_ps(simde_mm256_slli_epi32(simde_mm256_cvtepu16_epi32(h), 16));
  }
  static V loadu(const maskbench::F16* p) {
    return simde_mm256_cvtph_ps(simde_mm_loadu_si128(reinterpret_cast<const simde__m128i*>(p)));
  }
  static void storeu(float* p, V v) { simde_mm256_storeu_ps(p, v); }
  static void stream(float* p, V v) { simde_mm256_stream_ps(p, v); }
  static void stream_fence() { simde_mm_sfence(); }
  template <class T>
  static V load_tail(const T* p, std::size_t k) {
    return load_partial<V, W>(p, k, [](const T* a) { return loadu(a); });
  }
  static void store_tail(float* p, V v, std::size_t k) {
    store_partial<W>(p, v, k, [](float* a, V x) { simde_mm256_store_ps(a, x); });
  }

  static V set1(float x) { return simde_mm256_set1_ps(x); }
  static V zero() { return simde_mm256_setzero_ps(); }
  static V add(V a, V b) { return simde_mm256_add_ps(a, b); }
  static V sub(V a, V b) { return simde_mm256_sub_ps(a, b); }
  static V mul(V a, V b) { return simde_mm256_mul_ps(a, b); }
  static V div(V a, V b) { return simde_mm256_div_ps(a, b); }
  static V fmadd(V a, V b, V c) { return simde_mm256_fmadd_ps(a, b, c); }
  static float reduce_add(V v) {
    simde__m128 h = simde_mm_add_ps(simde_mm256_castps256_ps128(v), simde_mm256_extractf128_ps(v, 1));
    h = simde_mm_add_ps(h, simde_mm_movehl_ps(h, h));
    h = simde_mm_add_ss(h, simde_mm_shuffle_ps(h, h, 1));
    return simde_mm_cvtss_f32(h);
  }

  static M gt(V a, V b) { return simde_mm256_cmp_ps(a, b, SIMDE_CMP_GT_OQ); }
  static M ge(V a, V b) { return simde_mm256_cmp_ps(a, b, SIMDE_CMP_GE_OQ); }
  static M lt(V a, V b) { return simde_mm256_cmp_ps(a, b, SIMDE_CMP_LT_OQ); }
  static M le(V a, V b) { return simde_mm256_cmp_ps(a, b, SIMDE_CMP_LE_OQ); }
  static M eq(V a, V b) { return simde_mm256_cmp_ps(a, b, SIMDE_CMP_EQ_OQ); }
  static M ne(V a, V b) { return simde_mm256_cmp_ps(a, b, SIMDE_CMP_NEQ_UQ); }

  static M tail(std::size_t k) {
    const simde__m256i iota = simde_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const int lanes = static_cast<int>(k < W ? k : W);
    return simde_mm256_castsi256_ps(simde_mm256_cmpgt_epi32(simde_mm256_set1_epi32(lanes), iota));
  }
  static M m_and(M a, M b) { return simde_mm256_and_ps(a, b); }
  static M m_or(M a, M b) { return simde_mm256_or_ps(a, b); }
  static M m_xor(M a, M b) { return simde_mm256_xor_ps(a, b); }
  static M m_andnot(M a, M b) { return simde_mm256_andnot_ps(b, a); }
  static M m_not(M a) { return simde_mm256_xor_ps(a, simde_mm256_castsi256_ps(simde_mm256_set1_epi32(-1))); }
  static std::uint64_t bits(M m) { return static_cast<std::uint64_t>(simde_mm256_movemask_ps(m)); }
  static M from_bits(std::uint64_t b) {
    const simde__m256i lane_bit = simde_mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    const simde__m256i sel = simde_mm256_and_si256(simde_mm256_set1_epi32(static_cast<int>(b)), lane_bit);
    return simde_mm256_castsi256_ps(simde_mm256_cmpeq_epi32(sel, lane_bit));
  }
  static std::size_t count(M m) { return Q::count(bits(m)); }
  static std::size_t first(M m) { return Q::first(bits(m)); }
  static std::ptrdiff_t last(M m) { return Q::last(bits(m)); }
  static bool any(M m) { return !simde_mm256_testz_ps(m, m); }
  static bool all(M m) { return simde_mm256_movemask_ps(m) == 0xFF; }

  static V select(M m, V t, V f) { return simde_mm256_blendv_ps(f, t, m); }
  static V masked_add(V acc, M m, V x) { return add(acc, simde_mm256_and_ps(m, x)); }
  // Inactive lanes divide 1 by 1, so they cannot raise divide-by-zero or invalid.
  static V masked_div(M m, V a, V x) {
    const V one = set1(1.0f);
    return simde_mm256_and_ps(m, div(select(m, a, one), select(m, x, one)));
  }

  static U set1_u32(std::uint32_t x) { return simde_mm256_set1_epi32(static_cast<int>(x)); }
  static U iota_u32() { return simde_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7); }
  static U add(U a, U b) { return simde_mm256_add_epi32(a, b); }
  static U sub(U a, U b) { return simde_mm256_sub_epi32(a, b); }
  static U mul(U a, U b) { return simde_mm256_mullo_epi32(a, b); }
  static U xor_(U a, U b) { return simde_mm256_xor_si256(a, b); }
  template <int n>
  static U srl(U a) { return simde_mm256_srli_epi32(a, n); }
  static V to_f32(U a) { return simde_mm256_cvtepi32_ps(a); }
};

}  // namespace simd
}  // namespace
}  // namespace MB_NS
