#pragma once
// Reading a results directory (info.json, conformance.json, bench.json), in
// the format schema.hpp defines (a file of a newer schema version is
// refused). A directory may come from another machine: it is untrusted
// input, read through maskbench/input.hpp (io/), and every problem is a
// ResultsError: one line naming the file, the JSON path of the field and
// what was expected.
//
// A directory that holds a file named INCOMPLETE (written by an interrupted
// run; its text says what is missing) is refused as a whole: half a run must
// never be read as a whole one.
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "maskbench/input.hpp"
#include "schema.hpp"

namespace maskbench::results {

// The input layer's error: a results file refused for its size, its type or
// its content is one kind of error, whichever layer found it.
using ResultsError = input::InputError;

// The kinds of file read from a results directory (or named on the command
// line), each with the default size cap of input::cap_bytes. The caps leave
// room for 100,000 repetitions or 10,000 benchmarks in bench.json while
// bounding what a parsed document can take in memory.
struct FileKind {
  const char* what;  // for messages
  std::uint64_t cap_mib;
};
inline constexpr FileKind kInfoJson{"info.json", 1}, kConformanceJson{"GoogleTest JSON (conformance.json)", 16},
    kBenchJson{"Google Benchmark JSON (bench.json)", 64}, kDisasmJson{"disasm.json", 16};

// The implementation of a benchmark name that has none (a machine probe).
inline constexpr const char* kNoImplementation = "(none)";

// One benchmark: the per-repetition values of its rates and time.
struct Benchmark {
  std::string name;  // schema::kNameGrammar, parsed into the next three and params
  std::string family, kernel;
  std::string implementation;                 // kNoImplementation for a machine probe
  std::map<std::string, std::string> params;  // "n" -> "3072", "sel" -> "0.25"
  std::string level;                          // the label's level: one of schema::kCacheLevels, or kLevelCompute
  std::map<std::string, std::string> label_fields;  // the rest of the label: "chosen" -> "memory"
  std::vector<double> items_per_second;       // one per repetition, where reported
  std::vector<double> bytes_per_second;       // one per repetition, where reported
  std::vector<double> real_time_ns;           // one per repetition (wall time per iteration)
  std::vector<double> cpu_time_ns;            // one per repetition (CPU time per iteration)
  // Repetitions dropped as under-iterated (schema::under_iterated), where
  // bench.json records its minimum time: not in the vectors above.
  std::size_t under_iterated = 0;
  bool skipped = false;
  std::string skip_reason;
  // The implementation is not in the directory's registry (info.json): a
  // third-party peer such as highway or std-copy_if.
  bool peer = false;

  // The numeric value of a parameter, if the name has it.
  std::optional<double> param(const std::string& key) const;
};

// Sets family, kernel, implementation and params from b.name; false (and
// `problem`, when given) where the name is not in schema::kNameGrammar.
bool fill_name_parts(Benchmark& b, std::string* problem = nullptr);

struct TestOutcome {
  std::string kernel_test;     // e.g. "Cond.SelectEverySizePatternAndOffset"
  std::string implementation;  // registry name; empty for a test of no implementation
  std::string status;          // "pass", "fail" or "skip"
  std::string message;         // first failure message, or the skip reason

  // A skip because the compiler that built the binary is on the known-defect
  // list (docs/known-defects.md): shown as "known defect", never as a pass
  // or a plain skip.
  bool known_defect() const { return status == "skip" && schema::is_known_defect(message); }
};

// An implementation as the directory's info.json describes it.
struct ImplementationInfo {
  std::string name;
  std::string requires_features;  // "sse42,avx2" or "none"
  bool runnable = false;
  std::string reason;  // why it could not run
  std::string kind;    // maskbench::kind_name of its Kind, as info.json says it; "" where absent
};

// llvm-mca's cycles per iteration of a hot loop on one CPU model, or why
// there is none.
struct Prediction {
  std::string model;
  std::optional<double> cycles_per_iteration;
  std::string error;
};

// One entry point's hot loop, from disasm.json (`maskbench disasm`).
struct HotLoop {
  std::string implementation, family;
  std::string benchmark;  // the kernel as bench.json names it, maybe with "/<param>:<value>"
  std::string symbol, why;
  bool has_loop = false;
  std::string function;  // where the loop is (the entry point or a function it calls)
  std::vector<std::string> instructions;
  std::map<std::string, std::uint64_t> mix;  // "fma" -> 16 ...
  std::string width;                         // "zmm", "ymm", "xmm" or ""
  // The bytes the loop's widest constant-stride stream advances per
  // iteration (reports/mca.hpp); nullopt where none was found.
  std::optional<std::uint64_t> stride_bytes;
  std::vector<Prediction> predictions;  // one per model of Mca::models
};

// What disasm.json says of its llvm-mca predictions.
struct McaModel {
  std::string name;
  bool avx512 = false, host = false;
};
struct Mca {
  std::string skipped;  // why there are none; "" where there are
  std::string tool;     // llvm-mca's version line
  std::vector<McaModel> models;
  double clock_ghz = 0;  // the clock `maskbench disasm` measured; 0 where unknown
};

struct ResultsDir {
  std::filesystem::path path;
  nlohmann::json info;
  nlohmann::json context;  // bench.json's "context" object
  std::vector<ImplementationInfo> implementations;
  std::vector<TestOutcome> tests;
  // conformance.json's maskbench_level: "full", "smoke" (fewer large sizes
  // and randomized rounds, as ./run_all.sh --quick runs it), or "unknown" for
  // a file written without it.
  std::string conformance_level;
  std::vector<Benchmark> benchmarks;
  // disasm.json's entries; empty where the directory has none (an older run,
  // or one whose machine had no binutils).
  std::vector<HotLoop> hot_loops;
  std::string disasm_tool;  // objdump's version line, where disasm.json says it
  Mca mca;                  // skipped says why where disasm.json is absent or older

  // The first conformance failure of an implementation; nullptr when it
  // passed. Such an implementation's figures are invalid everywhere.
  const TestOutcome* first_failure(const std::string& implementation) const;
  // A test of the implementation was skipped as a known defect of the
  // compiler that built it: it was never checked, so its figures are no
  // more valid than a failure's (the gate does not fail on it: the defect
  // is listed, not new).
  bool known_defect(const std::string& implementation) const { return known_defect_.contains(implementation); }
  const ImplementationInfo* implementation(const std::string& name) const;
  // Fills the indexes behind first_failure() and implementation(), which are
  // asked per benchmark and per table cell (load() calls it; call it again
  // after changing `tests` or `implementations`).
  void index();
  // A string from info.json by its path of members ({"cpu", "brand"});
  // `fallback` where the field is absent or not a string, number or boolean.
  std::string info_text(std::initializer_list<const char*> members, const std::string& fallback = "unknown") const;

 private:
  std::map<std::string, std::size_t> first_failure_, implementation_;  // name -> position in tests / implementations
  std::set<std::string> known_defect_;
};

// Loads and validates a results directory; throws ResultsError.
ResultsDir load(const std::filesystem::path& dir);

// What makes two directories' measurements comparable: CPU brand and
// microarchitecture, the usable features, the compiler, the build flags and
// the architecture.
// One line per difference, e.g. "compiler: 'GNU 12.2.0' vs 'Clang 14.0.6'".
std::vector<std::string> machine_differences(const ResultsDir& a, const ResultsDir& b);
// The features info.json marks detected and not disabled, comma-separated in
// its order; "none" or "unknown".
std::string usable_features(const ResultsDir& r);
// What makes the same machine's measurements less comparable without making
// them incomparable: the benchmark mode (--quick: fewer repetitions, a shorter
// minimum time, so a noisier median), the minimum time, pinning,
// MASKBENCH_DISABLE and the conformance level. Warned about, never refused.
std::vector<std::string> condition_differences(const ResultsDir& a, const ResultsDir& b);

// A JSON file of `kind`, read through the input layer (a regular file within
// the kind's size cap, JSON at most input::kMaxJsonDepth deep); NaN and
// Infinity as Google Benchmark writes them are read as null. A missing,
// special, oversized, empty or malformed file is a ResultsError naming it.
nlohmann::json read_json(const std::filesystem::path& file, const FileKind& kind);

}  // namespace maskbench::results
