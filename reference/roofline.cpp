// The scalar roofline probes (maskbench/roofline.hpp): `scalar` measures what
// one scalar lane reaches; autovec-* what the compiler makes of the same loops.
#include "maskbench/roofline.hpp"
#include "simd/impl.hpp"

namespace MB_NS {
namespace {

// As many independent accumulators as the SIMD probes keep per register.
constexpr std::size_t kReadAccumulators = 8;
constexpr std::size_t kChains = 12;

float read_sum(const float* x, std::size_t n) {
  float acc[kReadAccumulators] = {};
  std::size_t i = 0;
  for (; i + kReadAccumulators <= n; i += kReadAccumulators)
    for (std::size_t u = 0; u < kReadAccumulators; ++u) acc[u] += x[i + u];
  for (; i < n; ++i) acc[0] += x[i];
  float sum = 0.0f;
  for (float a : acc) sum += a;
  return sum;
}

double madd_chains(float x, float a, float b, std::size_t steps) {
  float v[kChains];
  for (std::size_t j = 0; j < kChains; ++j) v[j] = x + static_cast<float>(j);
  for (std::size_t s = 0; s < steps; ++s)
    for (float& chain : v) chain = chain * a + b;
  double sum = 0.0;
  for (float lane : v) sum += lane;
  return sum;
}

std::size_t madd_lanes() { return kChains; }

constexpr maskbench::RooflineKernels kTable{read_sum, madd_chains, madd_lanes};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(roofline, kTable)
