// Each mask primitive of the level's ops, one vector at a time (see
// maskbench/maskops.hpp). The bitmask crosses the interface; everything in
// between is the level's own mask type and instructions.
#include "maskbench/maskops.hpp"
#include "simd/ops.hpp"

namespace MB_NS {
namespace {

using O = simd::Ops;
using maskbench::CmpOp;
using maskbench::MaskLogic;

std::uint64_t compare(const float* a, const float* b, CmpOp op) {
  const O::V va = O::loadu(a), vb = O::loadu(b);
  switch (op) {
    case CmpOp::gt: return O::bits(O::gt(va, vb));
    case CmpOp::ge: return O::bits(O::ge(va, vb));
    case CmpOp::lt: return O::bits(O::lt(va, vb));
    case CmpOp::le: return O::bits(O::le(va, vb));
    case CmpOp::eq: return O::bits(O::eq(va, vb));
    case CmpOp::ne: return O::bits(O::ne(va, vb));
  }
  return 0;
}

std::uint64_t tail(std::size_t k) { return O::bits(O::tail(k)); }

std::uint64_t logic(std::uint64_t a, std::uint64_t b, MaskLogic op) {
  const O::M ma = O::from_bits(a), mb = O::from_bits(b);
  switch (op) {
    case MaskLogic::and_: return O::bits(O::m_and(ma, mb));
    case MaskLogic::or_: return O::bits(O::m_or(ma, mb));
    case MaskLogic::andnot: return O::bits(O::m_andnot(ma, mb));
    case MaskLogic::xor_: return O::bits(O::m_xor(ma, mb));
    case MaskLogic::not_: return O::bits(O::m_not(ma));
  }
  return 0;
}

std::size_t true_count(std::uint64_t m) { return O::count(O::from_bits(m)); }
std::size_t first_true(std::uint64_t m) { return O::first(O::from_bits(m)); }
std::ptrdiff_t last_true(std::uint64_t m) { return O::last(O::from_bits(m)); }
bool any_true(std::uint64_t m) { return O::any(O::from_bits(m)); }
bool all_true(std::uint64_t m) { return O::all(O::from_bits(m)); }

void blend(std::uint64_t m, const float* t, const float* f, float* out) {
  O::storeu(out, O::select(O::from_bits(m), O::loadu(t), O::loadu(f)));
}

void copy_tail(const float* src, float* dst, std::size_t k) { O::store_tail(dst, O::load_tail(src, k), k); }

std::size_t width() { return O::W; }

template <class T>
void widen(const T* src, float* dst, std::size_t k) {
  if (k == O::W)
    O::storeu(dst, O::loadu(src));
  else
    O::store_tail(dst, O::load_tail(src, k), k);
}

constexpr maskbench::MaskOpsKernels kTable{width,      compare,  tail,     logic, true_count,   first_true,
                                           last_true, any_true, all_true, blend, copy_tail,    widen<maskbench::Bf16>,
                                           widen<maskbench::F16>};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(maskops, kTable)
