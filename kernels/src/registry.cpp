#include "maskbench/registry.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

using maskbench::FamilyEntry;
using maskbench::Feature;
using maskbench::FeatureSet;
using maskbench::Implementation;
using maskbench::Kind;

#include "registry_table.inc"

namespace maskbench {

std::span<const Implementation> implementations() { return detail::kImplementations; }

const Implementation* find_implementation(std::string_view name) {
  for (const Implementation& impl : detail::kImplementations)
    if (impl.name == name) return &impl;
  return nullptr;
}

const Implementation& reference() {
  static const Implementation& row = *std::find_if(std::begin(detail::kImplementations), std::end(detail::kImplementations),
                                                   [](const Implementation& impl) { return impl.kind == Kind::reference; });
  return row;
}

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::reference: return "reference";
    case Kind::scalar_variant: return "scalar_variant";
    case Kind::intrinsics: return "intrinsics";
    case Kind::stdsimd: return "stdsimd";
    case Kind::autovec: return "autovec";
    case Kind::emulated: return "emulated";
    case Kind::translated: return "translated";
    case Kind::reduced_precision: return "reduced_precision";
  }
  return "unknown";
}

std::span<const std::string_view> families() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (const Implementation& impl : detail::kImplementations)
      for (const FamilyEntry& f : impl.families)
        if (std::find(out.begin(), out.end(), f.family) == out.end()) out.push_back(f.family);
    std::sort(out.begin(), out.end());
    return out;
  }();
  return names;
}

Runnability runnable(const Implementation& impl, const CpuInfo& cpu) {
  const FeatureSet missing = impl.required.without(cpu.detected);
  if (!missing.empty())
    return {false, fmt::format("needs {}, which this CPU lacks", fmt::join(cpu.missing_extensions(impl.required), ", "))};
  const FeatureSet masked = impl.required & cpu.disabled;
  if (!masked.empty())
    return {false, fmt::format("{} disabled by MASKBENCH_DISABLE", feature_names(masked))};
  return {true, {}};
}

std::string_view compiler() { return detail::kCompiler; }

std::string_view target_architecture() { return detail::kArchitecture; }

}  // namespace maskbench
