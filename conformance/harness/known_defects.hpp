#pragma once
// The explicit list of known compiler defects (docs/known-defects.md has each
// one's minimal reproducer). A test of an implementation built by an affected
// compiler is skipped with "known defect <id>: ..." so that the results show
// it as a known defect, never as a pass; KnownDefects.ReproducersStillFail
// checks that each listed defect is still real on this build.
#include <span>
#include <string>
#include <string_view>

#include "maskbench/registry.hpp"

namespace maskbench::conformance {

struct KnownDefect {
  std::string_view id;
  // The compiler versions the defect was reproduced with, as prefixes of
  // maskbench::compiler(): a version nobody has checked is not assumed.
  std::span<const std::string_view> compilers;
  std::string_view implementation;
  std::string_view summary;

  bool applies_to(std::string_view compiler) const {
    for (std::string_view c : compilers)
      if (compiler.starts_with(c)) return true;
    return false;
  }
};

inline constexpr std::string_view kKd1Compilers[] = {"Clang 14.", "Clang 19."};

inline constexpr KnownDefect kKnownDefects[] = {
    {"KD-1", kKd1Compilers, "stdsimd-avx512",
     "clang (14 and 19 checked) with libstdc++ 12 <experimental/simd> at -march=x86-64-v4: where(mask, v) = w "
     "writes the wrong lanes (AVX-512 bitmask ABI), so every masked kernel of stdsimd-avx512 is wrong"},
};

inline const KnownDefect* known_defect(std::string_view implementation) {
  for (const KnownDefect& d : kKnownDefects)
    if (d.implementation == implementation && d.applies_to(compiler())) return &d;
  return nullptr;
}

}  // namespace maskbench::conformance
