#pragma once
// The binning rule of ties_histogram (maskbench/taskvec.hpp), once for the
// reference and every implementation: each counts the differences it has
// computed, in whatever blocks, through count_bin.
#include <cstdint>
#include <cstring>

#include "simd/impl.hpp"

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp

// Counts tau in hist: its magnitude key (the f32 bits, sign cleared) in bin
// key >> 16 when prefix < 0, else in bin key & 0xFFFF when key >> 16 ==
// prefix; a NaN magnitude is never counted.
inline void count_bin(float tau, std::int32_t prefix, std::uint64_t* hist) {
  std::uint32_t key;
  std::memcpy(&key, &tau, sizeof key);
  key &= 0x7FFFFFFFu;
  if (key > 0x7F800000u) return;
  if (prefix < 0)
    ++hist[key >> 16];
  else if ((key >> 16) == static_cast<std::uint32_t>(prefix))
    ++hist[key & 0xFFFFu];
}

}  // namespace
}  // namespace MB_NS
