// The benchmark binary: Google Benchmark over the registry. Beyond Google
// Benchmark's own flags:
//   --quick   L1 and L2 sizes only, fewer parameters, shorter runs
// Unless given on the command line, it runs 15 repetitions of at least
// 0.02 s (4 of 0.01 s with --quick) in random interleaved order, reports
// every repetition as well as the aggregates, and pins itself to one core.
// Progress goes to stderr: the current family, the count, the elapsed time.
//
// The defaults serve `maskbench gate`: its Mann-Whitney test needs at least 4
// repetitions a side and gains power with more; many short repetitions sample
// more moments of a noisy machine than a few long ones; and interleaving
// spreads a burst of load over single repetitions of many benchmarks instead
// of every repetition of one. README ("Gate a pull request in CI") has the
// false-alarm and detection rates measured with them.
#include <sched.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "harness.hpp"
#include "maskbench/best.hpp"
#include "maskbench/streaming.hpp"
#include "machine_info.hpp"
#include "peers/openblas_core.hpp"
#include "schema.hpp"

namespace maskbench::bench {
namespace detail {
extern bool quick_mode;
}
namespace {

// Pins to the last CPU this process may use, leaving CPU 0 to the system.
std::string pin_to_one_core() {
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return "not pinned (sched_getaffinity failed)";
  int last = -1;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &allowed)) last = c;
  if (last < 0) return "not pinned (no CPU allowed)";
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(last, &one);
  if (sched_setaffinity(0, sizeof one, &one) != 0) return "not pinned (sched_setaffinity failed)";
  return fmt::format("pinned to CPU {}", last);
}

// Console output as usual, plus one progress line on stderr per family change
// and every 25 benchmarks.
class ProgressReporter : public benchmark::ConsoleReporter {
 public:
  // Colour only on a terminal: ConsoleReporter's default colours even a file
  // (./run_all.sh's bench.log).
  explicit ProgressReporter(std::size_t total)
      : benchmark::ConsoleReporter(isatty(STDOUT_FILENO) ? OO_ColorTabular : OO_Tabular),
        total_(total),
        start_(std::chrono::steady_clock::now()) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    benchmark::ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration || r.repetition_index != 0) continue;
      const std::string family = family_and_kernel(r.benchmark_name());
      ++done_;
      if (family != family_ || done_ % 25 == 0) {
        family_ = family;
        const auto s = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start_).count();
        fmt::print(stderr, "[bench {:>4}/{}] {:<28} elapsed {:02}:{:02}\n", done_, total_, family, s / 60, s % 60);
      }
    }
  }

 private:
  std::size_t total_, done_ = 0;
  std::string family_;
  std::chrono::steady_clock::time_point start_;
};

bool has_flag(const std::vector<std::string>& args, std::string_view prefix) {
  for (const std::string& a : args)
    if (a.starts_with(prefix)) return true;
  return false;
}

}  // namespace
}  // namespace maskbench::bench

int main(int argc, char** argv) {
  using namespace maskbench::bench;
  peers::choose_openblas_kernels(argv);
  std::vector<std::string> args;
  for (int i = 0; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--quick")
      detail::quick_mode = true;
    else
      args.emplace_back(argv[i]);
  }
  for (const std::string& err : {maskbench::host_cpu().disable_error, maskbench::force_error()})
    if (!err.empty()) {
      fmt::print(stderr, "maskbench-bench: {}\n", err);
      return 2;
    }
  if (!has_flag(args, "--benchmark_repetitions")) args.push_back(quick() ? "--benchmark_repetitions=4" : "--benchmark_repetitions=15");
  if (!has_flag(args, "--benchmark_enable_random_interleaving")) args.push_back("--benchmark_enable_random_interleaving=true");
  if (!has_flag(args, "--benchmark_min_time")) args.push_back(quick() ? "--benchmark_min_time=0.01" : "--benchmark_min_time=0.02");
  if (!has_flag(args, "--benchmark_report_aggregates_only")) args.push_back("--benchmark_report_aggregates_only=false");
  std::vector<char*> cargs;
  for (std::string& a : args) cargs.push_back(a.data());
  int cargc = static_cast<int>(cargs.size());
  benchmark::Initialize(&cargc, cargs.data());
  if (benchmark::ReportUnrecognizedArguments(cargc, cargs.data())) return 2;

  const std::string pinning = pin_to_one_core();
  const nlohmann::json info = maskbench::machine_info_json();
  namespace schema = maskbench::schema;
  namespace key = schema::info;
  const auto add = [](const char* context_key, const nlohmann::json& value) {
    benchmark::AddCustomContext(context_key, value.get<std::string>());
  };
  add(schema::kSchemaContextKey, schema::tag(schema::Document::bench));
  add(schema::context::kCpuBrand, info[key::kCpu][key::kBrand]);
  add(schema::context::kMicroarchitecture, info[key::kCpu][key::kMicroarchitecture]);
  add(schema::context::kFeatures, maskbench::feature_names(maskbench::host_cpu().usable()));
  add(schema::context::kCompiler, info[key::kBuild][key::kCompiler]);
  add(schema::context::kBuildFlags, info[key::kBuild][key::kBaseFlags]);
  add(schema::context::kCommit, info[key::kBuild][key::kCommit]);
  add(schema::context::kFrequencyScaling, info[key::kConditions][key::kScalingGovernor]);
  add(schema::context::kPinning, pinning);
  const maskbench::bench::BenchCaches& caches = maskbench::bench::bench_caches();
  benchmark::AddCustomContext(schema::context::kCacheSource, caches.source);
  if (!caches.curve.empty()) {
    benchmark::AddCustomContext(schema::context::kCacheMeasured, maskbench::bench::describe_caches(caches.cpu.caches));
    benchmark::AddCustomContext(schema::context::kCacheLatency, maskbench::bench::describe_curve(caches.curve));
  }
  const std::size_t streaming = maskbench::streaming_store_bytes();
  benchmark::AddCustomContext(schema::context::kStreamingStoreBytes,
                              streaming == SIZE_MAX ? std::string("never") : std::to_string(streaming));
  benchmark::AddCustomContext(schema::context::kStreamPrefetchBytes, std::to_string(maskbench::stream_prefetch_bytes()));
  for (const std::string& a : args)
    if (a.starts_with("--benchmark_min_time="))
      benchmark::AddCustomContext(schema::context::kMinTime, a.substr(std::string_view("--benchmark_min_time=").size()));
  add(schema::context::kMode, quick() ? schema::context::kModeQuick : schema::context::kModeFull);
  benchmark::AddCustomContext(schema::context::kOpenblasKernels, peers::openblas_kernels_context());

  if (!maskbench::forced_name().empty()) benchmark::AddCustomContext("maskbench_force", std::string(maskbench::forced_name()));
  try {
    for (FamilyRegistration r : registrations()) r();
  } catch (const std::runtime_error& e) {  // best() refusing MASKBENCH_FORCE for a family
    fmt::print(stderr, "maskbench-bench: {}\n", e.what());
    return 2;
  }
  std::string filter = ".";
  for (const std::string& a : args)
    if (a.starts_with("--benchmark_filter=")) filter = a.substr(19);
  ProgressReporter display(count_matching(filter));
  benchmark::RunSpecifiedBenchmarks(&display);
  benchmark::Shutdown();
  return 0;
}
