#pragma once
// AVX-512 F/VL/BW/DQ ops (simde API); the op set is stated in ops.hpp, and
// this level adds the memory ops under an arbitrary mask and compress/expand,
// which its compress kernels use. Masks are __mmask16 registers, tails are
// masked loads and stores, masked division suppresses exceptions in inactive
// lanes.
//
// The same source builds avx512-emu (MB_EMULATE: simde's portable fallbacks
// on any CPU). Where Debian's simde 0.7.4 lacks an operation, or its fallback
// would compute or load every lane and blend afterwards (reading past a
// buffer, raising floating-point exceptions the native instruction
// suppresses), the emulated form below works lane by lane on the active lanes
// only.
#include <cstring>

#include <simde/x86/avx512.h>

#include "simd/mask_bits.hpp"

#if defined(SIMDE_X86_AVX512F_NATIVE) && !defined(MB_EMULATE)
#define MB_AVX512_NATIVE 1
#endif

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp
namespace simd {

#if !defined(MB_AVX512_NATIVE)
namespace emulated {
template <class T, class V, class Mask>
inline V masked_load(V src, Mask k, const T* p) {
  constexpr int lanes = sizeof(V) / sizeof(T);
  T out[lanes];
  std::memcpy(out, &src, sizeof(V));
  for (int i = 0; i < lanes; ++i)
    if ((k >> i) & 1) out[i] = p[i];
  V v;
  std::memcpy(&v, out, sizeof(V));
  return v;
}
template <class T, class V, class Mask>
inline void masked_store(T* p, Mask k, V v) {
  constexpr int lanes = sizeof(V) / sizeof(T);
  T in[lanes];
  std::memcpy(in, &v, sizeof(V));
  for (int i = 0; i < lanes; ++i)
    if ((k >> i) & 1) p[i] = in[i];
}
// f(a[i], b[i]) for 16 lanes of A, as R.
template <class R, class A, class V, class F>
inline R lanewise(V a, V b, F f) {
  A x[16], y[16];
  std::memcpy(x, &a, sizeof x);
  std::memcpy(y, &b, sizeof y);
  decltype(f(x[0], y[0])) out[16];
  for (int i = 0; i < 16; ++i) out[i] = f(x[i], y[i]);
  R r;
  std::memcpy(&r, out, sizeof r);
  return r;
}
}  // namespace emulated
#endif

struct Ops {
  static constexpr std::size_t W = 16;
#if defined(MB_AVX512_NATIVE)
  static constexpr bool kMaskRegisters = true;
#else
  static constexpr bool kMaskRegisters = false;
#endif
  using V = simde__m512;
  using M = simde__mmask16;
  using U = simde__m512i;
  using Q = MaskBits<W>;
  // Natively the zero-masked forms of some instructions are used with a full
  // mask: the same instructions, but the plain forms trip GCC 12's
  // -Wmaybe-uninitialized on their _mm512_undefined_* (GCC bug 105593).
  static constexpr M kAll = 0xFFFF;

  static V loadu(const float* p) { return simde_mm512_loadu_ps(p); }
  static V loadu(const maskbench::Bf16* p) {
#if defined(MB_AVX512_NATIVE)
    return widen_bf16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
#else
    return widen_partial<V, W>(p, W, load_aligned);
#endif
  }
  static V loadu(const maskbench::F16* p) {
#if defined(MB_AVX512_NATIVE)
    return _mm512_maskz_cvtph_ps(kAll, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
#else
    return widen_partial<V, W>(p, W, load_aligned);
#endif
  }
  static void storeu(float* p, V v) { simde_mm512_storeu_ps(p, v); }
  // simde 0.7.4 has no 512-bit stream: the emulated level stores plainly.
  static void stream(float* p, V v) {
#if defined(MB_AVX512_NATIVE)
    _mm512_stream_ps(p, v);
#else
    simde_mm512_store_ps(p, v);
#endif
  }
  static void stream_fence() { simde_mm_sfence(); }
  static V load_tail(const float* p, std::size_t k) { return load_masked(tail(k), p); }
  static V load_tail(const maskbench::Bf16* p, std::size_t k) {
#if defined(MB_AVX512_NATIVE)
    return widen_bf16(_mm256_maskz_loadu_epi16(tail(k), p));
#else
    return widen_partial<V, W>(p, k, load_aligned);
#endif
  }
  static V load_tail(const maskbench::F16* p, std::size_t k) {
#if defined(MB_AVX512_NATIVE)
    return _mm512_maskz_cvtph_ps(kAll, _mm256_maskz_loadu_epi16(tail(k), p));
#else
    return widen_partial<V, W>(p, k, load_aligned);
#endif
  }
  static void store_tail(float* p, V v, std::size_t k) { store_masked(p, tail(k), v); }

  // Lanes of p selected by m, the others 0; only the selected lanes are read.
  static V load_masked(M m, const float* p) {
#if defined(MB_AVX512_NATIVE)
    return _mm512_maskz_loadu_ps(m, p);
#else
    return emulated::masked_load(simde_mm512_setzero_ps(), m, p);
#endif
  }
  // Writes the lanes of v selected by m, nothing else.
  static void store_masked(float* p, M m, V v) {
#if defined(MB_AVX512_NATIVE)
    _mm512_mask_storeu_ps(p, m, v);
#else
    emulated::masked_store(p, m, v);
#endif
  }
  // The lanes of v selected by m, packed to the lowest lanes, the rest 0.
  static V compress(M m, V v) { return simde_mm512_maskz_compress_ps(m, v); }
  // Writes the lanes of v selected by m packed to p[0, count(m)), nothing else
  // (simde's fallback writes exactly that many too).
  static void compress_store(float* p, M m, V v) { simde_mm512_mask_compressstoreu_ps(p, m, v); }
  // Lanes selected by m take p[0, count(m)) in order, the others 0; reads
  // exactly count(m) floats.
  static V expand_load(M m, const float* p) {
#if defined(MB_AVX512_NATIVE)
    return _mm512_maskz_expandloadu_ps(m, p);
#else
    alignas(64) float lanes[W] = {};
    std::size_t j = 0;
    for (std::size_t i = 0; i < W; ++i)
      if ((m >> i) & 1) lanes[i] = p[j++];
    return load_aligned(lanes);
#endif
  }

  static V set1(float x) { return simde_mm512_set1_ps(x); }
  static V zero() { return simde_mm512_setzero_ps(); }
  static V add(V a, V b) { return simde_mm512_add_ps(a, b); }
  static V sub(V a, V b) { return simde_mm512_sub_ps(a, b); }
  static V mul(V a, V b) { return simde_mm512_mul_ps(a, b); }
  static V div(V a, V b) { return simde_mm512_div_ps(a, b); }
  static V fmadd(V a, V b, V c) { return simde_mm512_fmadd_ps(a, b, c); }
  static float reduce_add(V v) {
    simde__m256 q = simde_mm256_add_ps(lower256(v), upper256(v));
    simde__m128 h = simde_mm_add_ps(simde_mm256_castps256_ps128(q), simde_mm256_extractf128_ps(q, 1));
    h = simde_mm_add_ps(h, simde_mm_movehl_ps(h, h));
    h = simde_mm_add_ss(h, simde_mm_shuffle_ps(h, h, 1));
    return simde_mm_cvtss_f32(h);
  }

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
  static bool all(M m) { return m == kAll; }

  static V select(M m, V t, V f) { return simde_mm512_mask_blend_ps(m, f, t); }
  static V masked_add(V acc, M m, V x) { return simde_mm512_mask_add_ps(acc, m, acc, x); }
  // clang implements _mm512_maskz_div_ps as an unmasked division followed by a
  // select, and with floating-point exceptions honoured it does not fold the
  // two back into one masked vdivps, so the masked-off lanes would divide (and
  // raise) after all. Under clang, inactive lanes divide 1 by 1 instead.
  static V masked_div(M m, V a, V x) {
#if defined(MB_AVX512_NATIVE) && !defined(__clang__)
    return _mm512_maskz_div_ps(m, a, x);
#elif defined(MB_AVX512_NATIVE)
    const __m512 one = _mm512_set1_ps(1.0f);
    return _mm512_maskz_mov_ps(m, _mm512_div_ps(_mm512_mask_blend_ps(m, one, a), _mm512_mask_blend_ps(m, one, x)));
#else
    float av[W], xv[W];
    alignas(64) float out[W] = {};
    std::memcpy(av, &a, sizeof a);
    std::memcpy(xv, &x, sizeof x);
    for (std::size_t i = 0; i < W; ++i)
      if ((m >> i) & 1) out[i] = av[i] / xv[i];
    return load_aligned(out);
#endif
  }

  static U set1_u32(std::uint32_t x) { return simde_mm512_set1_epi32(static_cast<int>(x)); }
  static U iota_u32() { return simde_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15); }
  static U add(U a, U b) { return simde_mm512_add_epi32(a, b); }
  static U sub(U a, U b) { return simde_mm512_sub_epi32(a, b); }
  static U xor_(U a, U b) { return simde_mm512_xor_si512(a, b); }
  template <int n>
  static U srl(U a) {
#if defined(MB_AVX512_NATIVE)
    return _mm512_maskz_srli_epi32(kAll, a, n);
#else
    return simde_mm512_srli_epi32(a, n);
#endif
  }
  // simde 0.7.4's portable mullo multiplies the lanes as signed int, which is
  // undefined on wraparound (UBSan finds it); emulated, multiply as unsigned,
  // which wraps by definition.
  static U mul(U a, U b) {
#if defined(MB_AVX512_NATIVE)
    return _mm512_mullo_epi32(a, b);
#else
    return emulated::lanewise<U, std::uint32_t>(a, b, [](std::uint32_t x, std::uint32_t y) { return x * y; });
#endif
  }
  // simde 0.7.4 has no _mm512_cvtepi32_ps.
  static V to_f32(U a) {
#if defined(MB_AVX512_NATIVE)
    return _mm512_maskz_cvtepi32_ps(kAll, a);
#else
    return emulated::lanewise<V, std::int32_t>(a, a, [](std::int32_t x, std::int32_t) { return static_cast<float>(x); });
#endif
  }

  static V load_aligned(const float* p) { return simde_mm512_load_ps(p); }
#if defined(MB_AVX512_NATIVE)
  // bf16 is the upper half of an f32 (simde 0.7.4 has no _mm512_cvtepu16_epi32).
  static V widen_bf16(__m256i h) {
    return _mm512_castsi512_ps(_mm512_maskz_slli_epi32(kAll, _mm512_maskz_cvtepu16_epi32(kAll, h), 16));
  }
#endif
  // GCC 12's own _mm512_castps512_ps256 trips its -Wuninitialized (an
  // _mm512_undefined inside its header), so extract instead; simde 0.7.4 lacks
  // _mm512_extractf32x8_ps.
  static simde__m256 lower256(V v) {
#if defined(MB_AVX512_NATIVE)
    return _mm512_extractf32x8_ps(v, 0);
#else
    return simde_mm512_castps512_ps256(v);
#endif
  }
  static simde__m256 upper256(V v) {
#if defined(MB_AVX512_NATIVE)
    return _mm512_extractf32x8_ps(v, 1);
#else
    return simde_mm256_castpd_ps(simde_mm512_extractf64x4_pd(simde_mm512_castps_pd(v), 1));
#endif
  }
};

}  // namespace simd
}  // namespace
}  // namespace MB_NS
