// maskbench-fuzz: every kernel of every family against its contract
// (conformance/contracts/; spec.hpp says what an input means, kernels.hpp
// what a violation prints). MASKBENCH_FUZZ_FAMILY=<family> restricts
// a run to one family, so that a bounded run gives each family its share.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "kernels.hpp"
#include "maskbench/cpu.hpp"
#include "maskbench/registry.hpp"

namespace {

std::string_view g_family;  // empty: every family

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  using namespace maskbench::fuzz;
  if (const std::string& err = maskbench::host_cpu().disable_error; !err.empty()) {
    fmt::print(stderr, "maskbench-fuzz: {}\n", err);
    std::exit(2);
  }
  const std::vector<std::string_view> families = fuzz_families();
  if (const char* f = std::getenv("MASKBENCH_FUZZ_FAMILY"); f != nullptr && *f != '\0') {
    const auto it = std::find(families.begin(), families.end(), std::string_view(f));
    if (it == families.end()) {
      fmt::print(stderr, "maskbench-fuzz: MASKBENCH_FUZZ_FAMILY is '{}', expected one of: {}\n", f,
                 fmt::join(families, ", "));
      std::exit(2);
    }
    g_family = *it;
  }
  // A family that lands in the registry before its contracts are written
  // is named, so that the gap shows in every run's log.
  std::vector<std::string_view> uncovered;
  for (std::string_view f : maskbench::families())
    if (std::find(families.begin(), families.end(), f) == families.end()) uncovered.push_back(f);
  if (!uncovered.empty())
    fmt::print(stderr, "maskbench-fuzz: no contracts yet for the families {}\n", fmt::join(uncovered, ", "));
  fmt::print(stderr, "maskbench-fuzz: families {}, usable features: {}\n",
             g_family.empty() ? fmt::format("{}", fmt::join(families, ", ")) : std::string(g_family),
             maskbench::feature_names(maskbench::host_cpu().usable()));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace maskbench::fuzz;
  if (size < 2) return 0;
  static const std::vector<std::string_view> families = fuzz_families();
  const std::string_view family = g_family.empty() ? families[data[0] % families.size()] : g_family;
  const std::vector<const FuzzKernel*> kernels = kernels_of(family);
  kernels[data[1] % kernels.size()]->run(Reader{data + 2, size - 2});
  return 0;
}
