#pragma once
// Mask queries on a W-lane bitmask (bit i = lane i), with the Java Vector API's
// results for an empty mask: firstTrue() == W and lastTrue() == -1.
#include <bit>
#include <cstddef>
#include <cstdint>

#include "simd/impl.hpp"

namespace MB_NS::simd {

template <std::size_t W>
struct MaskBits {
  static constexpr std::uint64_t kAll = W == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << W) - 1;
  static std::size_t count(std::uint64_t b) { return static_cast<std::size_t>(std::popcount(b)); }
  static std::size_t first(std::uint64_t b) { return b ? static_cast<std::size_t>(std::countr_zero(b)) : W; }
  static std::ptrdiff_t last(std::uint64_t b) { return b ? 63 - std::countl_zero(b) : -1; }
  static bool any(std::uint64_t b) { return b != 0; }
  static bool all(std::uint64_t b) { return (b & kAll) == kAll; }
  static std::uint64_t tail(std::size_t k) { return k >= W ? kAll : (std::uint64_t{1} << k) - 1; }
};

}  // namespace MB_NS::simd
