#pragma once
// Picks the ops of this implementation's level (MB_LEVEL_* is set by the
// build). Every ops struct has the same interface, documented in ops_sse42.hpp,
// so a kernel written once as a template over Ops compiles for every level.
#include "simd/impl.hpp"

#if defined(MB_LEVEL_sse42)
#include "simd/ops_sse42.hpp"
#elif defined(MB_LEVEL_avx2)
#include "simd/ops_avx2.hpp"
#elif defined(MB_LEVEL_avx512)
#include "simd/ops_avx512.hpp"
#elif defined(MB_LEVEL_stdsimd)
#include "simd/ops_stdsimd.hpp"
#else
#error "simd/ops.hpp is for SIMD levels; scalar sources live in reference/"
#endif
