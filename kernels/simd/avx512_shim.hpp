#pragma once
// Fills the gaps in Debian's simde 0.7.4 for the AVX-512 operations the
// kernels use. With AVX-512 enabled each function is the native instruction.
// Without it (avx512-emu), each one touches only the active lanes: simde's own
// fallbacks for masked loads and masked arithmetic compute or load every lane
// and blend afterwards, which would read past a buffer and raise floating-point
// exceptions that the native instruction suppresses.
#include <cstring>

#include <simde/x86/avx512.h>

#include "simd/impl.hpp"

#if defined(SIMDE_X86_AVX512F_NATIVE) && !defined(MB_EMULATE)
#define MB_AVX512_NATIVE 1
#endif

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp
namespace simd::shim {

#if !defined(MB_AVX512_NATIVE)
template <class T, class V, class Mask>
inline V masked_lanes_load(V src, Mask k, const T* p) {
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
inline void masked_lanes_store(T* p, Mask k, V v) {
  constexpr int lanes = sizeof(V) / sizeof(T);
  T in[lanes];
  std::memcpy(in, &v, sizeof(V));
  for (int i = 0; i < lanes; ++i)
    if ((k >> i) & 1) p[i] = in[i];
}
#endif

inline simde__m512 maskz_loadu_ps(simde__mmask16 k, const float* p) {
#if defined(MB_AVX512_NATIVE)
  return _mm512_maskz_loadu_ps(k, p);
#else
  return masked_lanes_load(simde_mm512_setzero_ps(), k, p);
#endif
}

inline void mask_storeu_ps(float* p, simde__mmask16 k, simde__m512 v) {
#if defined(MB_AVX512_NATIVE)
  _mm512_mask_storeu_ps(p, k, v);
#else
  masked_lanes_store(p, k, v);
#endif
}

// clang implements _mm512_maskz_div_ps as an unmasked division followed by a
// select, and with floating-point exceptions honoured it does not fold the two
// back into one masked vdivps, so the masked-off lanes would divide (and raise)
// after all. Under clang, inactive lanes divide 1 by 1 instead.
inline simde__m512 maskz_div_ps(simde__mmask16 k, simde__m512 a, simde__m512 b) {
#if defined(MB_AVX512_NATIVE) && !defined(__clang__)
  return _mm512_maskz_div_ps(k, a, b);
#elif defined(MB_AVX512_NATIVE)
  const __m512 one = _mm512_set1_ps(1.0f);
  return _mm512_maskz_mov_ps(k, _mm512_div_ps(_mm512_mask_blend_ps(k, one, a), _mm512_mask_blend_ps(k, one, b)));
#else
  float av[16], bv[16], out[16] = {};
  std::memcpy(av, &a, sizeof a);
  std::memcpy(bv, &b, sizeof b);
  for (int i = 0; i < 16; ++i)
    if ((k >> i) & 1) out[i] = av[i] / bv[i];
  simde__m512 r;
  std::memcpy(&r, out, sizeof r);
  return r;
#endif
}

// The lower 256 bits. GCC 12's own _mm512_castps512_ps256 trips its
// -Wuninitialized (an _mm512_undefined inside its header), so extract instead.
inline simde__m256 lower256(simde__m512 v) {
#if defined(MB_AVX512_NATIVE)
  return _mm512_extractf32x8_ps(v, 0);
#else
  return simde_mm512_castps512_ps256(v);
#endif
}

// The upper 256 bits; simde 0.7.4 lacks _mm512_extractf32x8_ps.
inline simde__m256 upper256(simde__m512 v) {
#if defined(MB_AVX512_NATIVE)
  return _mm512_extractf32x8_ps(v, 1);
#else
  return simde_mm256_castpd_ps(simde_mm512_extractf64x4_pd(simde_mm512_castps_pd(v), 1));
#endif
}

}  // namespace simd::shim
}  // namespace
}  // namespace MB_NS
