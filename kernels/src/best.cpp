#include "maskbench/best.hpp"

#include <bit>
#include <cstdlib>
#include <stdexcept>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "maskbench/known_defects.hpp"

namespace maskbench {
namespace {

// Among rows of one level and extras, the higher the better; below zero never.
int kind_rank(Kind kind) {
  switch (kind) {
    case Kind::intrinsics: return 5;
    case Kind::translated: return 4;
    case Kind::stdsimd: return 3;
    case Kind::autovec: return 2;
    case Kind::reference: return 1;
    case Kind::scalar_variant: return 0;
    case Kind::emulated:
    case Kind::reduced_precision: break;
  }
  return -1;
}

// Levels are cumulative, so the number of level bits orders them.
auto preference(const Implementation& impl) {
  return std::make_tuple(std::popcount(impl.required.without(impl.extras).bits()), std::popcount(impl.extras.bits()),
                         kind_rank(impl.kind));
}

std::string accepted(const CpuInfo& cpu, std::string_view compiler_id) {
  std::vector<std::string_view> names;
  for (const Implementation& impl : implementations())
    if (usable(impl, cpu, compiler_id).ok) names.push_back(impl.name);
  return fmt::format("expected one of {} (those usable on this CPU with this build)", fmt::join(names, ", "));
}

}  // namespace

bool ever_chosen(Kind kind) { return kind_rank(kind) >= 0; }

std::string_view forced_name() {
  static const std::string value = [] {
    const char* v = std::getenv("MASKBENCH_FORCE");
    return std::string(v == nullptr ? "" : v);
  }();
  return value;
}

std::string force_error(std::string_view force, const CpuInfo& cpu, std::string_view compiler_id) {
  if (force.empty()) return {};
  const Implementation* impl = find_implementation(force);
  if (impl == nullptr)
    return fmt::format("MASKBENCH_FORCE names unknown implementation '{}'; {}", force, accepted(cpu, compiler_id));
  if (const Runnability r = usable(*impl, cpu, compiler_id); !r.ok)
    return fmt::format("MASKBENCH_FORCE={} cannot be used: {}; {}", force, r.reason, accepted(cpu, compiler_id));
  return {};
}

const Implementation& best(std::string_view family, const CpuInfo& cpu, std::string_view compiler_id,
                           std::string_view force) {
  if (!force.empty()) {
    if (std::string err = force_error(force, cpu, compiler_id); !err.empty()) throw std::runtime_error(err);
    const Implementation& impl = *find_implementation(force);
    if (!impl.provides(family)) {
      std::vector<std::string_view> providers;
      for (const Implementation* p : usable_implementations(family, cpu, compiler_id)) providers.push_back(p->name);
      throw std::runtime_error(fmt::format("MASKBENCH_FORCE={} does not provide {}; expected one of {}", force, family,
                                           fmt::join(providers, ", ")));
    }
    return impl;
  }
  const Implementation* chosen = nullptr;
  for (const Implementation* impl : usable_implementations(family, cpu, compiler_id))
    if (ever_chosen(impl->kind) && (chosen == nullptr || preference(*impl) > preference(*chosen))) chosen = impl;
  if (chosen == nullptr) throw std::runtime_error(fmt::format("no usable implementation provides {}", family));
  return *chosen;
}

}  // namespace maskbench
