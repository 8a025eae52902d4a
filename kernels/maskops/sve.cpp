// The mask primitives (maskbench/maskops.hpp) on SVE predicates, one vector
// of svcntw() lanes: 4 to 64 (128 to 2048 bits), so a predicate of 32-bit
// lanes always fits the interface's 64-bit mask. Predicates cross the
// interface through two OR reductions (lanes below 32 and from 32) and come
// back by shifting each lane's bit out of the mask word; everything in
// between is predicate instructions.
#include <arm_sve.h>

#include <algorithm>

#include "maskbench/maskops.hpp"
#include "simd/impl.hpp"
#include "simd/scalable.hpp"

namespace MB_NS {
namespace {

using maskbench::CmpOp;
using maskbench::MaskLogic;
using O = simd::Ops;

std::size_t width() { return svcntw(); }

svbool_t all() { return svptrue_b32(); }
svuint32_t lane() { return svindex_u32(0, 1); }
// Lanes 0..31 take their bit from the mask's low word, 32..63 from its high one.
svbool_t low_word() { return svcmplt(all(), lane(), 32u); }
svuint32_t bit_of_lane() { return svlsl_x(all(), svdup_u32(1), svand_x(all(), lane(), 31u)); }

std::uint64_t bits(svbool_t p) {
  const std::uint64_t lo = svorv(svand_z(all(), p, low_word()), bit_of_lane());
  const std::uint64_t hi = svorv(svbic_z(all(), p, low_word()), bit_of_lane());
  return lo | hi << 32;
}

svbool_t from_bits(std::uint64_t m) {
  const svuint32_t word =
      svsel(low_word(), svdup_u32(static_cast<std::uint32_t>(m)), svdup_u32(static_cast<std::uint32_t>(m >> 32)));
  return svcmpne(all(), svand_x(all(), svlsr_x(all(), word, svand_x(all(), lane(), 31u)), 1u), 0u);
}

std::uint64_t compare(const float* a, const float* b, CmpOp op) {
  const svfloat32_t va = svld1(all(), a), vb = svld1(all(), b);
  switch (op) {
    case CmpOp::gt: return bits(svcmpgt(all(), va, vb));
    case CmpOp::ge: return bits(svcmpge(all(), va, vb));
    case CmpOp::lt: return bits(svcmplt(all(), va, vb));
    case CmpOp::le: return bits(svcmple(all(), va, vb));
    case CmpOp::eq: return bits(svcmpeq(all(), va, vb));
    case CmpOp::ne: return bits(svcmpne(all(), va, vb));  // FCMNE: true where unordered
  }
  return 0;
}

std::uint64_t tail(std::size_t k) { return bits(svwhilelt_b32(std::uint64_t{0}, k)); }

std::uint64_t logic(std::uint64_t a, std::uint64_t b, MaskLogic op) {
  const svbool_t pa = from_bits(a), pb = from_bits(b);
  switch (op) {
    case MaskLogic::and_: return bits(svand_z(all(), pa, pb));
    case MaskLogic::or_: return bits(svorr_z(all(), pa, pb));
    case MaskLogic::andnot: return bits(svbic_z(all(), pa, pb));
    case MaskLogic::xor_: return bits(sveor_z(all(), pa, pb));
    case MaskLogic::not_: return bits(svnot_z(all(), pa));
  }
  return 0;
}

std::size_t true_count(std::uint64_t m) { return svcntp_b32(all(), from_bits(m)); }
// BRKB keeps the lanes before the first true one: their count is its index,
// W for an empty mask.
std::size_t first_true(std::uint64_t m) { return svcntp_b32(all(), svbrkb_z(all(), from_bits(m))); }
// The same on the reversed predicate counts the lanes after the last one.
std::ptrdiff_t last_true(std::uint64_t m) {
  const svbool_t p = from_bits(m);
  if (!svptest_any(all(), p)) return -1;
  return static_cast<std::ptrdiff_t>(svcntw() - 1 - svcntp_b32(all(), svbrkb_z(all(), svrev_b32(p))));
}
bool any_true(std::uint64_t m) { return svptest_any(all(), from_bits(m)); }
bool all_true(std::uint64_t m) { return !svptest_any(all(), svnot_z(all(), from_bits(m))); }

void blend(std::uint64_t m, const float* t, const float* f, float* out) {
  svst1(all(), out, svsel(from_bits(m), svld1(all(), t), svld1(all(), f)));
}

void copy_tail(const float* src, float* dst, std::size_t k) {
  const svbool_t pg = svwhilelt_b32(std::uint64_t{0}, k);
  svst1(pg, dst, svld1(pg, src));
}

// The scalable op set's loads (simd/scalable.hpp), predicated to k lanes.
template <class T>
void widen(const T* src, float* dst, std::size_t k) {
  const std::size_t n = std::min(k, width());
  O::store(dst, O::load(src, n), n);
}

constexpr maskbench::MaskOpsKernels kTable{width,     compare,  tail,     logic, true_count, first_true, last_true,
                                           any_true,  all_true, blend,    copy_tail, widen<maskbench::Bf16>,
                                           widen<maskbench::F16>};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(maskops, kTable)
