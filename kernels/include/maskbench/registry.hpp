#pragma once
// The registry of implementations: generated at build time from
// cmake/Implementations.cmake, the single table of what exists. Tests,
// benchmarks and reports enumerate it; nothing else lists implementations.
//
// An implementation provides some kernel families. A family's kernels are a
// struct of function pointers declared in maskbench/<family>.hpp with a static
// `kFamily` name; `impl.kernels<CondKernels>()` returns it, or nullptr when the
// implementation does not provide that family.
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

struct Implementation {
  std::string_view name;
  std::string_view description;
  std::string_view compile_flags;
  FeatureSet required;
  std::span<const FamilyEntry> families;

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
// Every family name that some implementation provides, sorted.
MB_API std::span<const std::string_view> families();

struct Runnability {
  bool ok = false;
  std::string reason;  // why not, e.g. "needs lzcnt, which this CPU lacks" or "avx512 disabled by MASKBENCH_DISABLE"
};
MB_API Runnability runnable(const Implementation& impl, const CpuInfo& cpu = host_cpu());

// "GNU 12.2.0": the compiler that built the kernel library.
MB_API std::string_view compiler();

}  // namespace maskbench
