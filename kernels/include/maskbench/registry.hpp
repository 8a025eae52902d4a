#pragma once
// The registry of implementations: generated at build time from
// cmake/Implementations.cmake, the single table of what exists. Tests,
// benchmarks and reports enumerate it; nothing else lists implementations.
//
// An implementation provides some kernel families. A family's kernels are a
// struct of function pointers declared in maskbench/<family>.hpp with a static
// `kFamily` name; `impl.kernels<CondKernels>()` returns it, or nullptr when the
// implementation does not provide that family.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "maskbench/cpu.hpp"
#include "maskbench/export.hpp"

namespace maskbench {

struct FamilyEntry {
  std::string_view family;
  const void* (*table)() noexcept;
  std::string_view source;  // the file compiled for it, relative to the repository
};

// How an implementation's code is written (cmake/Implementations.cmake, KIND).
enum class Kind : std::uint8_t {
  reference,
  scalar_variant,
  intrinsics,
  stdsimd,
  autovec,
  emulated,
  translated,
  reduced_precision,
};
MB_API std::string_view kind_name(Kind kind);

struct Implementation {
  std::string_view name;
  std::string_view description;
  std::string_view compile_flags;
  FeatureSet required;  // its level, the levels below it and its extras
  Kind kind;
  std::string_view level;  // its ISA level, a feature name ("avx2"), or "baseline" when it needs none
  FeatureSet extras;       // what it needs beyond its level ("avx512vbmi2")
  std::span<const FamilyEntry> families;

  bool provides(std::string_view family) const {
    for (const FamilyEntry& f : families)
      if (f.family == family) return true;
    return false;
  }
  template <class Table>
  const Table* kernels() const {
    for (const FamilyEntry& f : families)
      if (f.family == Table::kFamily) return static_cast<const Table*>(f.table());
    return nullptr;
  }
};

MB_API std::span<const Implementation> implementations();

// Every implementation that provides the family Table, in registry order.
template <class Table>
std::vector<const Implementation*> implementations_with() {
  std::vector<const Implementation*> out;
  for (const Implementation& impl : implementations())
    if (impl.kernels<Table>() != nullptr) out.push_back(&impl);
  return out;
}
MB_API const Implementation* find_implementation(std::string_view name);
// The row of kind reference: the plain scalar loop that every other row is
// checked and compared against (the table has exactly one).
MB_API const Implementation& reference();
// Every family name that some implementation provides, sorted.
MB_API std::span<const std::string_view> families();

struct Runnability {
  bool ok = false;
  std::string reason;  // why not, e.g. "needs lzcnt, which this CPU lacks" or "avx512 disabled by MASKBENCH_DISABLE"
};
MB_API Runnability runnable(const Implementation& impl, const CpuInfo& cpu = host_cpu());

// "GNU 12.2.0": the compiler that built the kernel library.
MB_API std::string_view compiler();
// "x86_64", "aarch64", ...: the architecture the kernel library was built
// for, whose rows of cmake/Implementations.cmake it holds.
MB_API std::string_view target_architecture();

}  // namespace maskbench
