#pragma once
// Roofline probes: the machine's own limits, measured by the benchmark binary
// in the same run as the kernels (bench/roofline_bench.cpp), so that the
// report can show each kernel's throughput as a fraction of what this machine
// can do at all.
//
// - read_sum measures read bandwidth. It streams x[0, n) once through as many
//   independent vector accumulators as hide the add latency and does nothing
//   else, so its bytes/s is what a kernel that reads n*4 bytes can reach at
//   that working-set size. The benchmark runs it at L1-, L2-, L3- and
//   memory-resident sizes; the report takes, per size class, the best
//   implementation as the machine's limit.
// - madd_chains measures peak multiply-add throughput of one ISA level. It
//   runs madd_lanes() independent chains (vector lanes x registers, enough to
//   cover the latency of the level's multiply-add) of v = v*a + b, with no
//   memory traffic. Each step is 2 FLOPs per lane; the benchmark reports
//   FLOP/s as items/s. It uses the level's fmadd (simd/ops.hpp): the fused
//   instruction at avx2 and avx512; a multiply then an add at sse42, scalar
//   and stdsimd-* (the TS's fma is not reliably vectorized).
//
// Both return what they compute so that the compiler cannot drop the work and
// conformance can check that they do the work they claim.
#include <cstddef>

#include "maskbench/entry_point.hpp"
namespace maskbench {

struct RooflineKernels {
  static constexpr const char* kFamily = "roofline";

  // The sum of x[0, n), any n >= 0 and any alignment, reading nothing outside
  // x[0, n). Summation order is the implementation's: the result is exact
  // whenever every partial sum is an integer of magnitude below 2^24.
  float (*read_sum)(const float* x, std::size_t n);

  // Chain j, 0 <= j < madd_lanes(), starts at x + j and applies v = v*a + b
  // `steps` times (fused or not, see above); the result is the sum of the
  // final values of all chains, added in double in chain order. When a is a
  // power of two, v*a is exact and fused and unfused steps agree bit for bit.
  double (*madd_chains)(float x, float a, float b, std::size_t steps);
  std::size_t (*madd_lanes)();

  std::vector<EntryPoint> entry_points() const {
    return {entry("read_bw", read_sum), entry("fma_peak", madd_chains)};
  }
};

}  // namespace maskbench
