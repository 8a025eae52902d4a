#pragma once
// Software prefetch for the streaming kernels, one definition for every
// family and level.
#include <cstddef>

#include "simd/impl.hpp"

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp

// Asks for the line `ahead` elements past p into L2 (locality 2:
// prefetcht1), not L1. A kernel that streams several arrays at once keeps
// its working rows in L1; lines prefetched there evict them (and each other)
// before use. On the AMD development VM the L2 form also read memory faster
// than the L1 form or none at all for one or many row streams (VeRA's eight
// W0 rows: 1.27x the L1 form, 1.08x none; the Gram from K = 4, 1.2-1.35x).
template <class T>
inline void prefetch_l2(const T* p, std::size_t ahead) {
  __builtin_prefetch(p + ahead, 0, 2);
}

}  // namespace
}  // namespace MB_NS
