#pragma once
// Every kernel the fuzzer drives, grouped by family in the order of
// maskbench::families(). A family whose header exists gets its specs here;
// the implementations that run them come from the registry.
#include <span>
#include <tuple>
#include <type_traits>

#include "compress.hpp"
#include "cond.hpp"
#include "maskops.hpp"
#include "roofline.hpp"
#include "taskvec.hpp"
#include "vera.hpp"

namespace maskbench::fuzz {

// Every spec, as a type list.
using AllSpecs =
    std::tuple<CompressF32*, CompressI32*, CompressIndex*, CompressU8*, CompressExpand*, CondSelect*, CondGuardedDiv*,
               CondMaskedSum*, MaskCompare*, MaskLogicAndQueries*, MaskBlend*, MaskCopyTail*, RooflineReadSum*,
               RooflineMadd*, TaskvecGram*, TaskvecDot*, TaskvecTies*, VeraForward*, VeraMerge*, VeraGenerate*>;

inline std::span<const FuzzKernel> all_kernels() {
  static constexpr auto kAll =
      std::apply([](auto*... spec) { return std::array{entry<std::remove_pointer_t<decltype(spec)>>()...}; }, AllSpecs{});
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
