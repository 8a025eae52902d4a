#pragma once
// The ops of a scalable level (SVE, RVV), whose lane count is known only at
// run time and whose vector types are sizeless: they cannot be array or
// struct members, so the fixed-width op set of ops.hpp (compile-time W,
// arrays of accumulators) does not fit them. Families written once for both
// scalable levels (kernels/<family>/scalable.cpp) use this op set; a family
// whose algorithm differs per level keeps its own sve.cpp or rvv.cpp.
#include <concepts>
#include <cstddef>
#include <cstdint>

#include "maskbench/half.hpp"
#include "simd/impl.hpp"

#if defined(MB_LEVEL_sve)
#include "simd/scalable_sve.hpp"
#elif defined(MB_LEVEL_rvv)
#include "simd/scalable_rvv.hpp"
#else
#error "simd/scalable.hpp is for the scalable levels (sve, rvv)"
#endif

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp
namespace simd {

// The op set, in the terms of the kernel contracts:
//   lanes(): the f32 lanes L a vector holds, a power of two, at most
//     kMaxLanes (a level whose registers hold more uses only the first
//     kMaxLanes, so that scratch sized by kMaxLanes always fits). V: L f32
//     lanes; M: a mask of L lanes; U: L u32 lanes.
//   Memory. load(p, k): lanes [0, k) from p (k <= L), the others 0, nothing
//     read at p + k or past; f32, Bf16 or F16 (widened exactly, as
//     maskbench::widen, a NaN quieted). store(p, v, k):
//     lanes [0, k) only.
//   Arithmetic on all L lanes. set1, zero, add, sub, mul, div; fmadd(a, b, c)
//     = a*b + c, fused; reduce_add: a halving tree, log2(L) additions deep.
//   Compare to mask: gt, ge, lt, le (ordered: a NaN lane is false).
//   Masks: tail(k): lanes [0, k); m_and, m_or, m_not, m_andnot(a, b) = a & ~b;
//     count.
//   select(m, t, f): t where m, else f.
//   u32 lanes (wrapping): set1_u32, iota_u32 (0..L-1), add, sub, mul (low 32
//     bits), xor_, srl<n>; to_f32: each lane as int32, converted.
template <class O>
concept ScalableOps = requires(typename O::V v, typename O::M m, typename O::U u, const float* pf, float* out,
                               const maskbench::Bf16* pb, const maskbench::F16* ph, std::size_t k, float x,
                               std::uint32_t n) {
  { O::kMaxLanes } -> std::convertible_to<std::size_t>;
  { O::lanes() } -> std::same_as<std::size_t>;
  { O::load(pf, k) } -> std::same_as<typename O::V>;
  { O::load(pb, k) } -> std::same_as<typename O::V>;
  { O::load(ph, k) } -> std::same_as<typename O::V>;
  O::store(out, v, k);
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

static_assert(ScalableOps<Ops>, "this level's simd::Ops does not provide the scalable op set");

// ceil(log2(lanes())): the depth of reduce_add.
inline std::size_t log2_lanes() {
  std::size_t l = 0;
  while ((std::size_t{1} << l) < Ops::lanes()) ++l;
  return l;
}

// The lanes of v summed in double, in lane order.
inline double lane_sum(Ops::V v) {
  float lanes[Ops::kMaxLanes];
  Ops::store(lanes, v, Ops::lanes());
  double s = 0.0;
  for (std::size_t i = 0; i < Ops::lanes(); ++i) s += lanes[i];
  return s;
}

}  // namespace simd
}  // namespace
}  // namespace MB_NS
