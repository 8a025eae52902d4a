#pragma once
// The VeRA family's row sources, for the fixed-width (simd/ops.hpp) and the
// scalable (simd/scalable.hpp) levels alike: row(i) is a cursor over row i of
// a matrix, however it is stored, with
//   load(j): a whole vector from column j (fixed-width levels only);
//   load_tail(j, k): k lanes from column j, the others 0, nothing read past
//     (k < W at a fixed-width level, k <= lanes() at a scalable one);
//   prefetch(j): a hint for column j + kAhead of the same row.
// so that W0, A and B share one dot-product loop and one tail.
#include <cstddef>
#include <cstdint>

#include "maskbench/half.hpp"
#include "maskbench/vera.hpp"
#include "simd/impl.hpp"
#include "simd/prefetch.hpp"
#include "vera/generated_lanes.hpp"

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp

// How far ahead in a row to prefetch, in elements. The hardware prefetchers
// stop at every 4 KiB page and a row block is several streams; software
// prefetch into L2 (simd/prefetch.hpp) keeps the memory requests in flight
// across the page boundaries (measured at 4096 x 4096: about 10% for f32 on
// the Xeon with the L1 form; for bf16, 512 elements ahead beat 1024). It
// never reaches past the row.
constexpr std::size_t kAheadElements = 512;

// A matrix in memory, f32 or bf16 (widened in registers), leading dimension ld.
template <class O, class T>
struct MemoryRowsOf {
  const T* p;
  std::size_t ld;
  struct Row {
    const T* q = nullptr;
    static constexpr std::size_t kAhead = kAheadElements;
    void prefetch(std::size_t j) const { prefetch_l2(q + j, kAhead); }
    typename O::V load(std::size_t j) const { return O::loadu(q + j); }
    typename O::V load_tail(std::size_t j, std::size_t k) const {
      if constexpr (requires { O::lanes(); })
        return O::load(q + j, k);
      else
        return O::load_tail(q + j, k);
    }
  };
  Row row(std::size_t i) const { return {p + i * ld}; }
};

// The generator of maskbench/vera.hpp, a vector of columns at a time.
template <class O>
struct SeededRowsOf {
  std::uint64_t seed;
  maskbench::VeraMatrix k;
  float scale;
  struct Row {
    maskbench::VeraRowKey key{};
    float scale = 0.0f;
    static constexpr std::size_t kAhead = 0;
    void prefetch(std::size_t) const {}
    typename O::V load(std::size_t j) const { return vera_generated<O>(key, scale, static_cast<std::uint32_t>(j)); }
    typename O::V load_tail(std::size_t j, std::size_t k) const {
      return O::select(O::tail(k), load(j), O::zero());
    }
  };
  Row row(std::size_t i) const { return {maskbench::vera_row_key(seed, k, i), scale}; }
};

}  // namespace
}  // namespace MB_NS
