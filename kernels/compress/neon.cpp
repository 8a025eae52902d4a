// The compress family in Advanced SIMD: tbl (vqtbl1q_u8) with driver.hpp's
// byte-shuffle tables, 16 rows of 16 bytes for 32-bit lanes and 256 rows of
// 8 bytes for each half of 16 u8 lanes, as x86's pshufb path does. NEON has
// no masked store and no movemask: masks become bits by AND with the lanes'
// weights and an across-vector add, and every loop runs a chunk ahead
// (driver.hpp) so that whole vectors are stored wherever that is safe.
#include <arm_neon.h>

#include <bit>
#include <cstring>

#include "compress/kernels32.hpp"
#include "simd/ops.hpp"

namespace MB_NS {
namespace {

using namespace compress;

constexpr const auto& kCompress = kShuffle32<false>;
constexpr const auto& kExpand = kShuffle32<true>;

uint32x4_t shuffle(uint32x4_t v, const std::array<std::uint8_t, 16>& control) {
  return vreinterpretq_u32_u8(vqtbl1q_u8(vreinterpretq_u8_u32(v), vld1q_u8(control.data())));
}

// Bit j set where lane j of the all-ones-or-zero lane mask m is set.
std::uint32_t bits4(uint32x4_t m) {
  alignas(16) static constexpr std::uint32_t kWeights[4] = {1, 2, 4, 8};
  return vaddvq_u32(vandq_u32(m, vld1q_u32(kWeights)));
}
std::uint32_t bits16(uint8x16_t m) {
  alignas(16) static constexpr std::uint8_t kWeights[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
  const uint8x16_t w = vandq_u8(m, vld1q_u8(kWeights));
  return static_cast<std::uint32_t>(vaddv_u8(vget_low_u8(w))) | static_cast<std::uint32_t>(vaddv_u8(vget_high_u8(w))) << 8;
}

struct Lanes : BitmaskLanes<Lanes, std::uint32_t, 4> {
  using V = uint32x4_t;
  static V load(const T* p) { return vld1q_u32(p); }
  static float32x4_t set1_f32(float t) { return vdupq_n_f32(t); }
  static int32x4_t set1_i32(std::int32_t t) { return vdupq_n_s32(t); }
  // vcgtq_f32 is an ordered compare: a NaN lane is false.
  static M gt_f32(V v, float32x4_t t) { return bits4(vcgtq_f32(vreinterpretq_f32_u32(v), t)); }
  static M gt_i32(V v, int32x4_t t) { return bits4(vcgtq_s32(vreinterpretq_s32_u32(v), t)); }
  static V next_index(V v) { return vaddq_u32(v, vdupq_n_u32(W)); }
  static V index(std::size_t i) {
    return vaddq_u32(vreinterpretq_u32_s32(vld1q_s32(kIota<4>.data())), vdupq_n_u32(static_cast<std::uint32_t>(i)));
  }
};

struct LutStore {
  template <class Out>
  static std::size_t full(Out* out, uint32x4_t v, std::uint32_t m) {
    vst1q_u32(reinterpret_cast<std::uint32_t*>(out), shuffle(v, kCompress[m]));
    return static_cast<std::size_t>(std::popcount(m));
  }
  template <class Out>
  static std::size_t exact(Out* out, uint32x4_t v, std::uint32_t m) {
    alignas(16) Out lanes[4];
    const std::size_t count = full(lanes, v, m);
    copy_small<sizeof lanes>(out, lanes, count * sizeof(Out));
    return count;
  }
};

using K = Kernels32<Lanes, LutStore, true>;

struct Bytes : BitmaskLanes<Bytes, std::uint8_t, 16> {
  using V = uint8x16_t;
  static V load(const T* p) { return vld1q_u8(p); }
};

// One tbl compresses each 8-byte half in place; the halves are then stored
// at out and out + count(low half).
struct BytesLutStore {
  static uint8x16_t shuffle(uint8x16_t v, std::uint32_t m) {
    const uint64x2_t control = vcombine_u64(vcreate_u64(kByteCompress[m & 0xFF]),
                                            vcreate_u64(kByteCompress[(m >> 8) & 0xFF] + kHighHalf));
    return vqtbl1q_u8(v, vreinterpretq_u8_u64(control));
  }
  static std::size_t full(std::uint8_t* out, uint8x16_t v, std::uint32_t m) {
    const uint8x16_t s = shuffle(v, m);
    vst1_u8(out, vget_low_u8(s));
    vst1_u8(out + std::popcount(m & 0xFF), vget_high_u8(s));
    return static_cast<std::size_t>(std::popcount(m));
  }
  static std::size_t exact(std::uint8_t* out, uint8x16_t v, std::uint32_t m) {
    alignas(16) std::uint8_t lanes[16];
    const std::size_t count = full(lanes, v, m);
    copy_small<sizeof lanes>(out, lanes, count);
    return count;
  }
};

std::size_t compress_u8(const std::uint8_t* x, std::uint8_t* out, std::size_t n, std::uint8_t c) {
  const uint8x16_t vc = vdupq_n_u8(c);
  return compress_chunked<Bytes, BytesLutStore>(
      x, out, n, [vc](uint8x16_t v) { return bits16(vmvnq_u8(vceqq_u8(v, vc))); }, [](uint8x16_t v, std::size_t) { return v; });
}

// No masked store: the whole vector (or the tail's k lanes) is loaded,
// blended and stored back.
struct Expand {
  using O = simd::Ops;
  static constexpr std::size_t W = 4;
  using M = std::uint32_t;
  static M mask(const std::uint8_t* p) {
    std::uint32_t word;
    std::memcpy(&word, p, sizeof word);
    // Each nonzero byte becomes an all-ones 32-bit lane.
    const uint32x4_t lanes = vmovl_u16(vget_low_u16(vmovl_u8(vcreate_u8(word))));
    return bits4(vtstq_u32(lanes, lanes));
  }
  static M mask_tail(const std::uint8_t* p, std::size_t k) {
    std::uint8_t bytes[W] = {};
    std::memcpy(bytes, p, k);
    return mask(bytes);
  }
  static std::size_t count(M m) { return static_cast<std::size_t>(std::popcount(m)); }
  static std::size_t expand(const float* src, float* out, M m, std::size_t k, bool src_full) {
    return expand_by_permute<O>(src, out, m, k, src_full, [m](O::V v) {
      return vreinterpretq_f32_u32(shuffle(vreinterpretq_u32_f32(v), kExpand[m]));
    });
  }
};

constexpr maskbench::CompressVariant kVariants[] = {K::variant("tbl-lut")};
const char* chosen() { return kVariants[0].name; }

constexpr maskbench::CompressKernels kTable{K::f32, K::i32, compress_u8, K::index, expand_chunked<Expand>, kVariants, chosen};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(compress, kTable)
