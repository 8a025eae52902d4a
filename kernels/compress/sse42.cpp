// The compress family at SSE4.2 (simde API): pshufb with a 16-entry table of
// lane shuffles for 32-bit lanes, the 8-byte table of bytes16.hpp for u8.
// SSE has no masked store, so every loop runs a chunk ahead (driver.hpp) and
// stores whole vectors where that is safe.
#include <array>
#include <bit>
#include <cstring>

#include <simde/x86/sse4.2.h>

#include "compress/bytes16.hpp"
#include "compress/kernels32.hpp"
#include "simd/ops.hpp"

namespace MB_NS {
namespace {

using namespace compress;

struct Lanes : BitmaskLanes<Lanes, std::uint32_t, 4> {
  using V = simde__m128i;
  static V load(const T* p) { return simde_mm_loadu_si128(reinterpret_cast<const simde__m128i*>(p)); }
  static simde__m128 set1_f32(float t) { return simde_mm_set1_ps(t); }
  static V set1_i32(std::int32_t t) { return simde_mm_set1_epi32(t); }
  static M gt_f32(V v, simde__m128 t) { return static_cast<M>(simde_mm_movemask_ps(simde_mm_cmpgt_ps(simde_mm_castsi128_ps(v), t))); }
  static M gt_i32(V v, V t) { return static_cast<M>(simde_mm_movemask_ps(simde_mm_castsi128_ps(simde_mm_cmpgt_epi32(v, t)))); }
  static V next_index(V v) { return simde_mm_add_epi32(v, simde_mm_set1_epi32(W)); }
  static V index(std::size_t i) {
    return simde_mm_add_epi32(simde_mm_load_si128(reinterpret_cast<const simde__m128i*>(kIota<4>.data())),
                              simde_mm_set1_epi32(static_cast<std::int32_t>(i)));
  }
};

constexpr const auto& kCompress = kShuffle32<false>;
constexpr const auto& kExpand = kShuffle32<true>;

simde__m128i shuffle(simde__m128i v, const std::array<std::uint8_t, 16>& control) {
  return simde_mm_shuffle_epi8(v, simde_mm_load_si128(reinterpret_cast<const simde__m128i*>(control.data())));
}

struct LutStore {
  template <class Out>
  static std::size_t full(Out* out, simde__m128i v, std::uint32_t m) {
    simde_mm_storeu_si128(reinterpret_cast<simde__m128i*>(out), shuffle(v, kCompress[m]));
    return static_cast<std::size_t>(std::popcount(m));
  }
  template <class Out>
  static std::size_t exact(Out* out, simde__m128i v, std::uint32_t m) {
    alignas(16) Out lanes[4];
    const std::size_t count = full(lanes, v, m);
    copy_small<sizeof lanes>(out, lanes, count * sizeof(Out));
    return count;
  }
};

using K = Kernels32<Lanes, LutStore, true>;

// No masked store: the whole vector (or the tail's k lanes) is loaded,
// blended and stored back.
struct Expand {
  using O = simd::Ops;
  static constexpr std::size_t W = 4;
  using M = std::uint32_t;
  static M mask(const std::uint8_t* p) { return nonzero_bytes<W>(p); }
  static M mask_tail(const std::uint8_t* p, std::size_t k) { return nonzero_bytes_tail<W>(p, k); }
  static std::size_t count(M m) { return static_cast<std::size_t>(std::popcount(m)); }
  static std::size_t expand(const float* src, float* out, M m, std::size_t k, bool src_full) {
    return expand_by_permute<O>(src, out, m, k, src_full, [m](O::V v) {
      return simde_mm_castsi128_ps(shuffle(simde_mm_castps_si128(v), kExpand[m]));
    });
  }
};

constexpr maskbench::CompressVariant kVariants[] = {K::variant("pshufb-lut")};
const char* chosen() { return kVariants[0].name; }

constexpr maskbench::CompressKernels kTable{K::f32, K::i32, compress_u8_lut, K::index, expand_chunked<Expand>,
                                            kVariants, chosen};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(compress, kTable)
