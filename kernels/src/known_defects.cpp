#include "maskbench/known_defects.hpp"

#include <vector>

#include <fmt/format.h>

namespace maskbench {
namespace {

constexpr std::string_view kKd1Compilers[] = {"Clang 14.", "Clang 19."};

constexpr KnownDefect kKnownDefects[] = {
    {"KD-1", "x86_64", kKd1Compilers, "stdsimd-avx512",
     "clang (14 and 19 checked) with libstdc++ 12 <experimental/simd> at -march=x86-64-v4: where(mask, v) = w "
     "writes the wrong lanes (AVX-512 bitmask ABI), so every masked kernel of stdsimd-avx512 is wrong"},
};

}  // namespace

std::span<const KnownDefect> known_defects() {
  static const std::vector<KnownDefect> here = [] {
    std::vector<KnownDefect> out;
    for (const KnownDefect& d : kKnownDefects)
      if (d.architecture == target_architecture()) out.push_back(d);
    return out;
  }();
  return here;
}

const KnownDefect* known_defect(std::string_view implementation, std::string_view compiler_id) {
  for (const KnownDefect& d : known_defects())
    if (d.implementation == implementation && d.applies_to(compiler_id)) return &d;
  return nullptr;
}

Runnability usable(const Implementation& impl, const CpuInfo& cpu, std::string_view compiler_id) {
  Runnability r = runnable(impl, cpu);
  if (!r.ok) return r;
  if (const KnownDefect* d = known_defect(impl.name, compiler_id))
    return {false, fmt::format("known defect {} of {}: {} (docs/known-defects.md)", d->id, compiler_id, d->summary)};
  return r;
}

std::vector<const Implementation*> usable_implementations(std::string_view family, const CpuInfo& cpu,
                                                          std::string_view compiler_id) {
  std::vector<const Implementation*> out;
  for (const Implementation& impl : implementations())
    if (impl.provides(family) && usable(impl, cpu, compiler_id).ok) out.push_back(&impl);
  return out;
}

NamedChoice choose_named(std::string_view name, std::string_view family, bool allow_known_defect, const CpuInfo& cpu,
                         std::string_view compiler_id) {
  const Implementation* impl = find_implementation(name);
  if (impl == nullptr || !impl->provides(family))
    return {nullptr, nullptr, fmt::format("no implementation '{}' provides {}; see maskbench info", name, family)};
  if (const Runnability r = runnable(*impl, cpu); !r.ok)
    return {nullptr, nullptr, fmt::format("{} cannot run here: {}", name, r.reason)};
  const KnownDefect* d = known_defect(name, compiler_id);
  if (d != nullptr && !allow_known_defect)
    return {nullptr, d,
            fmt::format("{} is known defect {} of {}, the compiler of this build ({}); it gives wrong results "
                        "(docs/known-defects.md); pass --allow-known-defect to use it anyway",
                        name, d->id, compiler_id, d->summary)};
  return {impl, d, {}};
}

}  // namespace maskbench
