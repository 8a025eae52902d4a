// The roofline probes (maskbench/roofline.hpp), measured in the same run as
// the kernels so that the report can divide each kernel's throughput by this
// machine's own limit:
//   roofline/read_bw/<impl>/n:<bytes>     read bandwidth (bytes/s), label = cache level
//   roofline/fma_peak/<impl>/steps:<k>    multiply-add throughput, items/s = FLOP/s
#include <algorithm>


#include "harness.hpp"
#include "maskbench/roofline.hpp"

namespace maskbench::bench {
namespace {

constexpr std::size_t kMaddSteps = 4096;

// One buffer for every read_bw size, filled once: allocating and touching a
// memory-resident buffer per benchmark would cost more than the measurement.
const float* shared_input(std::size_t n) {
  static std::size_t filled = 0;
  static Buffer<float> buffer(0);
  if (n > filled) {
    buffer = Buffer<float>(n);
    for (std::size_t i = 0; i < n; ++i) buffer[i] = static_cast<float>(i % 4);
    filled = n;
  }
  return buffer.data();
}

void register_roofline() {
  for (const Size& size : sizes(sizeof(float)))
    for (const Implementation* impl : implementations_with<RooflineKernels>()) {
      const RooflineKernels* k = impl->kernels<RooflineKernels>();
      const std::size_t n = size.n;
      add(schema::format_name({schema::kRooflineFamily, schema::kReadBandwidthKernel, std::string(impl->name),
                               {{schema::kArgSize, std::to_string(n * sizeof(float))}}}),
          impl, [k, n, label = schema::format_label({size.level, {}})](benchmark::State& state) {
            state.SetLabel(label);
            const float* x = shared_input(n);
            for (auto _ : state) benchmark::DoNotOptimize(k->read_sum(x, n));
            set_throughput(state, static_cast<double>(n * sizeof(float)), static_cast<double>(n));
          });
    }
  for (const Implementation* impl : implementations_with<RooflineKernels>()) {
    const RooflineKernels* k = impl->kernels<RooflineKernels>();
    const std::string name = schema::format_name(
        {schema::kRooflineFamily, schema::kPeakFlopsKernel, std::string(impl->name), {{"steps", std::to_string(kMaddSteps)}}});
    add(name, impl, [k](benchmark::State& state) {
      state.SetLabel(schema::format_label({schema::kLevelCompute, {}}));
      float x = 1.0f;
      for (auto _ : state) {
        benchmark::DoNotOptimize(x);
        benchmark::DoNotOptimize(k->madd_chains(x, 0.5f, 1.0f, kMaddSteps));
      }
      // Items only: a bytes counter of 0 would make Google Benchmark's
      // coefficient-of-variation aggregate 0/0, which it writes as a bare NaN.
      state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 2 *
                              static_cast<std::int64_t>(k->madd_lanes() * kMaddSteps));
    });
  }
}

MB_BENCH_FAMILY(register_roofline);

}  // namespace
}  // namespace maskbench::bench
