#pragma once
// Task-vector helpers over the level's F32 ops: loading f32 or bf16 into f32
// lanes (bf16 widened in registers, exactly: its bits become the upper half
// of each lane), tails through a zero-filled local copy so that no load passes
// the end of an array, and a multiply-add that is fused where the level has
// FMA (the Gram contract is a bound, not bit-exactness).
#include <cstring>

#include "maskbench/taskvec.hpp"
#include "simd/ops.hpp"

#if defined(MB_LEVEL_avx2)
#include <simde/x86/fma.h>
#elif defined(MB_LEVEL_avx512)
#include "simd/avx512_shim.hpp"
#endif

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp
namespace taskvec {

using maskbench::Bf16;
using O = simd::F32;
using V = O::V;
using M = O::M;
inline constexpr std::size_t W = O::W;

inline V widen_bf16(const Bf16* p) {
#if defined(MB_LEVEL_sse42)
  const simde__m128i h = simde_mm_loadl_epi64(reinterpret_cast<const simde__m128i*>(p));
  return simde_mm_castsi128_ps(simde_mm_unpacklo_epi16(simde_mm_setzero_si128(), h));
#elif defined(MB_LEVEL_avx2)
  const simde__m128i h = simde_mm_loadu_si128(reinterpret_cast<const simde__m128i*>(p));
  return simde_mm256_castsi256_ps(simde_mm256_slli_epi32(simde_mm256_cvtepu16_epi32(h), 16));
#elif defined(MB_LEVEL_avx512) && defined(MB_AVX512_NATIVE)
  const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  // The zero-masked forms: GCC 12 warns about the undefined source register of
  // the plain ones.
  return _mm512_castsi512_ps(_mm512_maskz_slli_epi32(0xFFFF, _mm512_maskz_cvtepu16_epi32(0xFFFF, h), 16));
#elif defined(MB_LEVEL_avx512)
  // simde 0.7.4 has no _mm512_cvtepu16_epi32: widen lane by lane.
  std::uint32_t lanes[W];
  for (std::size_t i = 0; i < W; ++i) lanes[i] = static_cast<std::uint32_t>(p[i].bits) << 16;
  V v;
  std::memcpy(&v, lanes, sizeof v);
  return v;
#else
  return V([p](auto i) { return maskbench::widen(p[static_cast<std::size_t>(i)]); });
#endif
}

inline V load(const float* p) { return O::loadu(p); }
inline V load(const Bf16* p) { return widen_bf16(p); }

// Lanes [0, k) of p, k < W; the other lanes are 0.
template <class T>
inline V load_tail(const T* p, std::size_t k) {
  T lanes[W] = {};
  std::memcpy(lanes, p, k * sizeof(T));
  return load(lanes);
}

// W lanes at p + i when that many remain before `end`, else the tail.
template <class T>
inline V load_at(const T* p, std::size_t i, std::size_t end) {
  return i + W <= end ? load(p + i) : load_tail(p + i, end - i);
}

// a*b + c.
inline V madd(V a, V b, V c) {
#if defined(MB_LEVEL_avx2)
  return simde_mm256_fmadd_ps(a, b, c);
#elif defined(MB_LEVEL_avx512)
  return simde_mm512_fmadd_ps(a, b, c);
#else
  return O::add(O::mul(a, b), c);
#endif
}

// The lanes of v summed in double, in lane order.
inline double lane_sum(V v) {
  float lanes[W];
  O::storeu(lanes, v);
  double s = 0.0;
  for (float x : lanes) s += x;
  return s;
}

}  // namespace taskvec
}  // namespace
}  // namespace MB_NS
