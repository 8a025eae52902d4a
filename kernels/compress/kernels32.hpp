#pragma once
// compress_f32, compress_i32 and compress_index written once over a level's
// 32-bit lanes L and store S (see driver.hpp), for either loop: Chunked picks
// compress_chunked, otherwise compress_exact. L adds to the driver's
// interface: set1_f32 and set1_i32 (broadcast thresholds, of whatever type
// gt_f32 and gt_i32 take), gt_f32 (ordered: a NaN lane is false), gt_i32,
// index(i) (the u32 lanes i, i+1, ... as a V) and next_index (each lane + W).
#include "compress/driver.hpp"
#include "maskbench/compress.hpp"

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp
namespace compress {

template <class L, class S, bool Chunked>
struct Kernels32 {
  using V = typename L::V;
  using T = typename L::T;

  template <class Out, class Cond, class Payload>
  static std::size_t run(const void* x, Out* out, std::size_t n, Cond cond, Payload payload) {
    const T* in = static_cast<const T*>(x);
    if constexpr (Chunked)
      return compress_chunked<L, S>(in, out, n, cond, payload);
    else
      return compress_exact<L, S>(in, out, n, cond, payload);
  }
  static V same(V v, std::size_t) { return v; }

  static std::size_t f32(const float* x, float* out, std::size_t n, float t) {
    const auto vt = L::set1_f32(t);
    return run(x, reinterpret_cast<T*>(out), n, [vt](V v) { return L::gt_f32(v, vt); }, same);
  }
  static std::size_t i32(const std::int32_t* x, std::int32_t* out, std::size_t n, std::int32_t t) {
    const auto vt = L::set1_i32(t);
    return run(x, reinterpret_cast<T*>(out), n, [vt](V v) { return L::gt_i32(v, vt); }, same);
  }
  static std::size_t index(const float* x, std::uint32_t* out, std::size_t n, float t) {
    const auto vt = L::set1_f32(t);
    // The drivers ask for one payload per vector, in order: the index vector
    // advances by W lanes each time rather than being rebuilt from i (a
    // broadcast from a general register, on the port vcompress needs).
    return run(x, out, n, [vt](V v) { return L::gt_f32(v, vt); },
               [next = L::index(0)](V, std::size_t) mutable {
                 const V current = next;
                 next = L::next_index(next);
                 return current;
               });
  }
  static constexpr maskbench::CompressVariant variant(const char* name) { return {name, f32, i32, index}; }
};

}  // namespace compress
}  // namespace
}  // namespace MB_NS
