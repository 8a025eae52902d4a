#pragma once
// std::copy_if as the compress peer: what the standard library offers, built
// with the benchmark binary's ordinary flags (no -march).
#include <cstddef>
#include <cstdint>

namespace maskbench::bench::peers {

std::size_t std_copy_if_f32(const float* x, float* out, std::size_t n, float t);
std::size_t std_copy_if_u8(const std::uint8_t* x, std::uint8_t* out, std::size_t n, std::uint8_t c);

}  // namespace maskbench::bench::peers
