#pragma once
// Mask queries on a W-lane bitmask (bit i = lane i), with the Java Vector API's
// results for an empty mask: firstTrue() == W and lastTrue() == -1.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "maskbench/half.hpp"
#include "simd/impl.hpp"

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp
namespace simd {

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

// Partial loads and stores through a register-sized local copy, for levels
// without a masked load and store that qemu-user emulates faithfully (see
// ops_avx2.hpp): only p[0, k) is touched. T is float, Bf16 or F16; Load
// loads (and widens) W lanes from the copy.
template <class V, std::size_t W, class T, class Load>
inline V load_partial(const T* p, std::size_t k, Load load) {
  alignas(64) T lanes[W] = {};
  std::memcpy(lanes, p, k * sizeof(T));
  return load(lanes);
}
template <std::size_t W, class T, class V, class Store>
inline void store_partial(T* p, V v, std::size_t k, Store store) {
  alignas(64) T lanes[W];
  store(lanes, v);
  std::memcpy(p, lanes, k * sizeof(T));
}

// Lanes [0, k) of p widened one by one (maskbench/half.hpp), the rest 0: the
// widening loads of levels without a conversion instruction.
template <class V, std::size_t W, class T, class Load>
inline V widen_partial(const T* p, std::size_t k, Load load) {
  alignas(64) float lanes[W] = {};
  for (std::size_t i = 0; i < k; ++i) lanes[i] = maskbench::widen(p[i]);
  return load(lanes);
}

}  // namespace simd
}  // namespace
}  // namespace MB_NS
