#pragma once
// The ops of this implementation's level (MB_LEVEL_* is set by the build): one
// struct simd::Ops per level, one definition per op, and the concept SimdOps
// that states the op set. Every family's SIMD source is written once against
// `simd::Ops` and compiled once per level (docs/architecture.md); a level
// that does not model SimdOps fails here, not in a family.
#include <concepts>
#include <cstddef>
#include <cstdint>

#include "maskbench/half.hpp"
#include "simd/impl.hpp"
#include "simd/ops_common.hpp"

#if defined(MB_LEVEL_sse42)
#include "simd/ops_sse42.hpp"
#elif defined(MB_LEVEL_avx2)
#include "simd/ops_avx2.hpp"
#elif defined(MB_LEVEL_avx512)
#include "simd/ops_avx512.hpp"
#elif defined(MB_LEVEL_neon)
#include "simd/ops_neon.hpp"
#elif defined(MB_LEVEL_stdsimd)
#include "simd/ops_stdsimd.hpp"
#else
#error "simd/ops.hpp is for SIMD levels; scalar sources live in reference/"
#endif

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp
namespace simd {

// The op set: simd_ops::CommonOps (simd/ops_common.hpp, where the shared ops
// are stated) and, in the same terms (W = L lanes, known at compile time):
//   kMaskRegisters: whether M lives in mask registers (native AVX-512), so
//     that count(m) first moves it to a general register, where a masked
//     add stays in the vector unit; elsewhere M is a vector or plain bits
//     and count costs about as little as the add.
//   Memory. loadu(p)/storeu(p, v): W lanes. load_tail(p, k)/store_tail(p, v,
//     k): lanes [0, k) only (k < W), never touching memory at p + k or past;
//     the other lanes load as 0. The loads take f32, Bf16 or F16 and widen
//     exactly (maskbench/half.hpp). stream(p, v): W lanes to p, aligned to
//     W * 4 bytes, with a non-temporal hint where the level has one (x86:
//     MOVNTPS; a plain store at neon and stdsimd); stream_fence() orders
//     those stores before any later one (SFENCE; nothing where stream is
//     plain).
//   fmadd is fused at avx2, avx512 and neon, two roundings at sse42 and
//     stdsimd.
//   Compare to mask, besides CommonOps': eq ordered (a NaN lane is false); ne
//     unordered (a NaN lane is true), as C's != is.
//   Masks, besides CommonOps': m_xor; bits(M) -> u64 (bit i = lane i) and
//     from_bits; first (W when empty), last (-1 when empty), any, all.
//   Blend. masked_add(acc, m, x): acc + x where m, else acc; masked_div(m,
//     a, x): a / x where m, else 0, raising no floating-point exception for
//     lanes outside m.
// Levels with compress and arbitrary-mask memory ops in hardware add them
// (ops_avx512.hpp); the lookup-table forms of other levels are algorithms,
// kept in their family.
template <class O>
concept SimdOps = maskbench::simd_ops::CommonOps<O> &&
                  requires(typename O::V v, typename O::M m, const float* pf, float* out, const maskbench::Bf16* pb,
                           const maskbench::F16* ph, std::size_t k, std::uint64_t b) {
  { O::W } -> std::convertible_to<std::size_t>;
  { O::kMaskRegisters } -> std::convertible_to<bool>;
  { O::loadu(pf) } -> std::same_as<typename O::V>;
  { O::loadu(pb) } -> std::same_as<typename O::V>;
  { O::loadu(ph) } -> std::same_as<typename O::V>;
  { O::load_tail(pf, k) } -> std::same_as<typename O::V>;
  { O::load_tail(pb, k) } -> std::same_as<typename O::V>;
  { O::load_tail(ph, k) } -> std::same_as<typename O::V>;
  O::storeu(out, v);
  O::store_tail(out, v, k);
  O::stream(out, v);
  O::stream_fence();
  { O::eq(v, v) } -> std::same_as<typename O::M>;
  { O::ne(v, v) } -> std::same_as<typename O::M>;
  { O::m_xor(m, m) } -> std::same_as<typename O::M>;
  { O::bits(m) } -> std::same_as<std::uint64_t>;
  { O::from_bits(b) } -> std::same_as<typename O::M>;
  { O::first(m) } -> std::same_as<std::size_t>;
  { O::last(m) } -> std::same_as<std::ptrdiff_t>;
  { O::any(m) } -> std::same_as<bool>;
  { O::all(m) } -> std::same_as<bool>;
  { O::masked_add(v, m, v) } -> std::same_as<typename O::V>;
  { O::masked_div(m, v, v) } -> std::same_as<typename O::V>;
};

static_assert(SimdOps<Ops>, "this level's simd::Ops does not provide the whole op set");

}  // namespace simd
}  // namespace
}  // namespace MB_NS
