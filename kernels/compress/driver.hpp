#pragma once
// The loops every SIMD level of the compress family shares. A level supplies
// its lanes (L) and how it stores a compressed vector (S); the loops decide
// which stores are allowed where, so that the memory contract of
// maskbench/compress.hpp is enforced in one place.
//
// L: T (the lane type in memory), W (lanes per vector), V, M (mask);
//    load(const T*) reads W lanes; load_tail(const T*, k) reads lanes [0, k)
//    and nothing past p + k; count(M); keep_first(M, k): lanes [0, k) of M.
// cond(v) gives a vector's mask; payload(v, i) the vector to compress for the
// vector x[i, i + W), called once per vector in increasing i.
// S: exact(Out* out, V v, M m) writes the lanes of v selected by m,
//    compressed, to out[0, count(m)) and nothing else; returns count(m).
//    full(Out* out, V v, M m) writes the same out[0, count(m)) but may write
//    anything to out[count(m), W); returns count(m).
//    all(Out* out, V v), where compress_exact uses it: writes v's W lanes to
//    out[0, W) as they are (a vector whose lanes are all selected).
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "simd/impl.hpp"

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp
namespace compress {

// Vectors per lookahead chunk (compress_chunked): enough that the exact stores
// at a chunk's end are rare, few enough that the chunk stays in L1 between
// its two passes.
inline constexpr std::size_t kChunk = 64;

// Copies bytes <= Max with fixed-size moves (Max a power of two): the exact
// stores and partial loads of levels without masked ones, where a
// variable-size memcpy would cost a call or rep movs.
template <std::size_t Max>
void copy_small(void* dst, const void* src, std::size_t bytes) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  std::size_t done = 0;
  const auto piece = [&](auto size) {
    if constexpr (size() <= Max)
      if (bytes & size) {
        std::memcpy(d + done, s + done, size);
        done += size;
      }
  };
  piece(std::integral_constant<std::size_t, 32>{});
  piece(std::integral_constant<std::size_t, 16>{});
  piece(std::integral_constant<std::size_t, 8>{});
  piece(std::integral_constant<std::size_t, 4>{});
  piece(std::integral_constant<std::size_t, 2>{});
  piece(std::integral_constant<std::size_t, 1>{});
}

// One vector of expand_f32 on a level's ops O (simd/ops.hpp) without an expand
// instruction: the count(m) source values (read through the tail load when
// fewer than W remain), moved to the set lanes by `permute` (a shuffle by a
// table row), blended into out over k lanes, so the clear lanes keep their
// value. Returns count(m).
template <class O, class Permute>
std::size_t expand_by_permute(const float* src, float* out, std::uint32_t m, std::size_t k, bool src_full,
                              Permute&& permute) {
  const std::size_t count = static_cast<std::size_t>(std::popcount(m));
  const typename O::V lanes = permute(src_full ? O::loadu(src) : O::load_tail(src, count));
  const typename O::M sel = O::from_bits(m);
  if (k == O::W)
    O::storeu(out, O::select(sel, lanes, O::loadu(out)));
  else
    O::store_tail(out, O::select(sel, lanes, O::load_tail(out, k)), k);
  return count;
}

// The lanes (L above) of a level whose masks are bitmasks in a uint32_t and
// which has no masked load (SSE4.2, AVX2, NEON, and their bytes): a tail is
// read through a zeroed local copy, so nothing past p + k is touched.
// Derived supplies V, load(const T*) and the comparisons (V is not a template
// argument: a vector type's attributes do not survive one).
template <class Derived, class Lane, std::size_t Width>
struct BitmaskLanes {
  using T = Lane;
  static constexpr std::size_t W = Width;
  using M = std::uint32_t;

  static auto load_tail(const T* p, std::size_t k) {
    alignas(32) T lanes[W] = {};
    copy_small<sizeof lanes>(lanes, p, k * sizeof(T));
    return Derived::load(lanes);
  }
  static std::size_t count(M m) { return static_cast<std::size_t>(std::popcount(m)); }
  static M keep_first(M m, std::size_t k) { return m & ((M{1} << k) - 1); }
};

// The last, partial vector x[i, n) compresses into a local copy. In the main
// loops a vector's store stays inside out[0, n) (pos <= i and i + W <= n), but
// here out + pos + W may lie past the buffer, and the inactive lanes of a
// masked store must not reach unmapped memory: the hardware suppresses such
// faults, qemu-user (which the suite runs under, docs/known-defects.md QD-1)
// does not.
template <class L, class S, class Out, class Cond, class Payload>
std::size_t compress_tail(const typename L::T* x, Out* out, std::size_t n, std::size_t i, Cond cond, Payload payload) {
  const auto v = L::load_tail(x + i, n - i);
  Out lanes[L::W];
  const std::size_t count = S::exact(lanes, payload(v, i), L::keep_first(cond(v), n - i));
  std::memcpy(out, lanes, count * sizeof(Out));
  return count;
}

// Runs in compress_exact: a block of kRunVectors vectors whose lanes are all
// selected is copied with plain stores (S::all), and one with none selected
// stores nothing, with no compress either way. Sorted or clustered data and a
// predicate that keeps nearly everything or nearly nothing give such blocks.
// Telling them apart is a branch, predicted well only where most blocks are
// runs, so the loop looks for runs only after kRunStreak blocks in a row were
// runs, and the first mixed block sends it back to compressing every vector
// without a branch; mixed data (a random 1% selection: about half the blocks
// of 64 lanes are runs, in no pattern) rarely leaves that loop.
inline constexpr std::size_t kRunVectors = 4;
static_assert(kRunVectors % 2 == 0);
inline constexpr std::size_t kRunStreak = 8;

// One pass with exact stores: for levels with a masked store cheap enough
// that a second pass costs more (AVX-512's masked store and vcompress to
// memory, AVX2's vmaskmov).
//
// Always inlined into the kernel: cond carries its threshold vector by value,
// and GCC, compiling the loop on its own with that 512-bit argument, left out
// the vzeroupper before its return, so the caller's SSE code ran with dirty
// upper state (160 ns more per call on the Xeon VM, at every size).
template <class L, class S, class Out, class Cond, class Payload>
[[gnu::always_inline]] inline std::size_t compress_exact(const typename L::T* x, Out* out, std::size_t n, Cond cond,
                                                         Payload payload) {
  constexpr std::size_t kBlock = kRunVectors * L::W;
  static_assert(std::has_single_bit(kBlock));
  std::size_t pos = 0, i = 0, streak = 0;
  for (; i + kBlock <= n; i += kBlock) {
    if (streak >= kRunStreak) {
      typename L::V v[kRunVectors];
      typename L::M m[kRunVectors];
      std::size_t count = 0;
      for (std::size_t k = 0; k < kRunVectors; ++k) {
        v[k] = L::load(x + i + k * L::W);
        m[k] = cond(v[k]);
        count += L::count(m[k]);
      }
      if (count == 0) {
        for (std::size_t k = 0; k < kRunVectors; ++k) (void)payload(v[k], i + k * L::W);
      } else if (count == kBlock) {
        for (std::size_t k = 0; k < kRunVectors; ++k) S::all(out + pos + k * L::W, payload(v[k], i + k * L::W));
        pos += count;
      } else {
        for (std::size_t k = 0; k < kRunVectors; ++k) pos += S::exact(out + pos, payload(v[k], i + k * L::W), m[k]);
        streak = 0;
      }
      continue;
    }
    const std::size_t start = pos;
    // Two vectors per step: both compares issue before the first store.
    for (std::size_t k = 0; k < kRunVectors; k += 2) {
      const auto v0 = L::load(x + i + k * L::W), v1 = L::load(x + i + (k + 1) * L::W);
      const auto m0 = cond(v0), m1 = cond(v1);
      pos += S::exact(out + pos, payload(v0, i + k * L::W), m0);
      pos += S::exact(out + pos, payload(v1, i + (k + 1) * L::W), m1);
    }
    // pos - start is in [0, kBlock], a power of two: 0 or kBlock is a run.
    streak = ((pos - start) & (kBlock - 1)) == 0 ? streak + 1 : 0;
  }
  for (; i + L::W <= n; i += L::W) {
    const auto v = L::load(x + i);
    pos += S::exact(out + pos, payload(v, i), cond(v));
  }
  if (i < n) pos += compress_tail<L, S>(x, out + pos, n, i, cond, payload);
  return pos;
}

// Two passes per chunk: the first computes the masks and so the chunk's final
// count; the second stores whole vectors wherever out[pos, pos + W) lies below
// that count (the garbage past each vector's count is overwritten by the next
// vector), and exact stores only for the last vectors of the chunk. This is
// how a level without a cheap masked store keeps out[count, n) untouched.
// Always inlined, as compress_exact is: avx512-vbmi2's compress_u8 jumped
// to it out of line with the byte threshold in zmm0, and it returned without
// a vzeroupper (conformance's upper-state check found it).
template <class L, class S, class Out, class Cond, class Payload>
[[gnu::always_inline]] inline std::size_t compress_chunked(const typename L::T* x, Out* out, std::size_t n, Cond cond,
                                                           Payload payload) {
  std::size_t pos = 0, i = 0;
  typename L::M masks[kChunk];
  while (i + L::W <= n) {
    const std::size_t vectors = std::min(kChunk, (n - i) / L::W);
    std::size_t end = pos;
    for (std::size_t c = 0; c < vectors; ++c) {
      masks[c] = cond(L::load(x + i + c * L::W));
      end += L::count(masks[c]);
    }
    for (std::size_t c = 0; c < vectors; ++c, i += L::W) {
      const auto v = payload(L::load(x + i), i);
      pos += pos + L::W <= end ? S::full(out + pos, v, masks[c]) : S::exact(out + pos, v, masks[c]);
    }
  }
  if (i < n) pos += compress_tail<L, S>(x, out + pos, n, i, cond, payload);
  return pos;
}

// expand_f32 over a level's E: E::W lanes, E::M masks, E::mask(const
// uint8_t*) from W mask bytes, E::mask_tail(p, k) from k bytes, E::count, and
// E::expand(src, out, m, k, src_full): out lanes [0, k) selected by m take
// src[0, count(m)) in order; it may read src[0, W) when src_full, else only
// src[0, count(m)). Masks are computed a chunk ahead so that src_full is known.
template <class E>
std::size_t expand_chunked(const float* src, const std::uint8_t* mask, float* out, std::size_t n) {
  std::size_t pos = 0, i = 0;
  typename E::M masks[kChunk];
  while (i < n) {
    const std::size_t lanes = std::min(kChunk * E::W, n - i);
    const std::size_t vectors = (lanes + E::W - 1) / E::W;
    std::size_t end = pos;
    for (std::size_t c = 0; c < vectors; ++c) {
      const std::size_t k = std::min(E::W, lanes - c * E::W);
      masks[c] = k == E::W ? E::mask(mask + i + c * E::W) : E::mask_tail(mask + i + c * E::W, k);
      end += E::count(masks[c]);
    }
    for (std::size_t c = 0; c < vectors; ++c) {
      const std::size_t k = std::min(E::W, lanes - c * E::W);
      pos += E::expand(src + pos, out + i + c * E::W, masks[c], k, pos + E::W <= end);
    }
    i += lanes;
  }
  return pos;
}

// Tables built at compile time from their definition rather than spelled out.

// Lane numbers 0, 1, ..., N-1, loaded once: simde's setr_epi32 is built lane
// by lane, inside the loop, where it would cost more than the compress.
template <std::size_t N>
alignas(64) inline constexpr auto kIota = [] {
  std::array<std::int32_t, N> t{};
  for (std::size_t j = 0; j < N; ++j) t[j] = static_cast<std::int32_t>(j);
  return t;
}();

// Lanes of an N-lane vector as (lane index, rank among the set lanes).
template <std::size_t N>
constexpr std::size_t set_lane(std::uint32_t m, std::size_t rank) {
  for (std::size_t j = 0; j < N; ++j)
    if ((m >> j) & 1) {
      if (rank == 0) return j;
      --rank;
    }
  return 0;
}
template <std::size_t N>
constexpr std::size_t rank_of(std::uint32_t m, std::size_t lane) {
  std::size_t r = 0;
  for (std::size_t j = 0; j < lane; ++j) r += (m >> j) & 1;
  return r;
}

// Byte-shuffle controls for four 32-bit lanes (pshufb, tbl), one 16-byte row
// per 4-bit mask: compress moves set lane set_lane(m, r) to lane r; expand
// moves lane rank_of(m, j) to lane j.
template <bool Expand>
alignas(64) inline constexpr auto kShuffle32 = [] {
  std::array<std::array<std::uint8_t, 16>, 16> t{};
  for (std::uint32_t m = 0; m < 16; ++m)
    for (std::size_t lane = 0; lane < 4; ++lane) {
      const std::size_t from = Expand ? rank_of<4>(m, lane) : set_lane<4>(m, lane);
      for (std::size_t b = 0; b < 4; ++b) t[m][lane * 4 + b] = static_cast<std::uint8_t>(from * 4 + b);
    }
  return t;
}();

// Byte compress of 8 lanes: row m holds the set lanes of the 8-bit mask m, in
// order, one byte each; the rest are don't-care. 16 lanes are two halves (a
// table for 16 would take 1 MiB); the high half's row plus 0x08 in every
// byte indexes the high half of a 16-byte vector.
inline constexpr auto kByteCompress = [] {
  std::array<std::uint64_t, 256> t{};
  for (std::uint32_t m = 0; m < 256; ++m)
    for (std::size_t r = 0; r < 8; ++r) t[m] |= std::uint64_t{set_lane<8>(m, r)} << (8 * r);
  return t;
}();
inline constexpr std::uint64_t kHighHalf = 0x0808080808080808ull;

}  // namespace compress
}  // namespace
}  // namespace MB_NS
