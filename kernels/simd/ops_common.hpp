#pragma once
// The ops every level provides, fixed-width (ops.hpp) and scalable
// (scalable.hpp) alike, stated once; each of those headers adds what only its
// kind of level has (a compile-time W and whole-vector memory ops, or a
// run-time lane count and counted loads).
//
// In the terms of the kernel contracts (L: the level's f32 lanes; V: L f32
// lanes; M: a mask of L lanes; U: L u32 lanes):
//   Arithmetic on all L lanes. set1, zero, add, sub, mul, div; fmadd(a, b, c)
//     = a*b + c (fused or not: the level's header says; contracts that use it
//     state a bound covering both); reduce_add: a halving tree, ceil(log2 L)
//     additions deep.
//   Compare to mask: gt, ge, lt, le (ordered: a NaN lane is false).
//   Masks. tail(k): lanes [0, min(k, L)) (the Java API's indexInRange);
//     m_and, m_or, m_andnot(a, b) = a & ~b, m_not (within L lanes); count.
//   select(m, t, f): t where m, else f.
//   u32 lanes (wrapping): set1_u32, iota_u32 (0..L-1), add, sub, mul (low 32
//     bits), xor_, srl<n>; to_f32: each lane as int32, converted.
#include <concepts>
#include <cstddef>
#include <cstdint>

namespace maskbench::simd_ops {

template <class O>
concept CommonOps = requires(typename O::V v, typename O::M m, typename O::U u, std::size_t k, float x,
                             std::uint32_t n) {
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
  { O::tail(k) } -> std::same_as<typename O::M>;
  { O::m_and(m, m) } -> std::same_as<typename O::M>;
  { O::m_or(m, m) } -> std::same_as<typename O::M>;
  { O::m_andnot(m, m) } -> std::same_as<typename O::M>;
  { O::m_not(m) } -> std::same_as<typename O::M>;
  { O::count(m) } -> std::same_as<std::size_t>;
  { O::select(m, v, v) } -> std::same_as<typename O::V>;
  { O::set1_u32(n) } -> std::same_as<typename O::U>;
  { O::iota_u32() } -> std::same_as<typename O::U>;
  { O::add(u, u) } -> std::same_as<typename O::U>;
  { O::sub(u, u) } -> std::same_as<typename O::U>;
  { O::mul(u, u) } -> std::same_as<typename O::U>;
  { O::xor_(u, u) } -> std::same_as<typename O::U>;
  { O::template srl<8>(u) } -> std::same_as<typename O::U>;
  { O::to_f32(u) } -> std::same_as<typename O::V>;
};

}  // namespace maskbench::simd_ops
