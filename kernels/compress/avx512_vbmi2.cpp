// The compress family with AVX-512 VBMI2: compress_u8 is vpcompressb over 64
// bytes; the 32-bit kernels and expand are those of avx512.cpp, shared through
// avx512_lanes.hpp. This source is only ever compiled with -mavx512vbmi2, and
// simde 0.7.4 has no byte compress, so the byte path uses the intrinsics
// directly.
#include <immintrin.h>

#include "compress/avx512_lanes.hpp"

namespace MB_NS {
namespace {

using namespace compress;

struct Bytes64 {
  using T = std::uint8_t;
  static constexpr std::size_t W = 64;
  using V = __m512i;
  using M = __mmask64;

  static M first(std::size_t k) { return _bzhi_u64(~std::uint64_t{0}, static_cast<unsigned>(k)); }
  static V load(const T* p) { return _mm512_loadu_si512(p); }
  static V load_tail(const T* p, std::size_t k) { return _mm512_maskz_loadu_epi8(first(k), p); }
  static std::size_t count(M m) { return static_cast<std::size_t>(std::popcount(m)); }
  static M keep_first(M m, std::size_t k) { return m & first(k); }
};

// vpcompressb into a register, then a whole or masked store.
struct ByteStore {
  static std::size_t full(std::uint8_t* out, __m512i v, __mmask64 m) {
    _mm512_storeu_si512(out, _mm512_maskz_compress_epi8(m, v));
    return Bytes64::count(m);
  }
  static std::size_t exact(std::uint8_t* out, __m512i v, __mmask64 m) {
    const std::size_t count = Bytes64::count(m);
    _mm512_mask_storeu_epi8(out, Bytes64::first(count), _mm512_maskz_compress_epi8(m, v));
    return count;
  }
};

std::size_t compress_u8(const std::uint8_t* x, std::uint8_t* out, std::size_t n, std::uint8_t c) {
  const __m512i vc = _mm512_set1_epi8(static_cast<char>(c));
  return compress_chunked<Bytes64, ByteStore>(
      x, out, n, [vc](__m512i v) { return _mm512_cmpneq_epi8_mask(v, vc); }, [](__m512i v, std::size_t) { return v; });
}

constexpr maskbench::CompressKernels kTable{Chosen512::f32, Chosen512::i32, compress_u8, Chosen512::index,
                                            expand_chunked<Expand512>, Chosen512::kVariants,
                                            Chosen512::chosen};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(compress, kTable)
