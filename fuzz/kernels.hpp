#pragma once
// Every kernel the fuzzer drives: one entry per contract of
// conformance/contracts/all.hpp. An entry decodes its input (spec.hpp) and
// checks the case against every implementation in the registry that this CPU
// can run (the scalar reference aside, and the known compiler defects of
// docs/known-defects.md, which conformance skips too). On a violation it
// prints the implementation, kernel, n, first difference and the case shrunk
// to a test to paste, and aborts so that libFuzzer saves the input.
#include <cstdlib>
#include <span>
#include <type_traits>

#include <fmt/format.h>

#include "contracts/all.hpp"
#include "maskbench/known_defects.hpp"
#include "spec.hpp"

namespace maskbench::fuzz {

template <class S>
void check_every_implementation(const CaseOf<S>& c) {
  for (const Implementation& impl : implementations()) {
    const auto* k = impl.kernels<typename S::Table>();
    if (k == nullptr || &impl == &maskbench::reference() || !usable(impl).ok) continue;
    if (const auto failed = conformance::violation<S>(impl.name, *k, c)) {
      fmt::print(stderr, "maskbench-fuzz: {}", *failed);
      std::abort();
    }
  }
}

struct FuzzKernel {
  std::string_view family, name;
  void (*run)(Reader input);
};

template <class S>
constexpr FuzzKernel entry() {
  return {S::Table::kFamily, S::name, [](Reader input) { check_every_implementation<S>(decode<S>(input)); }};
}

inline std::span<const FuzzKernel> all_kernels() {
  static constexpr auto kAll = std::apply(
      [](auto*... spec) { return std::array{entry<std::remove_pointer_t<decltype(spec)>>()...}; },
      conformance::AllContracts{});
  return kAll;
}

// The family names in the order of all_kernels().
inline std::vector<std::string_view> fuzz_families() {
  std::vector<std::string_view> out;
  for (const FuzzKernel& k : all_kernels())
    if (out.empty() || out.back() != k.family) out.push_back(k.family);
  return out;
}

// The kernels of one family.
inline std::vector<const FuzzKernel*> kernels_of(std::string_view family) {
  std::vector<const FuzzKernel*> out;
  for (const FuzzKernel& k : all_kernels())
    if (k.family == family) out.push_back(&k);
  return out;
}

}  // namespace maskbench::fuzz
