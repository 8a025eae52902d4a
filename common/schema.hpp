#pragma once
// The results schema: every fact the binaries write into a results directory
// that a reader takes back out of a string or a key. The benchmark binary,
// the conformance binary and `maskbench info` write through these names and
// functions; the results loader, the reports, the gates and the CLI read
// through them. A change to the format is made here, and bumps kVersion.
//
// Versions. Every document carries a tag "maskbench-<document>/<version>":
// info.json in its "schema" member (since the first release), bench.json in
// its context (kSchemaContextKey) and conformance.json as a top-level
// property (kSchemaProperty). A reader accepts versions kOldestVersion to
// kVersion. A bench.json or conformance.json without the tag was written
// before the tag existed, in version 1's format, and reads as version 1 (the
// paired gate runs old base binaries, whose samples have no tag). A newer
// version is refused, naming the file and the field: its names or labels may
// mean something this reader does not know.
#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace maskbench::schema {

inline constexpr int kVersion = 1;
inline constexpr int kOldestVersion = 1;

// disasm: disasm.json, the hot loops `maskbench disasm` found (optional in a
// results directory).
enum class Document { info, bench, conformance, disasm };

// "maskbench-bench/1": the tag a writer of the current version puts in `d`.
std::string tag(Document d);
// The version a tag states, if it is a tag of `d` whose version this reader
// accepts; nullopt for another document's tag, a version out of range or
// text that is no tag.
std::optional<int> accepted_version(Document d, std::string_view tag_text);
// What a reader expects of `d`'s tag, for a refusal's "expected ..." part.
std::string expected_tag(Document d);

// ---- bench.json: benchmark names ------------------------------------------
// <family>/<kernel>[/<implementation>][/<key>:<value>...], Google Benchmark's
// ArgNames convention. A machine probe (taskvec/read_bandwidth/n:<bytes>) has
// no implementation. Parts are non-empty and hold no '/'; an implementation
// holds no ':', an argument has exactly one key and one value, and no key
// comes twice.
struct Name {
  std::string family, kernel;
  std::string implementation;                              // empty for a machine probe
  std::vector<std::pair<std::string, std::string>> args;  // in order: {"n", "3072"}, {"sel", "50"}
  bool operator==(const Name&) const = default;
};

inline constexpr std::string_view kNameGrammar = "<family>/<kernel>[/<implementation>][/<key>:<value>...]";

// Throws std::logic_error for a Name that would not parse back: the writer
// builds names from the registry and constants, so that is a bug.
std::string format_name(const Name& n);
// The name's parts, or nullopt with `problem` (when given) set to what is
// wrong, e.g. "part 4 'script>' is not <key>:<value>".
std::optional<Name> parse_name(std::string_view text, std::string* problem = nullptr);

// Argument keys the readers look for.
inline constexpr const char* kArgSize = "n";           // elements, or bytes for a bandwidth probe
inline constexpr const char* kArgSelectivity = "sel";  // compress: percent of elements selected

// Families and kernels the reports treat specially: the roofline probes.
inline constexpr const char* kRooflineFamily = "roofline";
inline constexpr const char* kReadBandwidthKernel = "read_bw";
inline constexpr const char* kPeakFlopsKernel = "fma_peak";

// ---- bench.json: labels ----------------------------------------------------
// <level>[ <key>:<value>...]: the working-set level of the benchmark, then
// facts about the row, e.g. "L1 chosen:memory" (the compress form this CPU
// gets, on the row of the implementation that chose it).
inline constexpr const char *kLevelL1 = "L1", *kLevelL2 = "L2", *kLevelL3 = "L3", *kLevelMemory = "mem";
// Smallest first: the order of the report's tables and charts.
inline constexpr std::array<const char*, 4> kCacheLevels = {kLevelL1, kLevelL2, kLevelL3, kLevelMemory};
// The level of a probe that touches no memory (roofline/fma_peak).
inline constexpr const char* kLevelCompute = "compute";
// Label field: the compress variant an implementation picked for this CPU.
inline constexpr const char* kLabelChosen = "chosen";

struct Label {
  std::string level;                           // empty where the row has no label
  std::map<std::string, std::string> fields;  // "chosen" -> "memory"
  bool operator==(const Label&) const = default;
};

inline constexpr std::string_view kLabelGrammar = "<level>[ <key>:<value>...]";

// Throws std::logic_error for a Label that would not parse back.
std::string format_label(const Label& l);
std::optional<Label> parse_label(std::string_view text, std::string* problem = nullptr);

// ---- bench.json: context (benchmark::AddCustomContext) ---------------------
inline constexpr const char* kSchemaContextKey = "maskbench_schema";
namespace context {
inline constexpr const char* kCpuBrand = "maskbench_cpu_brand";
inline constexpr const char* kMicroarchitecture = "maskbench_microarchitecture";
inline constexpr const char* kFeatures = "maskbench_features";
inline constexpr const char* kCompiler = "maskbench_compiler";
inline constexpr const char* kBuildFlags = "maskbench_build_flags";
inline constexpr const char* kCommit = "maskbench_commit";
inline constexpr const char* kFrequencyScaling = "maskbench_frequency_scaling";
inline constexpr const char* kPinning = "maskbench_pinning";
// --benchmark_min_time of the run, seconds per repetition (under_iterated).
inline constexpr const char* kMinTime = "maskbench_min_time_s";
// Where the benchmarks' cache sizes came from: the CPU's report
// (cpu_features, sysfs), "measured" by the latency probe, or "none"
// (assumed); when probed, the sizes found and the latency curve, as text.
inline constexpr const char* kCacheSource = "maskbench_cache_source";
inline constexpr const char* kCacheMeasured = "maskbench_cache_measured";
inline constexpr const char* kCacheLatency = "maskbench_cache_latency_ns";
// The output size from which select and guarded_div stream their stores
// (maskbench/streaming.hpp), bytes, or "never".
inline constexpr const char* kStreamingStoreBytes = "maskbench_streaming_store_bytes";
// The input size above which the task-vector Gram prefetches its streams
// (maskbench/streaming.hpp), bytes; 0 is always.
inline constexpr const char* kStreamPrefetchBytes = "maskbench_stream_prefetch_bytes";
// The kernels the OpenBLAS peer ran and how they were chosen
// (bench/peers/openblas_core.hpp).
inline constexpr const char* kOpenblasKernels = "maskbench_openblas_kernels";
inline constexpr const char* kMode = "maskbench_mode";  // kModeQuick or kModeFull
inline constexpr const char *kModeQuick = "quick", *kModeFull = "full";
// Google Benchmark's own.
inline constexpr const char* kHostName = "host_name";
inline constexpr const char* kNumCpus = "num_cpus";
}  // namespace context

// ---- skip reasons: bench.json error_message, conformance.json skips ---------
// A row or test that did not run says why: "skipped: <reason>" where the CPU
// cannot run it, "known defect <id>: <summary> (docs/known-defects.md)" where
// the compiler that built it is listed for a defect. Readers tell the two
// apart by the marker: a known defect is neither a pass nor a plain skip.
inline constexpr std::string_view kSkippedMarker = "skipped: ";
inline constexpr std::string_view kKnownDefectMarker = "known defect ";
std::string skipped_reason(std::string_view reason);
std::string known_defect_reason(std::string_view id, std::string_view summary);
bool is_known_defect(std::string_view reason);

// ---- conformance.json (GoogleTest JSON) -------------------------------------
// Top-level properties the conformance binary records.
inline constexpr const char* kSchemaProperty = "maskbench_schema";
inline constexpr const char* kLevelProperty = "maskbench_level";  // kConformanceFull or kConformanceSmoke
inline constexpr const char* kCompilerProperty = "maskbench_compiler";
inline constexpr const char* kSeedProperty = "maskbench_seed";
inline constexpr const char *kConformanceFull = "full", *kConformanceSmoke = "smoke";
// A skipped test's reason, as a test property: GoogleTest 1.12 drops skip
// messages from its JSON.
inline constexpr const char* kSkipReasonProperty = "skip_reason";

// A parameterized test is named <Test>/<implementation>, '-' spelled '_'
// (GoogleTest names allow only letters, digits and '_').
std::string test_name_suffix(std::string_view implementation);
// The implementation of a test name: "" for a test of no implementation.
std::string implementation_of_test(std::string_view test_name);

// ---- info.json ----------------------------------------------------------------
// The members that the writer (common/machine_info.cpp) and more than one
// reader spell; the rest are the writer's alone and the machine card shows
// them as they come.
inline constexpr const char* kSchemaMember = "schema";
namespace info {
inline constexpr const char* kHostname = "hostname";
inline constexpr const char* kCpu = "cpu";
inline constexpr const char* kBrand = "brand";
inline constexpr const char* kMicroarchitecture = "microarchitecture";
inline constexpr const char* kBuild = "build";
inline constexpr const char* kCompiler = "compiler";
inline constexpr const char* kBaseFlags = "base_flags";
inline constexpr const char* kCommit = "commit";
inline constexpr const char* kCommitDate = "commit_date";
inline constexpr const char* kConditions = "conditions";
inline constexpr const char* kScalingGovernor = "scaling_governor";
inline constexpr const char* kFeatures = "features";
inline constexpr const char* kImplementations = "implementations";
// Members of a features[] or implementations[] entry.
inline constexpr const char* kName = "name";
inline constexpr const char* kDetected = "detected";
inline constexpr const char* kDisabled = "disabled";
inline constexpr const char* kRunnable = "runnable";
inline constexpr const char* kRequires = "requires";
inline constexpr const char* kReason = "reason";
inline constexpr const char* kKind = "kind";
// test_name_suffix(name), for the scripts that filter its tests
// (tests/qemu_dispatch.sh, tests/qemu_cross.sh).
inline constexpr const char* kTestSuffix = "test_suffix";
}  // namespace info

// A repetition that measured under half the run's minimum time in all
// (iterations x CPU time per iteration). Google Benchmark sizes the iteration
// count in a benchmark's first repetition, 10x at a time, and accepts a count
// as soon as the real time reaches 5x the minimum time, so one descheduling
// (6 ms at the paired gate's 1.25 ms repetitions, 50 ms at --quick's 10 ms)
// stops it at 1, 10 or 100 iterations, and every repetition of that process
// runs that few: it then times a cold start and the clock's own cost, up to
// 90x the benchmark's in-process time on the development VM (issue 13, item
// 7). 4.7% of the samples of 10 measured A/A paired gates were such.
inline bool under_iterated(double iterations, double cpu_time_ns, double min_time_ns) {
  return iterations * cpu_time_ns < 0.5 * min_time_ns;
}

}  // namespace maskbench::schema
