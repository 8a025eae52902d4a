// The compress family at AVX2 (simde API): vpermd over 32-bit lanes, with the
// lane indices from a 256-entry table or computed with BMI2 pdep/pext. pdep
// and pext are microcoded on AMD before Zen 3, so both are kept and
// benchmarked; the table is the default (faster on the machines measured,
// see bench/compress_bench.cpp). Stores are vmaskmov of the first count
// lanes. u8 uses the 16-byte pshufb table of bytes16.hpp.
#include <array>
#include <bit>

#include <simde/x86/avx2.h>
#if defined(__BMI2__)
#include <immintrin.h>
#endif

#include "compress/bytes16.hpp"
#include "compress/kernels32.hpp"
#include "simd/ops.hpp"

namespace MB_NS {
namespace {

using namespace compress;

// Sign bits of lanes [8 - k, 16 - k): a sliding window gives the first k lanes.
alignas(64) constexpr std::int32_t kTailWindow[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
simde__m256i first_lanes(std::size_t k) {
  return simde_mm256_loadu_si256(reinterpret_cast<const simde__m256i*>(kTailWindow + 8 - k));
}

// Tails through BitmaskLanes' local copy, not vmaskmov: see QD-1 in
// docs/known-defects.md.
struct Lanes : BitmaskLanes<Lanes, std::uint32_t, 8> {
  using V = simde__m256i;
  static V load(const T* p) { return simde_mm256_loadu_si256(reinterpret_cast<const simde__m256i*>(p)); }
  static simde__m256 set1_f32(float t) { return simde_mm256_set1_ps(t); }
  static V set1_i32(std::int32_t t) { return simde_mm256_set1_epi32(t); }
  static M gt_f32(V v, simde__m256 t) {
    return static_cast<M>(simde_mm256_movemask_ps(simde_mm256_cmp_ps(simde_mm256_castsi256_ps(v), t, SIMDE_CMP_GT_OQ)));
  }
  static M gt_i32(V v, V t) { return static_cast<M>(simde_mm256_movemask_ps(simde_mm256_castsi256_ps(simde_mm256_cmpgt_epi32(v, t)))); }
  static V next_index(V v) { return simde_mm256_add_epi32(v, simde_mm256_set1_epi32(W)); }
  static V index(std::size_t i) {
    return simde_mm256_add_epi32(simde_mm256_load_si256(reinterpret_cast<const simde__m256i*>(kIota<8>.data())),
                                 simde_mm256_set1_epi32(static_cast<std::int32_t>(i)));
  }
};

// vpermd indices, one row per 8-bit mask: compress moves set lane
// set_lane(m, r) to lane r; expand moves lane rank_of(m, j) to lane j.
template <bool Expand>
constexpr auto make_permutes() {
  std::array<std::array<std::int32_t, 8>, 256> t{};
  for (std::uint32_t m = 0; m < 256; ++m)
    for (std::size_t lane = 0; lane < 8; ++lane)
      t[m][lane] = static_cast<std::int32_t>(Expand ? rank_of<8>(m, lane) : set_lane<8>(m, lane));
  return t;
}
alignas(64) constexpr auto kCompress = make_permutes<false>();
alignas(64) constexpr auto kExpand = make_permutes<true>();

std::uint64_t pdep(std::uint64_t src, std::uint64_t mask) {
#if defined(__BMI2__)
  return _pdep_u64(src, mask);
#else
  std::uint64_t out = 0;
  for (std::uint64_t bit = 1; mask != 0; bit <<= 1, mask &= mask - 1)
    if (src & bit) out |= mask & -mask;
  return out;
#endif
}
std::uint64_t pext(std::uint64_t src, std::uint64_t mask) {
#if defined(__BMI2__)
  return _pext_u64(src, mask);
#else
  std::uint64_t out = 0;
  for (std::uint64_t bit = 1; mask != 0; bit <<= 1, mask &= mask - 1)
    if (src & mask & -mask) out |= bit;
  return out;
#endif
}

struct TableIndices {
  static simde__m256i of(std::uint32_t m) { return simde_mm256_load_si256(reinterpret_cast<const simde__m256i*>(kCompress[m].data())); }
};
// pdep spreads each mask bit over its lane's byte; pext then gathers the
// indices of the set lanes from the byte string 0, 1, ..., 7.
struct BitIndices {
  static simde__m256i of(std::uint32_t m) {
    const std::uint64_t lanes = pdep(m, 0x0101010101010101ull) * 0xFF;
    const std::uint64_t packed = pext(0x0706050403020100ull, lanes);
    return simde_mm256_cvtepu8_epi32(simde_mm_cvtsi64_si128(static_cast<std::int64_t>(packed)));
  }
};

template <class Indices>
struct PermuteStore {
  template <class Out>
  static std::size_t full(Out* out, simde__m256i v, std::uint32_t m) {
    simde_mm256_storeu_si256(reinterpret_cast<simde__m256i*>(out), simde_mm256_permutevar8x32_epi32(v, Indices::of(m)));
    return static_cast<std::size_t>(std::popcount(m));
  }
  template <class Out>
  static std::size_t exact(Out* out, simde__m256i v, std::uint32_t m) {
    const std::size_t count = static_cast<std::size_t>(std::popcount(m));
    simde_mm256_maskstore_epi32(reinterpret_cast<std::int32_t*>(out), first_lanes(count),
                                simde_mm256_permutevar8x32_epi32(v, Indices::of(m)));
    return count;
  }
  template <class Out>
  static void all(Out* out, simde__m256i v) {
    simde_mm256_storeu_si256(reinterpret_cast<simde__m256i*>(out), v);
  }
};

// One pass with vmaskmov stores: it measured faster than running a chunk
// ahead to use whole-vector stores.
using Table = Kernels32<Lanes, PermuteStore<TableIndices>, false>;
using Bits = Kernels32<Lanes, PermuteStore<BitIndices>, false>;

// Source lanes past count(m) may be unmapped and a partial vector of out may
// end at unmapped memory: those go through local copies rather than vmaskmov
// (QD-1 in docs/known-defects.md). Whole vectors of out take vmaskmov, which
// writes only the set lanes.
struct Expand {
  static constexpr std::size_t W = 8;
  using M = std::uint32_t;
  static M mask(const std::uint8_t* p) { return nonzero_bytes<W>(p); }
  static M mask_tail(const std::uint8_t* p, std::size_t k) { return nonzero_bytes_tail<W>(p, k); }
  static std::size_t count(M m) { return static_cast<std::size_t>(std::popcount(m)); }
  static std::size_t expand(const float* src, float* out, M m, std::size_t k, bool src_full) {
    const std::size_t count = Expand::count(m);
    const auto* s = reinterpret_cast<const std::uint32_t*>(src);
    const simde__m256i v = src_full ? Lanes::load(s) : Lanes::load_tail(s, count);
    const simde__m256i idx = simde_mm256_load_si256(reinterpret_cast<const simde__m256i*>(kExpand[m].data()));
    const simde__m256i lanes = simde_mm256_permutevar8x32_epi32(v, idx);
    if (k == W) {
      simde_mm256_maskstore_epi32(reinterpret_cast<std::int32_t*>(out), simde_mm256_castps_si256(simd::Ops::from_bits(m)), lanes);
    } else {
      alignas(32) float staged[W];
      simde_mm256_store_si256(reinterpret_cast<simde__m256i*>(staged), lanes);
      for (; m != 0; m &= m - 1) out[std::countr_zero(m)] = staged[std::countr_zero(m)];
    }
    return count;
  }
};

constexpr maskbench::CompressVariant kVariants[] = {Table::variant("permute-lut"), Bits::variant("pdep-pext")};
const char* chosen() { return kVariants[0].name; }

constexpr maskbench::CompressKernels kTable{Table::f32, Table::i32, compress_u8_lut, Table::index, expand_chunked<Expand>,
                                            kVariants,  chosen};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(compress, kTable)
