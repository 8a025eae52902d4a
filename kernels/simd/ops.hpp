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

// The op set, in the terms of the kernel contracts:
//   W lanes; V: W f32 lanes; M: a mask of W lanes; U: W u32 lanes.
//   Memory. loadu(p)/storeu(p, v): W lanes. load_tail(p, k)/store_tail(p, v,
//     k): lanes [0, k) only (k < W), never touching memory at p + k or past;
//     the other lanes load as 0. The loads take f32, Bf16 or F16 and widen
//     exactly (maskbench/half.hpp).
//   Arithmetic. set1, zero, add, sub, mul, div; fmadd(a, b, c) = a*b + c,
//     fused at avx2, avx512 and neon, two roundings at sse42 and stdsimd (contracts
//     that use it state a bound covering both); reduce_add: a halving tree,
//     ceil(log2 W) additions deep.
//   Compare to mask. gt, ge, lt, le, eq ordered (a NaN lane is false); ne
//     unordered (a NaN lane is true), as C's != is.
//   Masks. tail(k): lanes [0, min(k, W)) (the Java API's indexInRange);
//     m_and, m_or, m_xor, m_andnot(a, b) = a & ~b, m_not (within W lanes);
//     bits(M) -> u64 (bit i = lane i) and from_bits; count, first (W when
//     empty), last (-1 when empty), any, all.
//   Blend. select(m, t, f): t where m, else f; masked_add(acc, m, x): acc + x
//     where m, else acc; masked_div(m, a, x): a / x where m, else 0, raising
//     no floating-point exception for lanes outside m.
//   u32 lanes (wrapping). set1_u32, iota_u32 (0..W-1), add, sub, mul (low 32
//     bits), xor_, srl<n>; to_f32: each lane as int32, converted.
// Levels with compress and arbitrary-mask memory ops in hardware add them
// (ops_avx512.hpp); the lookup-table forms of other levels are algorithms,
// kept in their family.
template <class O>
concept SimdOps = requires(typename O::V v, typename O::M m, typename O::U u, const float* pf, float* out,
                           const maskbench::Bf16* pb, const maskbench::F16* ph, std::size_t k, float x,
                           std::uint32_t n, std::uint64_t b) {
  { O::W } -> std::convertible_to<std::size_t>;
  { O::loadu(pf) } -> std::same_as<typename O::V>;
  { O::loadu(pb) } -> std::same_as<typename O::V>;
  { O::loadu(ph) } -> std::same_as<typename O::V>;
  { O::load_tail(pf, k) } -> std::same_as<typename O::V>;
  { O::load_tail(pb, k) } -> std::same_as<typename O::V>;
  { O::load_tail(ph, k) } -> std::same_as<typename O::V>;
  O::storeu(out, v);
  O::store_tail(out, v, k);
  { O::set1(x) } -> std::same_as<typename O::V>;
  { O::zero() } -> std::same_as<typename O::V>;
  { O::add(v, v) } -> std::same_as<typename O::V>;
  { O::sub(v, v) } -> std::same_as<typename O::V>;
  { O::mul(v, v) } -> std::same_as<typename O::V>;
  { O::div(v, v) } -> std::same_as<typename O::V>;
  { O::fmadd(v, v, v) } -> std::same_as<typename O::V>;
  { O::reduce_add(v) } -> std::same_as<float>;
  { O::gt(v, v) } -> std::same_as<typename O::M>;
  { O::ge(v, v) } -> std::same_as<typename O::M>;
  { O::lt(v, v) } -> std::same_as<typename O::M>;
  { O::le(v, v) } -> std::same_as<typename O::M>;
  { O::eq(v, v) } -> std::same_as<typename O::M>;
  { O::ne(v, v) } -> std::same_as<typename O::M>;
  { O::tail(k) } -> std::same_as<typename O::M>;
  { O::m_and(m, m) } -> std::same_as<typename O::M>;
  { O::m_or(m, m) } -> std::same_as<typename O::M>;
  { O::m_xor(m, m) } -> std::same_as<typename O::M>;
  { O::m_andnot(m, m) } -> std::same_as<typename O::M>;
  { O::m_not(m) } -> std::same_as<typename O::M>;
  { O::bits(m) } -> std::same_as<std::uint64_t>;
  { O::from_bits(b) } -> std::same_as<typename O::M>;
  { O::count(m) } -> std::same_as<std::size_t>;
  { O::first(m) } -> std::same_as<std::size_t>;
  { O::last(m) } -> std::same_as<std::ptrdiff_t>;
  { O::any(m) } -> std::same_as<bool>;
  { O::all(m) } -> std::same_as<bool>;
  { O::select(m, v, v) } -> std::same_as<typename O::V>;
  { O::masked_add(v, m, v) } -> std::same_as<typename O::V>;
  { O::masked_div(m, v, v) } -> std::same_as<typename O::V>;
  { O::set1_u32(n) } -> std::same_as<typename O::U>;
  { O::iota_u32() } -> std::same_as<typename O::U>;
  { O::add(u, u) } -> std::same_as<typename O::U>;
  { O::sub(u, u) } -> std::same_as<typename O::U>;
  { O::mul(u, u) } -> std::same_as<typename O::U>;
  { O::xor_(u, u) } -> std::same_as<typename O::U>;
  { O::template srl<8>(u) } -> std::same_as<typename O::U>;
  { O::to_f32(u) } -> std::same_as<typename O::V>;
};

static_assert(SimdOps<Ops>, "this level's simd::Ops does not provide the whole op set");

}  // namespace simd
}  // namespace
}  // namespace MB_NS
