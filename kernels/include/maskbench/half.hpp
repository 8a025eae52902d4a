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

// Always inlined: the SIMD levels that widen lane by lane (sse42, stdsimd)
// call these from ISA-flagged objects, where an out-of-line copy would be a
// weak definition the linker could keep for every caller (simd/impl.hpp).
[[gnu::always_inline]] inline float widen(float x) { return x; }
[[gnu::always_inline]] inline float widen(Bf16 x) { return std::bit_cast<float>(static_cast<std::uint32_t>(x.bits) << 16); }
// Exact for every value; a NaN stays a NaN of the same sign, quieted (as
// vcvtph2ps does).
[[gnu::always_inline]] inline float widen(F16 x) {
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

// Round to nearest even, as vcvtps2ph does under the default rounding: at
// or above 65520 in magnitude to infinity, below 2^-14 to a subnormal
// (multiples of 2^-24); NaN stays a quiet NaN of the same sign.
inline F16 to_f16(float x) {
  const std::uint32_t b = std::bit_cast<std::uint32_t>(x), a = b & 0x7FFFFFFFu;
  const auto sign = static_cast<std::uint16_t>((b >> 16) & 0x8000u);
  if (a > 0x7F800000u) return F16{static_cast<std::uint16_t>(sign | 0x7E00u | ((a >> 13) & 0x3FFu))};
  if (a >= 0x477FF000u) return F16{static_cast<std::uint16_t>(sign | 0x7C00u)};
  if (a >= 0x38800000u) {
    // Rebias the exponent (127 to 15) and round the 13 dropped bits; a carry
    // out of the fraction moves to the next binade, as it should.
    const std::uint32_t r = a - 0x38000000u;
    return F16{static_cast<std::uint16_t>(sign | ((r + 0xFFFu + ((r >> 13) & 1u)) >> 13))};
  }
  // |x| * 2^24 is exact; rounding it to an integer counts multiples of 2^-24
  // (1024 is the smallest normal, which the bits above spell the same way).
  return F16{static_cast<std::uint16_t>(sign | static_cast<std::uint16_t>(std::nearbyint(std::bit_cast<float>(a) * 0x1p24f)))};
}

}  // namespace maskbench
