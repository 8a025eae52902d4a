// The compress family with std::experimental::simd (Parallelism TS v2). The
// TS has comparisons and masks but no compress, expand or permute, so only
// the predicate is vectorized: the mask becomes a bitmask and the selected
// lanes are moved one by one. Whole vectors a chunk ahead (driver.hpp) move
// every lane branch-free, each to the slot after the last kept one; the last
// vectors of a chunk move only the set lanes.
#include <bit>
#include <cstring>

#include "compress/driver.hpp"
#include "maskbench/compress.hpp"
#include "simd/ops.hpp"

namespace MB_NS {
namespace {

using namespace compress;
namespace stdx = std::experimental;

constexpr std::size_t kLanes = simd::Ops::W;

template <class T>
using Vec = stdx::fixed_size_simd<T, kLanes>;

template <class Mask>
std::uint64_t bits_of(const Mask& m) {
  std::uint64_t b = 0;
  for (std::size_t i = 0; i < m.size(); ++i) b |= std::uint64_t{m[i]} << i;
  return b;
}

template <class Elem, std::size_t N = kLanes>
struct Lanes {
  using T = Elem;
  static constexpr std::size_t W = N;
  using V = stdx::fixed_size_simd<T, N>;
  using M = std::uint64_t;

  static V load(const T* p) { return V(p, stdx::element_aligned); }
  static V load_tail(const T* p, std::size_t k) {
    T lanes[N] = {};
    std::memcpy(lanes, p, k * sizeof(T));
    return load(lanes);
  }
  static std::size_t count(M m) { return static_cast<std::size_t>(std::popcount(m)); }
  static M keep_first(M m, std::size_t k) { return m & simd::MaskBits<N>::tail(k); }
};

struct LaneStore {
  template <class Out, class V>
  static std::size_t full(Out* out, const V& v, std::uint64_t m) {
    std::size_t count = 0;
    for (std::size_t j = 0; j < V::size(); ++j) {
      out[count] = static_cast<Out>(v[j]);
      count += (m >> j) & 1;
    }
    return count;
  }
  template <class Out, class V>
  static std::size_t exact(Out* out, const V& v, std::uint64_t m) {
    std::size_t count = 0;
    for (; m != 0; m &= m - 1) out[count++] = static_cast<Out>(v[std::countr_zero(m)]);
    return count;
  }
};

template <class Elem, class Out, class Cond>
std::size_t compress_values(const Elem* x, Out* out, std::size_t n, Cond cond) {
  using L = Lanes<Elem>;
  return compress_chunked<L, LaneStore>(x, out, n, cond, [](const typename L::V& v, std::size_t) { return v; });
}

std::size_t compress_f32(const float* x, float* out, std::size_t n, float t) {
  return compress_values(x, out, n, [t](const Vec<float>& v) { return bits_of(v > t); });
}
std::size_t compress_i32(const std::int32_t* x, std::int32_t* out, std::size_t n, std::int32_t t) {
  return compress_values(x, out, n, [t](const Vec<std::int32_t>& v) { return bits_of(v > t); });
}
std::size_t compress_index(const float* x, std::uint32_t* out, std::size_t n, float t) {
  using L = Lanes<float>;
  const Vec<std::uint32_t> iota([](auto lane) { return static_cast<std::uint32_t>(lane); });
  return compress_chunked<L, LaneStore>(
      x, out, n, [t](const Vec<float>& v) { return bits_of(v > t); },
      [&iota](const Vec<float>&, std::size_t i) { return iota + static_cast<std::uint32_t>(i); });
}

// u8 on vectors as wide as the level's registers (16, 32 or 64 bytes).
std::size_t compress_u8(const std::uint8_t* x, std::uint8_t* out, std::size_t n, std::uint8_t c) {
  using L = Lanes<std::uint8_t, kLanes * 4>;
  return compress_chunked<L, LaneStore>(
      x, out, n, [c](const L::V& v) { return bits_of(v != c); }, [](const L::V& v, std::size_t) { return v; });
}

// Moves only the set lanes, so no clear lane of out is ever written.
struct Expand {
  static constexpr std::size_t W = kLanes;
  using M = std::uint64_t;
  static M mask(const std::uint8_t* p) { return bits_of(Vec<std::uint8_t>(p, stdx::element_aligned) != 0); }
  static M mask_tail(const std::uint8_t* p, std::size_t k) {
    std::uint8_t bytes[W] = {};
    std::memcpy(bytes, p, k);
    return mask(bytes);
  }
  static std::size_t count(M m) { return static_cast<std::size_t>(std::popcount(m)); }
  static std::size_t expand(const float* src, float* out, M m, std::size_t, bool) {
    std::size_t count = 0;
    for (; m != 0; m &= m - 1) out[std::countr_zero(m)] = src[count++];
    return count;
  }
};

constexpr maskbench::CompressVariant kVariants[] = {{"mask-bits-per-lane", compress_f32, compress_i32, compress_index}};
const char* chosen() { return kVariants[0].name; }

constexpr maskbench::CompressKernels kTable{compress_f32, compress_i32, compress_u8, compress_index,
                                            expand_chunked<Expand>, kVariants, chosen};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(compress, kTable)
