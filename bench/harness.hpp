#pragma once
// Benchmarks are registered from data: each family file walks the registry
// and registers kernel x implementation x size (x parameters), named by
// schema::format_name: <family>/<kernel>/<implementation>/n:<N>[/<key>:<value>...],
// and labelled by schema::format_label with the working-set level.
// An implementation this CPU cannot run still gets its rows, which skip with
// the reason, so bench.json says what was skipped and why.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "maskbench/cache_probe.hpp"
#include "maskbench/cpu.hpp"
#include "maskbench/registry.hpp"
#include "schema.hpp"

namespace maskbench::bench {

// Set from --quick before families register: fewer sizes and parameters.
bool quick();

// A working-set size class and the element count that fills it.
struct Size {
  std::string level;  // one of schema::kCacheLevels
  std::size_t n;
};
// The caches the benchmarks size for: the CPU's, or, where it reports none
// (or MASKBENCH_MEASURE_CACHES=1), those the latency probe finds
// (maskbench/cache_probe.hpp), measured once per process before any
// benchmark runs. bench.json's context records the source and, when
// measured, the sizes and the latency curve.
struct BenchCaches {
  CpuInfo cpu;         // host_cpu(), its caches replaced where measured
  std::string source;  // the CPU's cache_source, "measured", or "none" (assumed sizes)
  std::vector<LatencyPoint> curve;  // empty unless probed
};
const BenchCaches& bench_caches();
// "L1 data 34 KiB, L2 unified 741 KiB" and "4 KiB 1.1, 5 KiB 1.1, ..." (ns
// per load): the context values of a measurement.
std::string describe_caches(const std::vector<CacheLevel>& caches);
std::string describe_curve(const std::vector<LatencyPoint>& curve);

// Sizes for a kernel that touches `bytes_per_element` bytes per element:
// half of L1 and of L2, a quarter of L3 (capped), and a memory-resident size
// (at least 4x L3, capped at 512 MiB, since a VM can report a huge L3).
// --quick keeps L1 and L2.
std::vector<Size> sizes(std::size_t bytes_per_element);

// Zeroed memory for a benchmark buffer, its pages faulted in before any
// timing starts. From 2 MiB on it is 2 MiB-aligned and advised for
// transparent huge pages, so a buffer's page size and alignment do not
// depend on where one process's allocator happens to place it (see
// allocate_buffer in harness.cpp). Released with std::free.
void* allocate_buffer(std::size_t bytes);

// Buffer of n elements (64-byte-aligned at least), filled by the caller.
template <class T>
struct Buffer {
  explicit Buffer(std::size_t n) : n(n), p(static_cast<T*>(allocate_buffer(n * sizeof(T))), &std::free) {}
  T* data() { return p.get(); }
  const T* data() const { return p.get(); }
  T& operator[](std::size_t i) { return p.get()[i]; }
  std::size_t n;
  std::unique_ptr<T, void (*)(void*)> p;
};

// The implementation whose rows sweep every parameter of `family` (the one
// the README's targets name): best() on a CPU with every feature, so that the
// benchmark names are the same on every machine; where this CPU lacks its
// features its rows skip with the reason. MASKBENCH_FORCE overrides it.
const Implementation& sweep_implementation(std::string_view family);

// Registers one benchmark under `name`, running `body` per state. For an
// implementation, pass it as `impl` so that a non-runnable one skips with the
// reason instead of running.
void add(const std::string& name, const Implementation* impl, std::function<void(benchmark::State&)> body);

// Prints "[bench] running <family>/<kernel> elapsed mm:ss" to stderr when a
// benchmark starts, at most every 10 seconds.
void announce(const std::string& name);

// "cond/select" of "cond/select/avx2/n:3072", for progress lines.
std::string family_and_kernel(const std::string& name);

// How many registered benchmarks match a --benchmark_filter regex.
std::size_t count_matching(const std::string& filter);

// Sets the bytes/s and items/s counters for `bytes` and `items` per iteration.
void set_throughput(benchmark::State& state, double bytes, double items);

// Registration hooks: each family file defines one with MB_BENCH_FAMILY; main
// runs them after parsing --quick.
using FamilyRegistration = void (*)();
std::vector<FamilyRegistration>& registrations();
struct Registrar {
  explicit Registrar(FamilyRegistration f) { registrations().push_back(f); }
};
#define MB_BENCH_CONCAT2(a, b) a##b
#define MB_BENCH_CONCAT(a, b) MB_BENCH_CONCAT2(a, b)
#define MB_BENCH_FAMILY(fn) static const ::maskbench::bench::Registrar MB_BENCH_CONCAT(mb_bench_reg_, __LINE__){fn}

}  // namespace maskbench::bench
