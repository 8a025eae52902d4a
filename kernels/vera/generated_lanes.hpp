#pragma once
// The VeRA generator (maskbench/vera.hpp, steps 2 to 4) a vector of columns
// at a time, over any op set with the u32 lanes of simd/ops.hpp or
// simd/scalable.hpp (iota, add, xor, mul, srl, to_f32): the fixed-width and
// the scalable levels compute the same bits.
#include <cstdint>

#include "maskbench/vera.hpp"
#include "simd/impl.hpp"

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp

// Elements (row, col0 + lane) of the matrix whose row key is `key`.
template <class O>
inline typename O::V vera_generated(maskbench::VeraRowKey key, float scale, std::uint32_t col0) {
  typename O::U x = O::add(O::iota_u32(), O::set1_u32(col0 + key.lo));
  x = O::xor_(x, O::template srl<16>(x));
  x = O::mul(x, O::set1_u32(maskbench::kVeraMul1));
  x = O::xor_(x, O::set1_u32(key.hi));
  x = O::xor_(x, O::template srl<15>(x));
  x = O::mul(x, O::set1_u32(maskbench::kVeraMul2));
  x = O::xor_(x, O::template srl<15>(x));
  // vera_centered24: (x >> 8) - 2^23, exact in f32.
  return O::mul(O::to_f32(O::sub(O::template srl<8>(x), O::set1_u32(0x800000))), O::set1(scale));
}

}  // namespace
}  // namespace MB_NS
