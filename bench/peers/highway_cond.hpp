#pragma once
// Highway peers of the conditional-compute kernels, with Highway's own dynamic
// dispatch (HWY_DYNAMIC_DISPATCH picks the best target this CPU supports).
#include <cstddef>

namespace maskbench::bench::peers {

void highway_select(const float* x, float* y, std::size_t n, float t, float a, float b, float c);
float highway_masked_sum(const float* x, std::size_t n, float lo, float hi);

}  // namespace maskbench::bench::peers
