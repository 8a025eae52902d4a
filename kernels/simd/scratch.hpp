#pragma once
// Heap scratch for the kernel sources (reference and SIMD), zeroed. Not
// std::vector: its members would be weak definitions that an ISA-flagged
// object shares with every other object (simd/impl.hpp); clang's sanitizer
// build keeps them out of line (tests/isa_symbols.py). new[] honours an
// over-aligned T (a vector type, a cache-line-aligned row).
#include <cstddef>

#include "simd/impl.hpp"

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp

template <class T = float>
class Scratch {
 public:
  explicit Scratch(std::size_t n) : p_(new T[n]()) {}
  ~Scratch() { delete[] p_; }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  T& operator[](std::size_t i) { return p_[i]; }
  T* data() { return p_; }

 private:
  T* p_;
};

}  // namespace
}  // namespace MB_NS
