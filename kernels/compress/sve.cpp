// The compress family in SVE, vector-length agnostic: svcompact packs the
// selected 32-bit lanes, and a store predicated by svwhilelt(0, count)
// writes exactly out[pos, pos + count), so the contract's "never past the
// count" costs nothing (compare x86 without AVX-512 and NEON, which stage
// through a local copy). Bytes have no COMPACT before SVE2.2: compress_u8
// loads them widened to 32-bit lanes (LD1B) and stores them narrowed
// (ST1B), a quarter of a vector of bytes per step. Expand has no instruction
// either: the set lanes' positions are compacted and the source values
// scattered to them, which writes only the set lanes.
#include <arm_sve.h>

#include "maskbench/compress.hpp"
#include "simd/impl.hpp"

namespace MB_NS {
namespace {

// out[pos, pos + count) = the lanes of v selected by m, in order.
template <class T, class V>
std::size_t store_compacted(T* out, svbool_t pg, svbool_t m, V v) {
  const std::uint64_t count = svcntp_b32(pg, m);
  svst1(svwhilelt_b32(std::uint64_t{0}, count), out, svcompact(m, v));
  return count;
}

// compress_f32 and compress_i32: svld1 and svcmpgt take either lane type.
template <class T>
std::size_t compress_gt(const T* x, T* out, std::size_t n, T t) {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < n; i += svcntw()) {
    const svbool_t pg = svwhilelt_b32(i, n);
    const auto v = svld1(pg, x + i);
    pos += store_compacted(out + pos, pg, svcmpgt(pg, v, t), v);
  }
  return pos;
}

std::size_t compress_index(const float* x, std::uint32_t* out, std::size_t n, float t) {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < n; i += svcntw()) {
    const svbool_t pg = svwhilelt_b32(i, n);
    const svbool_t m = svcmpgt(pg, svld1(pg, x + i), t);
    pos += store_compacted(out + pos, pg, m, svindex_u32(static_cast<std::uint32_t>(i), 1));
  }
  return pos;
}

std::size_t compress_u8(const std::uint8_t* x, std::uint8_t* out, std::size_t n, std::uint8_t c) {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < n; i += svcntw()) {
    const svbool_t pg = svwhilelt_b32(i, n);
    const svuint32_t v = svld1ub_u32(pg, x + i);
    const svbool_t m = svcmpne(pg, v, static_cast<std::uint32_t>(c));
    const std::uint64_t count = svcntp_b32(pg, m);
    svst1b(svwhilelt_b32(std::uint64_t{0}, count), out + pos, svcompact(m, v));
    pos += count;
  }
  return pos;
}

std::size_t expand_f32(const float* src, const std::uint8_t* mask, float* out, std::size_t n) {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < n; i += svcntw()) {
    const svbool_t pg = svwhilelt_b32(i, n);
    const svbool_t m = svcmpne(pg, svld1ub_u32(pg, mask + i), 0u);
    const std::uint64_t count = svcntp_b32(pg, m);
    const svbool_t first = svwhilelt_b32(std::uint64_t{0}, count);
    // Reads exactly src[pos, pos + count); lane r goes to the r-th set lane.
    const svfloat32_t values = svld1(first, src + pos);
    const svuint32_t lanes = svcompact(m, svindex_u32(0, 1));
    svst1_scatter_index(first, out + i, svreinterpret_s32(lanes), values);
    pos += count;
  }
  return pos;
}

constexpr maskbench::CompressVariant kVariants[] = {{"svcompact", compress_gt<float>, compress_gt<std::int32_t>, compress_index}};
const char* chosen() { return kVariants[0].name; }

constexpr maskbench::CompressKernels kTable{compress_gt<float>, compress_gt<std::int32_t>, compress_u8, compress_index, expand_f32, kVariants, chosen};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(compress, kTable)
