// Writes results directories large enough that any cost above n log n in the
// readers, the report, the comparison, the gate or the summary takes hours,
// shaped where each of them used to be super-linear:
//   OUT/a, OUT/b, OUT/c: 10,000 benchmarks (5 repetitions each), 10,000
//     conformance tests and 10,000 registry entries each. One kernel holds
//     2,500 benchmarks of distinct implementations, parameters and sizes (the
//     speedup table's rows x columns); 1,000 roofline levels; 1,500 kernels
//     of one benchmark; every conformance test its own row and column of the
//     matrix; one implementation in 100 failing. b is a (deterministically)
//     perturbed a: some benchmarks slower, some faster, most unchanged.
//   OUT/reps-base, OUT/reps-cur: one benchmark with 100,000 repetitions a
//     side, times rounded so that ties occur, the current 10% slower.
//   make_large_results OUT
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <string>

#include <fmt/format.h>
#include <fmt/os.h>

namespace {

namespace fs = std::filesystem;

constexpr int kRegistry = 10'000, kWide = 2'500, kLevels = 1'000, kSingles = 1'500, kTests = 10'000;
constexpr int kRepetitions = 5, kLongRepetitions = 100'000;
const char* const kCore[] = {"scalar", "sse42", "avx2", "avx512", "avx512-emu", "autovec-avx2", "stdsimd-avx2", "peer-lib"};

void write_info(const fs::path& dir) {
  auto out = fmt::output_file((dir / "info.json").string());
  out.print(R"({{"schema":"maskbench-info/1","hostname":"large","date":"2026-01-01T00:00:00Z",)"
            R"("cpu":{{"brand":"Large CPU","microarchitecture":"X86_UNKNOWN","vendor":"GenuineIntel"}},)"
            R"("build":{{"compiler":"GNU 12.2.0","base_flags":"-O3","build_type":"Release","commit":"0"}},)"
            R"("features":[{{"name":"sse42","detected":true,"disabled":false}},{{"name":"avx2","detected":true,"disabled":false}}],)"
            R"("implementations":[)");
  // The core names except the peer, then the wide kernel's, then filler up to kRegistry.
  int written = 0;
  const auto entry = [&](const std::string& name, const char* requires_features) {
    out.print(R"({}{{"name":"{}","requires":"{}","runnable":true}})", written++ ? "," : "", name, requires_features);
  };
  for (const char* name : kCore)
    if (std::string(name) != "peer-lib") entry(name, std::string(name) == "scalar" ? "none" : "sse42,avx2");
  for (int i = 0; i < kWide; ++i) entry(fmt::format("w{}", i), "sse42");
  while (written < kRegistry) entry(fmt::format("filler{}", written), "sse42,avx2");
  out.print("]}}\n");
}

void write_conformance(const fs::path& dir) {
  auto out = fmt::output_file((dir / "conformance.json").string());
  out.print(R"({{"maskbench_level":"full","testsuites":[)");
  // Every test its own kernel test and its own implementation; every 100th of
  // the wide kernel's implementations fails, once.
  for (int i = 0; i < kTests; ++i) {
    const std::string impl = i < kWide ? fmt::format("w{}", i) : fmt::format("filler{}", i);
    const std::string failures =
        i < kWide && i % 100 == 0 ? R"(,"failures":[{"failure":"value differs at index 7","type":""}])" : "";
    out.print(R"({}{{"name":"Impl/Suite{}","testsuite":[{{"name":"Case{}/{}","result":"COMPLETED"{}}}]}})", i ? "," : "", i,
              i, impl, failures);
  }
  out.print("]}}\n");
}

// One benchmark's repetitions: `time` is the CPU time per iteration in ns.
struct BenchWriter {
  fmt::ostream& out;
  bool first = true;
  void rows(const std::string& name, const std::string& label, int repetitions, const std::function<double(int)>& time,
            bool bytes) {
    for (int r = 0; r < repetitions; ++r) {
      const double t = time(r);
      out.print(R"({}{{"name":"{}","run_name":"{}","run_type":"iteration","repetitions":{},"repetition_index":{},)"
                R"("real_time":{},"cpu_time":{},"time_unit":"ns","items_per_second":{},{}"label":"{}"}})",
                first ? "" : ",", name, name, repetitions, r, t * 1.01, t, 1e9 / t * 1024,
                bytes ? fmt::format(R"("bytes_per_second":{},)", 4e9 / t * 1024) : "", label);
      first = false;
    }
  }
};

// `slow(i)`: the factor applied to benchmark i's times in this directory.
void write_bench(const fs::path& dir, const std::function<double(int)>& slow) {
  auto out = fmt::output_file((dir / "bench.json").string());
  out.print(R"({{"context":{{"maskbench_mode":"full"}},"benchmarks":[)");
  BenchWriter w{out};
  std::mt19937_64 rng(42);  // the same noise in every directory
  std::uniform_real_distribution<double> noise(0.97, 1.03);
  int index = 0;
  const auto bench = [&](const std::string& name, const std::string& label, double base, bool bytes) {
    const double factor = slow(index++);
    double jitter[kRepetitions];
    for (double& j : jitter) j = noise(rng);
    w.rows(name, label, kRepetitions, [&](int r) { return base * factor * jitter[r]; }, bytes);
  };
  // The realistic grid: 5 families x 4 kernels x 8 implementations x 10 sizes
  // x 2 selectivities, and 100 more sizes of one kernel: 4,000.
  const char* const families[] = {"cond", "compress", "vera", "taskvec", "ties"};
  const char* const levels[] = {"L1", "L2", "L3", "mem"};
  for (const char* family : families)
    for (int k = 0; k < 4; ++k)
      for (int c = 0; c < 8; ++c)
        for (int s = 0; s < 10; ++s)
          for (const char* sel : {"0.25", "0.5"})
            bench(fmt::format("{}/kernel{}/{}/n:{}/sel:{}", family, k, kCore[c], 256 << s, sel), levels[s * 4 / 10],
                  (100.0 + s * 50) * (c + 1), true);
  for (int c = 0; c < 8; ++c)
    for (int s = 10; s < 110; ++s)
      bench(fmt::format("cond/kernel0/{}/n:{}/sel:0.25", kCore[c], 256 + s * 7), "mem", 1000.0 + s, true);
  // The speedup table's worst case: distinct implementation, other parameter and size.
  for (int i = 0; i < kWide; ++i) bench(fmt::format("wide/kernel/w{}/n:{}/k:{}", i, 1000 + i, i), "L2", 500.0 + i, true);
  // The roofline: 1,000 levels, two probes each, and the FMA peak.
  for (int l = 0; l < kLevels; ++l)
    for (const char* impl : {"scalar", "avx2"})
      bench(fmt::format("roofline/read_bw/{}/n:{}", impl, 4096 + l), fmt::format("Lx{}", l), 50.0 + l, true);
  // Kernels of one benchmark each, at levels the roofline measured.
  for (int i = 0; i < kSingles; ++i)
    bench(fmt::format("single/k{}/scalar/n:4096", i), fmt::format("Lx{}", i % kLevels), 300.0 + i, true);
  out.print("]}}\n");
}

void write_results(const fs::path& dir, const std::function<double(int)>& slow) {
  fs::create_directories(dir);
  write_info(dir);
  write_conformance(dir);
  write_bench(dir, slow);
}

void write_long(const fs::path& dir, double factor) {
  fs::create_directories(dir);
  write_info(dir);
  write_conformance(dir);
  auto out = fmt::output_file((dir / "bench.json").string());
  out.print(R"({{"context":{{}},"benchmarks":[)");
  BenchWriter w{out};
  std::mt19937_64 rng(factor > 1 ? 7 : 3);
  std::lognormal_distribution<double> noise(0.0, 0.05);
  // Whole nanoseconds, as Google Benchmark rounds short times: ties occur.
  w.rows("cond/select/avx2/n:3072", "L1", kLongRepetitions,
         [&](int) { return std::round(400.0 * factor * noise(rng)); }, false);
  out.print("]}}\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fputs("usage: make_large_results OUT\n", stderr);
    return 2;
  }
  const fs::path out = argv[1];
  write_results(out / "a", [](int) { return 1.0; });
  write_results(out / "b", [](int i) { return i % 7 == 0 ? 1.3 : i % 11 == 0 ? 0.7 : 1.0; });
  write_results(out / "c", [](int i) { return i % 5 == 0 ? 0.9 : 1.0; });
  write_long(out / "reps-base", 1.0);
  write_long(out / "reps-cur", 1.1);
  return 0;
}
