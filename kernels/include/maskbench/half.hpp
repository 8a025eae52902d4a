#pragma once
// The 16-bit floating-point storage formats the kernels read, as checkpoints
// store them, and their exact widening to f32 (every bf16 and f16 value is an
// f32 value). The SIMD levels widen in registers (simd/ops_*.hpp); these
// scalar forms are the definition they are tested against.
#include <bit>
#include <cmath>
#include <cstdint>

namespace maskbench {

// bfloat16: the upper 16 bits of an f32.
struct Bf16 {
  std::uint16_t bits;
};
// IEEE 754 binary16: 1 sign, 5 exponent (bias 15) and 10 fraction bits.
struct F16 {
  std::uint16_t bits;
};

inline float widen(float x) { return x; }
inline float widen(Bf16 x) { return std::bit_cast<float>(static_cast<std::uint32_t>(x.bits) << 16); }
// Exact for every value; a NaN stays a NaN of the same sign, quieted (as
// vcvtph2ps does).
inline float widen(F16 x) {
  const std::uint32_t sign = static_cast<std::uint32_t>(x.bits & 0x8000u) << 16;
  const std::uint32_t exp = (x.bits >> 10) & 0x1Fu, frac = x.bits & 0x3FFu;
  if (exp == 0x1F) return std::bit_cast<float>(sign | 0x7F800000u | (frac << 13) | (frac ? 0x400000u : 0u));
  // Normal: rebias the exponent. Subnormal (and zero): frac * 2^-24, exact.
  const float magnitude = exp != 0 ? std::bit_cast<float>(((exp + 112) << 23) | (frac << 13))
                                   : static_cast<float>(frac) * 0x1p-24f;
  return std::bit_cast<float>(sign | std::bit_cast<std::uint32_t>(magnitude));
}

// Round to nearest even; NaN stays a quiet NaN of the same sign.
inline Bf16 to_bf16(float x) {
  const std::uint32_t b = std::bit_cast<std::uint32_t>(x);
  if (std::isnan(x)) return Bf16{static_cast<std::uint16_t>((b >> 16) | 0x40)};
  return Bf16{static_cast<std::uint16_t>((b + 0x7FFF + ((b >> 16) & 1)) >> 16)};
}

}  // namespace maskbench
