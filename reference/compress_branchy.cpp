// The compress family as most code writes it: an if per element. Its speed
// depends on how well the branch predicts, so its benchmarks show the cost of
// mispredictions across selectivities next to the branch-free reference.
#include "maskbench/compress.hpp"
#include "simd/impl.hpp"

namespace MB_NS {
namespace {

template <class T, class Keep, class Value>
std::size_t compress_loop(std::size_t n, T* out, Keep keep, Value value) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (keep(i)) out[count++] = value(i);
  return count;
}

std::size_t compress_f32(const float* x, float* out, std::size_t n, float t) {
  return compress_loop(n, out, [=](std::size_t i) { return x[i] > t; }, [=](std::size_t i) { return x[i]; });
}

std::size_t compress_i32(const std::int32_t* x, std::int32_t* out, std::size_t n, std::int32_t t) {
  return compress_loop(n, out, [=](std::size_t i) { return x[i] > t; }, [=](std::size_t i) { return x[i]; });
}

std::size_t compress_u8(const std::uint8_t* x, std::uint8_t* out, std::size_t n, std::uint8_t c) {
  return compress_loop(n, out, [=](std::size_t i) { return x[i] != c; }, [=](std::size_t i) { return x[i]; });
}

std::size_t compress_index(const float* x, std::uint32_t* out, std::size_t n, float t) {
  return compress_loop(n, out, [=](std::size_t i) { return x[i] > t; },
                       [](std::size_t i) { return static_cast<std::uint32_t>(i); });
}

std::size_t expand_f32(const float* src, const std::uint8_t* mask, float* out, std::size_t n) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (mask[i] != 0) out[i] = src[count++];
  return count;
}

constexpr maskbench::CompressVariant kVariants[] = {{"branchy", compress_f32, compress_i32, compress_index}};
const char* chosen() { return kVariants[0].name; }

constexpr maskbench::CompressKernels kTable{compress_f32, compress_i32, compress_u8, compress_index,
                                            expand_f32,   kVariants,    chosen};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(compress, kTable)
