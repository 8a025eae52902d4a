#pragma once
// The streaming schedule the task-vector family shares at every SIMD level,
// fixed-width (simd.cpp) and scalable (scalable.cpp): D is read in blocks of
// kBlock elements, each task's differences for a block parked in an L1 row,
// and f32 partial sums are flushed into double every kFlush elements.
#include <algorithm>
#include <cstddef>

#include "maskbench/streaming.hpp"
#include "maskbench/taskvec.hpp"
#include "simd/impl.hpp"
#include "simd/prefetch.hpp"

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp

// Elements per block: k * kBlock floats of differences, 16 KiB at k = 16.
constexpr std::size_t kBlock = 256;
// Up to this many tasks gram_tiles takes blocks of kBlock elements, beyond
// it 2 * kBlock (simd_kernels.hpp, gram_tiles_for).
constexpr std::size_t kShortBlockTasks = 32;
// Elements per f32 partial sum before it is flushed into double: each lane
// accumulator takes kFlush / lanes products.
constexpr std::size_t kFlush = 8192;
// The most input bytes one unit of gram_tiles' fill reads (a stream's
// stretch of a block, or a part of it): a block's whole kilobyte of f32 or
// of bf16 for the dot-product row, read and prefetched as one unit, took
// 1.10-1.17x the time of halves at K = 8 in memory (avx2, stdsimd-avx512,
// avx512-bf16 on the Xeon VM); f16's and bf16's half kilobyte is one unit.
constexpr std::size_t kUnitBytes = 512;
// How many units ahead gram_tiles prefetches: 4 KiB of input ahead. f16 at
// K = 16 in memory took 1.17x the time of 8 with 2 and 1.04x with 4, and
// K = 8 rows in memory 1.04-1.5x with 16 or 32, on the Xeon VM.
constexpr std::size_t kLeadUnits = 8;
// Prefetch distance in elements.
constexpr std::size_t kAhead = 2 * kBlock;
// Every lane count up to 64 f32 lanes (2048 bits) divides a block.
static_assert(kFlush % kBlock == 0 && kBlock % 64 == 0);

// The additions deep a partial sum over n elements is, at `lanes` lanes
// (the bound the contract's error terms take): a lane's running sum, then
// the lanes' tree and the flush.
inline std::size_t sum_depth_at(std::size_t n, std::size_t lanes) {
  return std::min((n + lanes - 1) / lanes, kFlush / lanes) + 3;
}

// One task's differences for a block, a cache line aligned: kF32Elements
// f32 (kBlock, or twice that for many tasks), or as many narrower elements
// (a row with narrower dot products) as fit the same bytes, so that k rows
// take the same share of the caches either way.
template <class E = float, std::size_t kF32Elements = kBlock>
struct alignas(64) TauRow {
  static constexpr std::size_t kElements = kF32Elements * sizeof(float) / sizeof(E);
  static_assert(kFlush % kElements == 0);
  E d[kElements];
};

// Whether a Gram over `streams` arrays of n elements prefetches them: only
// when they cannot all be in L2 (maskbench/streaming.hpp).
template <class T>
inline bool prefetches(std::size_t streams, std::size_t n) {
  return streams * n * sizeof(T) > maskbench::stream_prefetch_bytes();
}

// The prefetch distance of the block streams (simd/prefetch.hpp).
template <class T>
inline void prefetch_ahead(const T* p, std::size_t ahead = kAhead) {
  prefetch_l2(p, ahead);
}

}  // namespace
}  // namespace MB_NS
