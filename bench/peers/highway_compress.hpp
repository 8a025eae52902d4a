#pragma once
// Highway peers of compress_f32, with Highway's own dynamic dispatch:
// CompressStore (may write up to a whole vector past the count, so the caller
// leaves a vector of slack) and CompressBlendedStore (writes exactly the
// count, as maskbench's contract requires).
#include <cstddef>

namespace maskbench::bench::peers {

std::size_t highway_compress_store(const float* x, float* out, std::size_t n, float t);
std::size_t highway_compress_blended_store(const float* x, float* out, std::size_t n, float t);

}  // namespace maskbench::bench::peers
