#pragma once
// The compress family's scalar kernels around one selection loop: the
// branch-free reference (compress.cpp) and the branchy variant
// (compress_branchy.cpp) differ only in how `Loop` stores a selected element
// and how it expands, so the kernels and the table are written once here.
// Included inside an implementation's namespace (MB_NS, anonymous).
//
// Loop provides: kName (the variant's name), loop(n, out, keep, value) -> the
// count of i < n with keep(i), value(i) stored to out in order, and
// expand_f32 as CompressKernels states it.
template <class Loop>
struct ScalarCompress {
  static std::size_t f32(const float* x, float* out, std::size_t n, float t) {
    return Loop::loop(n, out, [=](std::size_t i) { return x[i] > t; }, [=](std::size_t i) { return x[i]; });
  }
  static std::size_t i32(const std::int32_t* x, std::int32_t* out, std::size_t n, std::int32_t t) {
    return Loop::loop(n, out, [=](std::size_t i) { return x[i] > t; }, [=](std::size_t i) { return x[i]; });
  }
  static std::size_t u8(const std::uint8_t* x, std::uint8_t* out, std::size_t n, std::uint8_t c) {
    return Loop::loop(n, out, [=](std::size_t i) { return x[i] != c; }, [=](std::size_t i) { return x[i]; });
  }
  static std::size_t index(const float* x, std::uint32_t* out, std::size_t n, float t) {
    return Loop::loop(n, out, [=](std::size_t i) { return x[i] > t; },
                      [](std::size_t i) { return static_cast<std::uint32_t>(i); });
  }
  static const char* chosen() { return Loop::kName; }

  static constexpr maskbench::CompressVariant kVariants[] = {{Loop::kName, f32, i32, index}};
  static constexpr maskbench::CompressKernels kTable{f32, i32, u8, index, Loop::expand_f32, kVariants, chosen};
};
