#include "peers/std_compress.hpp"

#include <algorithm>

namespace maskbench::bench::peers {

std::size_t std_copy_if_f32(const float* x, float* out, std::size_t n, float t) {
  return static_cast<std::size_t>(std::copy_if(x, x + n, out, [t](float v) { return v > t; }) - out);
}

std::size_t std_copy_if_u8(const std::uint8_t* x, std::uint8_t* out, std::size_t n, std::uint8_t c) {
  return static_cast<std::size_t>(std::copy_if(x, x + n, out, [c](std::uint8_t v) { return v != c; }) - out);
}

}  // namespace maskbench::bench::peers
