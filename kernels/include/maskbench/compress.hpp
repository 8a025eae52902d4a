#pragma once
// Filtering / stream compaction: keep the elements a predicate selects, in
// order (the Java Vector API's compress(mask), AVX-512's vcompress), the
// indices of the selected elements, and the inverse, expand.
//
// Common contract, every kernel and implementation:
// - any n >= 0 (n < 2^32 for compress_index) and any alignment of the
//   element type; inputs and outputs do not overlap;
// - a compress kernel returns count, the number of selected elements, and
//   writes exactly out[0, count): it never writes, and never reads, out[count,
//   n), not even to store back what was there (stricter than Highway's
//   CompressStore, which may write a whole vector past the count). out holds
//   n elements and the kernel relies on nothing past out + n;
// - it reads x[0, n) and nothing else, so an input that ends at an unmapped
//   page is fine;
// - comparisons are IEEE: a NaN never satisfies >, and -0.0 > +0.0 is false;
// - results are bit-exact against the scalar reference (the values are moved,
//   never computed, so NaN payloads survive too).
#include <cstddef>
#include <cstdint>
#include <span>

#include "maskbench/entry_point.hpp"
namespace maskbench {

// One way of compressing 32-bit lanes. Implementations with more than one
// (avx2: permutation table or pdep/pext; avx512: vcompress to a register plus
// a masked store, or vcompress straight to memory) list each, so that both can
// be benchmarked and tested; the table's own kernels use the chosen one.
struct CompressVariant {
  const char* name;
  std::size_t (*compress_f32)(const float* x, float* out, std::size_t n, float t);
  std::size_t (*compress_i32)(const std::int32_t* x, std::int32_t* out, std::size_t n, std::int32_t t);
  std::size_t (*compress_index)(const float* x, std::uint32_t* out, std::size_t n, float t);
};

struct CompressKernels {
  static constexpr const char* kFamily = "compress";

  // out = [x[i] for i in [0, n) if x[i] > t], returns the count.
  std::size_t (*compress_f32)(const float* x, float* out, std::size_t n, float t);
  // As compress_f32, signed comparison.
  std::size_t (*compress_i32)(const std::int32_t* x, std::int32_t* out, std::size_t n, std::int32_t t);
  // out = [x[i] for i in [0, n) if x[i] != c], as in removing spaces from
  // text; returns the count.
  std::size_t (*compress_u8)(const std::uint8_t* x, std::uint8_t* out, std::size_t n, std::uint8_t c);
  // out = [i for i in [0, n) if x[i] > t] as u32 (numpy's flatnonzero(x > t)),
  // returns the count.
  std::size_t (*compress_index)(const float* x, std::uint32_t* out, std::size_t n, float t);

  // The inverse of compress: the mask is the byte array mask[0, n), lane i set
  // where mask[i] != 0 (any nonzero byte, as a bool array or the output of a
  // byte comparison). For every set lane, in order, out[i] = src[j++]; returns
  // count = j, the number of set lanes. Reads mask[0, n) and exactly
  // src[0, count) (src may end at an unmapped page right after it). out holds
  // n elements; lanes whose mask is clear keep their value. Every
  // implementation but sse42 never writes them; sse42 has no masked store and
  // writes such a lane back with the value it had (load, blend, store), so
  // out must not be written concurrently by another thread.
  std::size_t (*expand_f32)(const float* src, const std::uint8_t* mask, float* out, std::size_t n);

  // Every form of the 32-bit compress kernels this implementation has (at
  // least one), and which of them the kernels above use on this CPU. The
  // choice may depend on the CPU at run time: avx512 uses the register form on
  // AMD, where the memory form of vcompress is microcoded (Zen 4), and the
  // memory form on Intel, where it measured faster (see bench/compress_bench.cpp).
  std::span<const CompressVariant> variants;
  const char* (*chosen_variant)();

  std::vector<EntryPoint> entry_points() const {
    std::vector<EntryPoint> out{entry("compress_f32", compress_f32), entry("compress_i32", compress_i32),
                                entry("compress_u8", compress_u8), entry("compress_index", compress_index),
                                entry("expand_f32", expand_f32)};
    for (const CompressVariant& v : variants) {
      const std::string as = std::string("/variant:") + v.name;
      out.push_back(entry("compress_f32" + as, v.compress_f32));
      out.push_back(entry("compress_i32" + as, v.compress_i32));
      out.push_back(entry("compress_index" + as, v.compress_index));
    }
    return out;
  }
};

}  // namespace maskbench
