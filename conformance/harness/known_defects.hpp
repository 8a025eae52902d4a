#pragma once
// The explicit list of known compiler defects (docs/known-defects.md has each
// one's minimal reproducer). A test of an implementation built by an affected
// compiler is skipped with "known defect <id>: ..." so that the results show
// it as a known defect, never as a pass; KnownDefects.ReproducersStillFail
// checks that each listed defect is still real on this build.
#include <string>
#include <string_view>

#include "maskbench/registry.hpp"

namespace maskbench::conformance {

struct KnownDefect {
  std::string_view id;
  std::string_view compiler_prefix;  // matched against maskbench::compiler()
  std::string_view implementation;
  std::string_view summary;
};

inline constexpr KnownDefect kKnownDefects[] = {
    {"KD-1", "Clang 14.", "stdsimd-avx512",
     "clang 14 with libstdc++ 12 <experimental/simd> at -march=x86-64-v4: where(mask, v) = w writes the "
     "wrong lanes (AVX-512 bitmask ABI), so every masked kernel of stdsimd-avx512 is wrong"},
};

inline const KnownDefect* known_defect(std::string_view implementation) {
  for (const KnownDefect& d : kKnownDefects)
    if (d.implementation == implementation && compiler().starts_with(d.compiler_prefix)) return &d;
  return nullptr;
}

}  // namespace maskbench::conformance
