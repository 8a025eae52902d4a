#include "peers/highway_read.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "peers/highway_read.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace maskbench::bench::peers::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

float ReadSum(const float* x, std::size_t n) {
  const hn::ScalableTag<float> d;
  const std::size_t N = hn::Lanes(d);
  // Eight chains: enough to cover the add latency at two loads per cycle.
  auto a0 = hn::Zero(d), a1 = hn::Zero(d), a2 = hn::Zero(d), a3 = hn::Zero(d);
  auto a4 = hn::Zero(d), a5 = hn::Zero(d), a6 = hn::Zero(d), a7 = hn::Zero(d);
  std::size_t i = 0;
  for (; i + 8 * N <= n; i += 8 * N) {
    a0 = hn::Add(a0, hn::LoadU(d, x + i));
    a1 = hn::Add(a1, hn::LoadU(d, x + i + N));
    a2 = hn::Add(a2, hn::LoadU(d, x + i + 2 * N));
    a3 = hn::Add(a3, hn::LoadU(d, x + i + 3 * N));
    a4 = hn::Add(a4, hn::LoadU(d, x + i + 4 * N));
    a5 = hn::Add(a5, hn::LoadU(d, x + i + 5 * N));
    a6 = hn::Add(a6, hn::LoadU(d, x + i + 6 * N));
    a7 = hn::Add(a7, hn::LoadU(d, x + i + 7 * N));
  }
  for (; i < n; i += N) a0 = hn::Add(a0, hn::MaskedLoad(hn::FirstN(d, n - i), d, x + i));
  const auto sum = hn::Add(hn::Add(hn::Add(a0, a1), hn::Add(a2, a3)), hn::Add(hn::Add(a4, a5), hn::Add(a6, a7)));
  return hn::GetLane(hn::SumOfLanes(d, sum));
}

// The same sum over `streams` equal contiguous parts read side by side, the
// access pattern of a kernel that walks several matrix rows at once.
float ReadSumStreams(const float* x, std::size_t n, std::size_t streams) {
  const hn::ScalableTag<float> d;
  const std::size_t N = hn::Lanes(d);
  constexpr std::size_t kMax = 16;
  streams = streams < 1 ? 1 : (streams > kMax ? kMax : streams);
  const std::size_t part = n / streams / N * N;
  auto acc = hn::Zero(d);
  for (std::size_t i = 0; i < part; i += N) {
    auto step = hn::Zero(d);
    for (std::size_t s = 0; s < streams; ++s) step = hn::Add(step, hn::LoadU(d, x + s * part + i));
    acc = hn::Add(acc, step);
  }
  return hn::GetLane(hn::SumOfLanes(d, acc)) + ReadSum(x + streams * part, n - streams * part);
}

}  // namespace maskbench::bench::peers::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace maskbench::bench::peers {
HWY_EXPORT(ReadSum);
HWY_EXPORT(ReadSumStreams);

float highway_read_sum(const float* x, std::size_t n) { return HWY_DYNAMIC_DISPATCH(ReadSum)(x, n); }
float highway_read_sum_streams(const float* x, std::size_t n, std::size_t streams) {
  return HWY_DYNAMIC_DISPATCH(ReadSumStreams)(x, n, streams);
}
}  // namespace maskbench::bench::peers
#endif
