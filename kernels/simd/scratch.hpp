#pragma once
// Heap scratch for the kernel sources (reference and SIMD), zeroed unless
// asked not to be (kUnzeroed: a kernel that writes all of it first). Not
// std::vector: its members would be weak definitions that an ISA-flagged
// object shares with every other object (simd/impl.hpp); clang's sanitizer
// build keeps them out of line (tests/isa_symbols.py).
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>

#include "simd/impl.hpp"

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp

struct Unzeroed {};
inline constexpr Unzeroed kUnzeroed{};

template <class T = float>
class Scratch {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
  // Cache-line aligned whatever T is: a vector loaded from a packed panel
  // (vera's merge) must not straddle two lines.
  static constexpr std::size_t kAlign = alignof(T) > 64 ? alignof(T) : 64;

 public:
  // The library's aligned operator new, which throws std::bad_alloc itself:
  // a throw written here would give this object its own weak copy of
  // bad_alloc's constructor, which clang keeps out of line
  // (tests/isa_symbols.py).
  Scratch(std::size_t n, Unzeroed)
      : p_(static_cast<T*>(::operator new(std::max<std::size_t>(n, 1) * sizeof(T), std::align_val_t{kAlign}))) {}
  explicit Scratch(std::size_t n) : Scratch(n, kUnzeroed) {
    std::memset(static_cast<void*>(p_), 0, std::max<std::size_t>(n, 1) * sizeof(T));
  }
  ~Scratch() { ::operator delete(p_, std::align_val_t{kAlign}); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  T& operator[](std::size_t i) { return p_[i]; }
  T* data() { return p_; }

 private:
  T* p_;
};

}  // namespace
}  // namespace MB_NS
