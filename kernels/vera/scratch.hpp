#pragma once
// Scratch rows for the VeRA sources (reference and SIMD). Not std::vector:
// its members would be weak definitions that an ISA-flagged object shares
// with every other object (simd/impl.hpp); clang's sanitizer build keeps
// them out of line (tests/isa_symbols.py).
#include <cstddef>

#include "simd/impl.hpp"

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp

class Scratch {
 public:
  explicit Scratch(std::size_t n) : p_(new float[n]()) {}
  ~Scratch() { delete[] p_; }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  float& operator[](std::size_t i) { return p_[i]; }
  float* data() { return p_; }

 private:
  float* p_;
};

}  // namespace
}  // namespace MB_NS
