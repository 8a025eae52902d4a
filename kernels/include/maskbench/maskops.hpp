#pragma once
// The mask primitives every masked kernel stands on, exposed one vector at a
// time so that conformance can test each level's primitives directly against
// their scalar meaning. Masks cross this interface as bitmasks: bit i = lane i,
// only the low `width` bits may be set.
#include <cstddef>
#include <cstdint>

#include "maskbench/half.hpp"

namespace maskbench {

enum class CmpOp : int { gt, ge, lt, le, eq, ne };
enum class MaskLogic : int { and_, or_, andnot, xor_, not_ };

struct MaskOpsKernels {
  static constexpr const char* kFamily = "maskops";

  // W: f32 lanes per vector at this level, at most 64 (a mask is a
  // uint64_t); where the vector length is the machine's (SVE, RVV) it is
  // read at run time.
  std::size_t (*width)();
  // Lane i of the result is a[i] op b[i]; reads a[0, W) and b[0, W).
  // gt, ge, lt, le, eq are ordered (NaN false); ne is unordered (NaN true).
  std::uint64_t (*compare)(const float* a, const float* b, CmpOp op);
  // indexInRange: lanes [0, min(k, W)).
  std::uint64_t (*tail)(std::size_t k);
  // andnot is a & ~b; not ignores b. Computed in the level's mask type.
  std::uint64_t (*logic)(std::uint64_t a, std::uint64_t b, MaskLogic op);
  std::size_t (*true_count)(std::uint64_t m);
  std::size_t (*first_true)(std::uint64_t m);     // W for an empty mask
  std::ptrdiff_t (*last_true)(std::uint64_t m);   // -1 for an empty mask
  bool (*any_true)(std::uint64_t m);
  bool (*all_true)(std::uint64_t m);
  // out[i] = m[i] ? t[i] : f[i]; reads t, f and writes out over W lanes.
  void (*blend)(std::uint64_t m, const float* t, const float* f, float* out);
  // Copies src[0, k) to dst[0, k), k <= W, with the tail load and store:
  // touches nothing past src + k or dst + k.
  void (*copy_tail)(const float* src, float* dst, std::size_t k);
  // dst[0, k) = widen(src[0, k)) (maskbench/half.hpp), k <= W, with the
  // level's widening load (whole for k == W, the tail load below it) and the
  // tail store: touches nothing past src + k or dst + k. bf16 widens bit for
  // bit; f16 exactly, a NaN to a NaN of the same sign.
  void (*widen_bf16)(const Bf16* src, float* dst, std::size_t k);
  void (*widen_f16)(const F16* src, float* dst, std::size_t k);
};

}  // namespace maskbench
