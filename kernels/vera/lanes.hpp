#pragma once
// What the VeRA kernels need per level beyond simd/ops.hpp: multiply-add
// (fused where the level has FMA, two roundings where it has not: the
// contract's depth covers both), exact bf16 widening with tails that touch
// only their lanes, and the 32-bit integer lanes of the seeded generator.
//   fmadd(a, b, c) = a*b + c
//   load_bf16(p) / load_bf16_tail(p, k): W (or k < W, the rest 0) bf16 as f32
//   I: W lanes of uint32; set1, iota (0..W-1), add, xor_, srl<n>, mul (low 32 bits)
//   centered24(x): float((x >> 8) - 2^23) per lane, exact
#include <bit>
#include <cstring>

#include "simd/ops.hpp"

#if defined(MB_LEVEL_avx2)
#include <simde/x86/fma.h>
#endif

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp
namespace vera {

#if defined(MB_LEVEL_avx512)
struct Lanes {
  using F = simd::F32;
  using V = F::V;
  using I = simde__m512i;

  static V fmadd(V a, V b, V c) { return simde_mm512_fmadd_ps(a, b, c); }
  // simde 0.7.4 has no _mm512_cvtepu16_epi32 and no masked 16-bit load.
  // Natively, the maskz forms with a full mask: the same instructions, but
  // the plain forms trip GCC 12's -Wmaybe-uninitialized on their
  // _mm512_undefined_epi32 (GCC bug 105593).
  static constexpr simde__mmask16 kAll = 0xFFFF;
  static V widen(simde__m256i h) {
#if defined(MB_AVX512_NATIVE)
    return _mm512_castsi512_ps(_mm512_maskz_slli_epi32(kAll, _mm512_maskz_cvtepu16_epi32(kAll, h), 16));
#else
    std::uint16_t in[16];
    std::uint32_t out[16];
    std::memcpy(in, &h, sizeof in);
    for (int i = 0; i < 16; ++i) out[i] = static_cast<std::uint32_t>(in[i]) << 16;
    V v;
    std::memcpy(&v, out, sizeof v);
    return v;
#endif
  }
  static V load_bf16(const std::uint16_t* p) { return widen(simde_mm256_loadu_si256(reinterpret_cast<const simde__m256i*>(p))); }
  static V load_bf16_tail(const std::uint16_t* p, std::size_t k) {
#if defined(MB_AVX512_NATIVE)
    return widen(_mm256_maskz_loadu_epi16(F::tail(k), p));
#else
    return widen(simd::shim::masked_lanes_load(simde_mm256_setzero_si256(), F::tail(k), p));
#endif
  }
  static I set1(std::uint32_t v) { return simde_mm512_set1_epi32(static_cast<int>(v)); }
  static I iota() { return simde_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15); }
  static I add(I a, I b) { return simde_mm512_add_epi32(a, b); }
  static I xor_(I a, I b) { return simde_mm512_xor_si512(a, b); }
  template <int n>
  static I srl(I a) {
#if defined(MB_AVX512_NATIVE)
    return _mm512_maskz_srli_epi32(kAll, a, n);
#else
    return simde_mm512_srli_epi32(a, n);
#endif
  }
  // simde 0.7.4's portable mullo multiplies the lanes as signed int, which is
  // undefined on the wraparound the generator relies on (UBSan finds it);
  // emulated, multiply as unsigned, which wraps by definition.
  static I mul(I a, I b) {
#if defined(MB_AVX512_NATIVE)
    return _mm512_mullo_epi32(a, b);
#else
    std::uint32_t x[16], y[16];
    std::memcpy(x, &a, sizeof x);
    std::memcpy(y, &b, sizeof y);
    for (int i = 0; i < 16; ++i) x[i] *= y[i];
    I r;
    std::memcpy(&r, x, sizeof r);
    return r;
#endif
  }
  // simde 0.7.4 has no _mm512_cvtepi32_ps: convert unsigned, then center.
  static V centered24(I x) {
#if defined(MB_AVX512_NATIVE)
    const V u = _mm512_maskz_cvtepu32_ps(kAll, srl<8>(x));
#else
    const V u = simde_mm512_cvtepu32_ps(srl<8>(x));
#endif
    return F::sub(u, F::set1(8388608.0f));
  }
};

#elif defined(MB_LEVEL_avx2) || defined(MB_LEVEL_sse42)
#if defined(MB_LEVEL_avx2)
#define MB_VERA_EPI(op) simde_mm256_##op
#else
#define MB_VERA_EPI(op) simde_mm_##op
#endif
struct Lanes {
  using F = simd::F32;
  using V = F::V;
  static constexpr std::size_t W = F::W;
  using I = decltype(MB_VERA_EPI(set1_epi32)(0));

#if defined(MB_LEVEL_avx2)
  static V fmadd(V a, V b, V c) { return simde_mm256_fmadd_ps(a, b, c); }
  static V load_bf16(const std::uint16_t* p) {
    return simde_mm256_castsi256_ps(simde_mm256_slli_epi32(simde_mm256_cvtepu16_epi32(simde_mm_loadu_si128(reinterpret_cast<const simde__m128i*>(p))), 16));
  }
  static I iota() { return simde_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7); }
  static I xor_(I a, I b) { return simde_mm256_xor_si256(a, b); }
#else
  static V fmadd(V a, V b, V c) { return F::add(F::mul(a, b), c); }
  static V load_bf16(const std::uint16_t* p) {
    return simde_mm_castsi128_ps(simde_mm_slli_epi32(simde_mm_cvtepu16_epi32(simde_mm_loadl_epi64(reinterpret_cast<const simde__m128i*>(p))), 16));
  }
  static I iota() { return simde_mm_setr_epi32(0, 1, 2, 3); }
  static I xor_(I a, I b) { return simde_mm_xor_si128(a, b); }
#endif
  // No 16-bit masked load below AVX-512: copy the k lanes to a zeroed local.
  static V load_bf16_tail(const std::uint16_t* p, std::size_t k) {
    std::uint16_t lanes[W] = {};
    std::memcpy(lanes, p, k * sizeof(std::uint16_t));
    return load_bf16(lanes);
  }
  static I set1(std::uint32_t v) { return MB_VERA_EPI(set1_epi32)(static_cast<int>(v)); }
  static I add(I a, I b) { return MB_VERA_EPI(add_epi32)(a, b); }
  template <int n>
  static I srl(I a) { return MB_VERA_EPI(srli_epi32)(a, n); }
  static I mul(I a, I b) { return MB_VERA_EPI(mullo_epi32)(a, b); }
  static V centered24(I x) { return MB_VERA_EPI(cvtepi32_ps)(MB_VERA_EPI(sub_epi32)(srl<8>(x), set1(0x800000))); }
};
#undef MB_VERA_EPI

#elif defined(MB_LEVEL_stdsimd)
struct Lanes {
  using F = simd::F32;
  using V = F::V;
  using I = simd::stdx::rebind_simd_t<std::uint32_t, V>;
  using S = simd::stdx::rebind_simd_t<std::int32_t, V>;

  // std::experimental::fma may fall back to a per-lane libm call: two
  // roundings instead, as the contract allows.
  static V fmadd(V a, V b, V c) { return a * b + c; }
  static V load_bf16(const std::uint16_t* p) {
    return V([p](auto i) { return std::bit_cast<float>(static_cast<std::uint32_t>(p[i]) << 16); });
  }
  static V load_bf16_tail(const std::uint16_t* p, std::size_t k) {
    return V([p, k](auto i) {
      return i < k ? std::bit_cast<float>(static_cast<std::uint32_t>(p[i]) << 16) : 0.0f;
    });
  }
  static I set1(std::uint32_t v) { return I(v); }
  static I iota() {
    return I([](auto i) { return static_cast<std::uint32_t>(i); });
  }
  static I add(I a, I b) { return a + b; }
  static I xor_(I a, I b) { return a ^ b; }
  template <int n>
  static I srl(I a) { return a >> n; }
  static I mul(I a, I b) { return a * b; }
  static V centered24(I x) {
    return simd::stdx::static_simd_cast<V>(simd::stdx::static_simd_cast<S>(x >> 8) - S(0x800000));
  }
};
#endif

}  // namespace vera
}  // namespace
}  // namespace MB_NS
