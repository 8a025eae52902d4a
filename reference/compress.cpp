// The scalar reference of the compress family, branch-free: every element is
// stored, to out + count when selected and to a local sink otherwise, so the
// loop has no data-dependent branch and never touches out[count, n). Compiled
// as `scalar` with auto-vectorization off, and as autovec-* at -O3 for each x86
// level: what the compiler makes of the same plain loops.
#include "maskbench/compress.hpp"
#include "simd/impl.hpp"

namespace MB_NS {
namespace {

template <class T, class Keep, class Value>
std::size_t compress_loop(std::size_t n, T* out, Keep keep, Value value) {
  std::size_t count = 0;
  T sink;
  for (std::size_t i = 0; i < n; ++i) {
    const bool k = keep(i);
    *(k ? out + count : &sink) = value(i);
    count += k;
  }
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

// The source pointer is redirected as well as the destination: reading
// src[count] for a clear lane could read past src's end.
std::size_t expand_f32(const float* src, const std::uint8_t* mask, float* out, std::size_t n) {
  std::size_t count = 0;
  const float zero = 0.0f;
  float sink;
  for (std::size_t i = 0; i < n; ++i) {
    const bool k = mask[i] != 0;
    *(k ? out + i : &sink) = *(k ? src + count : &zero);
    count += k;
  }
  return count;
}

constexpr maskbench::CompressVariant kVariants[] = {{"branch-free", compress_f32, compress_i32, compress_index}};
const char* chosen() { return kVariants[0].name; }

constexpr maskbench::CompressKernels kTable{compress_f32, compress_i32, compress_u8, compress_index,
                                            expand_f32,   kVariants,    chosen};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(compress, kTable)
