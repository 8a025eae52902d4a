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
#include "simd/ops_common.hpp"

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

// The op set: simd_ops::CommonOps (simd/ops_common.hpp, where the shared ops
// are stated) and, in the same terms:
//   lanes(): the f32 lanes L a vector holds, a power of two, at most
//     kMaxLanes (a level whose registers hold more uses only the first
//     kMaxLanes, so that scratch sized by kMaxLanes always fits).
//   Memory. load(p, k): lanes [0, k) from p (k <= L), the others 0, nothing
//     read at p + k or past; f32, Bf16 or F16 (widened exactly, as
//     maskbench::widen, a NaN quieted). store(p, v, k): lanes [0, k) only.
//   fmadd is fused at both levels.
template <class O>
concept ScalableOps = maskbench::simd_ops::CommonOps<O> &&
                      requires(typename O::V v, const float* pf, float* out, const maskbench::Bf16* pb,
                               const maskbench::F16* ph, std::size_t k) {
  { O::kMaxLanes } -> std::convertible_to<std::size_t>;
  { O::lanes() } -> std::same_as<std::size_t>;
  { O::load(pf, k) } -> std::same_as<typename O::V>;
  { O::load(pb, k) } -> std::same_as<typename O::V>;
  { O::load(ph, k) } -> std::same_as<typename O::V>;
  O::store(out, v, k);
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
