#pragma once
// Byte helpers of the compress family on 16-byte vectors (simde SSE4.2 API),
// shared by the sse42, avx2 and avx512 sources: compress_u8 with pshufb and a
// 256-entry table of 8-byte shuffles (x86 has no byte compress before
// AVX-512 VBMI2, and a table for 16 lanes would take 1 MiB), and the byte
// mask of expand_f32 as a bitmask.
#include <array>
#include <bit>
#include <cstring>

#include <simde/x86/sse4.2.h>

#include "compress/driver.hpp"

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp
namespace compress {

struct Bytes16 : BitmaskLanes<Bytes16, std::uint8_t, 16> {
  using V = simde__m128i;
  static V load(const T* p) { return simde_mm_loadu_si128(p); }
  static M ne(V v, V c) { return ~static_cast<M>(simde_mm_movemask_epi8(simde_mm_cmpeq_epi8(v, c))) & 0xFFFF; }
};

// Each 8-byte half is compressed in place by one pshufb; the halves are then
// stored at out and out + count(low half).
struct BytesLutStore {
  static simde__m128i shuffle(simde__m128i v, std::uint32_t m) {
    const std::uint64_t lo = kByteCompress[m & 0xFF];
    const std::uint64_t hi = kByteCompress[(m >> 8) & 0xFF] + kHighHalf;
    return simde_mm_shuffle_epi8(v, simde_mm_set_epi64x(static_cast<std::int64_t>(hi), static_cast<std::int64_t>(lo)));
  }
  static std::size_t full(std::uint8_t* out, simde__m128i v, std::uint32_t m) {
    const simde__m128i s = shuffle(v, m);
    const std::size_t low = static_cast<std::size_t>(std::popcount(m & 0xFF));
    simde_mm_storel_epi64(reinterpret_cast<simde__m128i*>(out), s);
    simde_mm_storel_epi64(reinterpret_cast<simde__m128i*>(out + low), simde_mm_unpackhi_epi64(s, s));
    return static_cast<std::size_t>(std::popcount(m));
  }
  static std::size_t exact(std::uint8_t* out, simde__m128i v, std::uint32_t m) {
    alignas(16) std::uint8_t lanes[16];
    const std::size_t count = full(lanes, v, m);
    copy_small<sizeof lanes>(out, lanes, count);
    return count;
  }
};

inline std::size_t compress_u8_lut(const std::uint8_t* x, std::uint8_t* out, std::size_t n, std::uint8_t c) {
  const simde__m128i vc = simde_mm_set1_epi8(static_cast<std::int8_t>(c));
  return compress_chunked<Bytes16, BytesLutStore>(
      x, out, n, [vc](simde__m128i v) { return Bytes16::ne(v, vc); }, [](simde__m128i v, std::size_t) { return v; });
}

// Bit i set where p[i] != 0, for the first W (4, 8 or 16) bytes of p.
template <std::size_t W>
std::uint32_t nonzero_bytes(const std::uint8_t* p) {
  simde__m128i b;
  if constexpr (W == 16) {
    b = simde_mm_loadu_si128(p);
  } else if constexpr (W == 8) {
    b = simde_mm_loadl_epi64(reinterpret_cast<const simde__m128i*>(p));
  } else {
    static_assert(W == 4, "nonzero_bytes takes 4, 8 or 16 bytes");
    std::int32_t w;
    std::memcpy(&w, p, 4);
    b = simde_mm_cvtsi32_si128(w);
  }
  const auto zero = static_cast<std::uint32_t>(simde_mm_movemask_epi8(simde_mm_cmpeq_epi8(b, simde_mm_setzero_si128())));
  return ~zero & ((std::uint32_t{1} << W) - 1);
}
template <std::size_t W>
std::uint32_t nonzero_bytes_tail(const std::uint8_t* p, std::size_t k) {
  alignas(16) std::uint8_t bytes[16] = {};
  std::memcpy(bytes, p, k);
  return nonzero_bytes<W>(bytes);
}

}  // namespace compress
}  // namespace
}  // namespace MB_NS
