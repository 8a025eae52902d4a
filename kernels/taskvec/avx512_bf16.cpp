// The task-vector family with AVX512_BF16: bf16 checkpoints' Gram by
// vdpbf16ps, 32 products per instruction where an FMA takes 16, on the
// differences rounded to bf16 (GramOperands::bf16 states what that costs in
// accuracy). Every other kernel, and the gram of f32 and f16 inputs, is
// avx512's (taskvec/simd_kernels.hpp). Only ever compiled with -mavx512bf16;
// simde 0.7.4 has no bf16 dot products, so they are the intrinsics.
#include <immintrin.h>

#include "taskvec/simd_kernels.hpp"

namespace MB_NS {
namespace {

static_assert(W == 16, "the bf16 operands pair up two f32 vectors of 16 lanes");

// A block's row holds each task's differences as bf16 pairs, 32 to a vector,
// twice f32's elements in the same bytes.
struct Bf16DotProducts {
  using Elem = std::uint16_t;
  using X = __m512bh;
  static constexpr std::size_t kPer = 2 * W;
  static X load(const Elem* p) { return (X)_mm512_load_si512(p); }
  static V madd(X x, X y, V acc) { return _mm512_dpbf16_ps(acc, x, y); }

  // d[e - base] = bf16(x[e] - pre_row[e - base]) for e in [base, end), zeros
  // from `end` up to the next operand vector (pre_row holds them too).
  static void fill(const Bf16* x, const float* pre_row, std::size_t base, std::size_t end, Elem* d) {
    const auto put = [&](std::size_t i, V lo, V hi) {
      const V d0 = O::sub(lo, O::loadu(pre_row + (i - base))), d1 = O::sub(hi, O::loadu(pre_row + (i + W - base)));
      // Rounds to nearest even; an f32 subnormal difference becomes zero.
      _mm512_store_si512(d + (i - base), (__m512i)_mm512_cvtne2ps_pbh(d1, d0));
    };
    // Full operand vectors, then the tail, as each_vector does.
    std::size_t i = base;
    for (; i + kPer <= end; i += kPer) put(i, O::loadu(x + i), O::loadu(x + i + W));
    if (i < end) put(i, load_at(x, i, end), i + W < end ? load_at(x, i + W, end) : O::zero());
  }
};

// Up to kDirectTasks tasks take avx512's widening products from registers
// (gram_direct), which read memory as fast as it comes: 4 x 4 tiles of dot
// products spend 16 products for as few as 3 entries and go through L1 (at
// K = 4 the tiles took 1.3x its time in memory and 1.6x at L2 size on the
// AMD development VM). Its bound is within this one's.
void gram_bf16_dot(const Bf16* pre, const Bf16* const* ft, std::size_t k, std::size_t n, double* out) {
  if (k <= kDirectTasks)
    gram_few<kDirectTasks>(pre, ft, k, n, out);
  else
    gram_tiles_for<Bf16DotProducts>(pre, ft, k, n, out);
}

#include "taskvec/entry_points.hpp"

constexpr maskbench::TaskvecKernels kBf16Table = [] {
  maskbench::TaskvecKernels t = kTable;
  t.bf16.gram = gram_bf16_dot;
  t.bf16.gram_operands = maskbench::GramOperands::bf16;
  t.bf16.gram_rounds_from_tasks = kDirectTasks + 1;
  return t;
}();

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(taskvec, kBf16Table)
