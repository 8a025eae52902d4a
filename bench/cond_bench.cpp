// Conditional-compute benchmarks: select, guarded_div and masked_sum for every
// implementation at L1/L2/L3/memory sizes, inputs with a 50% random mask.
#include <random>


#include "harness.hpp"
#include "maskbench/cond.hpp"
#include "peers/highway_cond.hpp"

namespace maskbench::bench {
namespace {

Buffer<float> random_input(std::size_t n) {
  Buffer<float> x(n);
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (std::size_t i = 0; i < n; ++i) x[i] = u(rng);
  return x;
}

// The kernels as (name, bytes moved per element, call) rows; peers reuse them.
struct Kernel {
  const char* name;
  std::size_t bytes_per_element;
};
constexpr Kernel kSelect{"select", 8}, kDiv{"guarded_div", 8}, kSum{"masked_sum", 4};

template <class Call>
void run_elementwise(benchmark::State& state, std::size_t n, std::size_t bytes, Call&& call) {
  Buffer<float> x = random_input(n);
  Buffer<float> y(n);
  for (auto _ : state) {
    call(x.data(), y.data(), n);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  set_throughput(state, static_cast<double>(n * bytes), static_cast<double>(n));
}

void register_cond() {
  for (const Kernel& kernel : {kSelect, kDiv, kSum})
    for (const Size& size : sizes(kernel.bytes_per_element)) {
      const std::size_t n = size.n;
      auto add_one = [&](std::string_view impl_name, const Implementation* impl, auto call) {
        add(schema::format_name({"cond", kernel.name, std::string(impl_name), {{schema::kArgSize, std::to_string(n)}}}),
            impl, [=](benchmark::State& state) {
              state.SetLabel(schema::format_label({size.level, {}}));
              run_elementwise(state, n, kernel.bytes_per_element, call);
            });
      };
      for (const Implementation* impl : implementations_with<CondKernels>()) {
        const CondKernels* k = impl->kernels<CondKernels>();
        if (kernel.name == kSelect.name)
          add_one(impl->name, impl, [k](const float* x, float* y, std::size_t n) { k->select(x, y, n, 0.0f, 1.5f, -0.75f, 0.5f); });
        else if (kernel.name == kDiv.name)
          add_one(impl->name, impl, [k](const float* x, float* y, std::size_t n) { k->guarded_div(x, y, n, 1.5f); });
        else
          add_one(impl->name, impl, [k](const float* x, float* y, std::size_t n) {
            y[0] = k->masked_sum(x, n, -0.5f, 0.5f).sum;
          });
      }
      if (kernel.name == kSelect.name)
        add_one("highway", nullptr, [](const float* x, float* y, std::size_t n) { peers::highway_select(x, y, n, 0.0f, 1.5f, -0.75f, 0.5f); });
      if (kernel.name == kSum.name)
        add_one("highway", nullptr, [](const float* x, float* y, std::size_t n) { y[0] = peers::highway_masked_sum(x, n, -0.5f, 0.5f); });
    }
}

MB_BENCH_FAMILY(register_cond);

}  // namespace
}  // namespace maskbench::bench
