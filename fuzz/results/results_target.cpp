// libFuzzer target for the results readers. The first byte picks the file
// the rest of the input becomes ('b' bench.json, 'c' conformance.json, 'i'
// info.json, 'm' the INCOMPLETE marker; other bytes by their value modulo
// 4); MASKBENCH_FUZZ_FAMILY (bench, conformance, info, marker) forces one.
// The other files come from a small valid results directory, so every
// input reaches its reader. Invariants, beyond "no crash, no leak":
//  - results::load returns a ResultsDir whose measurements are in range and
//    whose tests have a known status, or throws input::InputError whose
//    message is one line naming the fuzzed file (no other exception type);
//  - `junit` accepts a conformance.json exactly when the loader does, and
//    refuses it with the same message;
//  - a marker always makes the directory incomplete, in one line.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include "incomplete.hpp"
#include "json_fields.hpp"
#include "junit.hpp"
#include "maskbench/input.hpp"
#include "results.hpp"

namespace {

namespace fs = std::filesystem;
using namespace maskbench;

constexpr const char* kInfo =
    R"({"schema": "maskbench-info/1", "cpu": {"brand": "x", "microarchitecture": "y"}, "build": {"compiler": "GNU 12"},
        "features": [{"name": "avx2", "detected": true, "disabled": false}],
        "implementations": [{"name": "scalar", "requires": "none", "runnable": true}]})";
constexpr const char* kConformance =
    R"({"name": "AllTests", "testsuites": [{"name": "Impl/Cond", "testsuite": [{"name": "Select/scalar", "result": "COMPLETED"}]}]})";
constexpr const char* kBench =
    R"({"context": {"num_cpus": 2}, "benchmarks": [{"name": "cond/select/scalar/n:64", "run_type": "iteration",
        "real_time": 10.5, "cpu_time": 10.0, "time_unit": "ns", "items_per_second": 6.4e9, "label": "L1"}]})";

enum class Mode { bench, conformance, info, marker };
constexpr struct {
  char tag;
  const char* family;
  const char* file;
} kModes[] = {{'b', "bench", "bench.json"}, {'c', "conformance", "conformance.json"}, {'i', "info", "info.json"},
              {'m', "marker", "INCOMPLETE"}};
constexpr std::size_t kModeCount = sizeof(kModes) / sizeof(kModes[0]);

fs::path g_dir;
std::optional<std::size_t> g_forced;

void write(const fs::path& p, std::string_view text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

[[noreturn]] void violated(const char* what, const std::string& detail) {
  std::fprintf(stderr, "invariant violated: %s: %s\n", what, detail.c_str());
  std::abort();
}

void check_message(const std::string& m, const fs::path& file) {
  if (m.find_first_of("\r\n") != std::string::npos) violated("a message spans lines", m);
  if (!m.starts_with(file.string() + ": ")) violated("a message does not start with its file", m);
}

void check_loaded(const results::ResultsDir& r) {
  const auto in_range = [](double v) { return v >= input::kMinMeasurement && v <= input::kMaxMeasurement * 1e9; };
  for (const results::Benchmark& b : r.benchmarks) {
    if (b.family.empty() || b.kernel.empty() || b.implementation.empty()) violated("a benchmark name part is empty", b.name);
    if (!b.skipped && (b.cpu_time_ns.empty() || b.cpu_time_ns.size() != b.real_time_ns.size()))
      violated("a measured benchmark lacks times", b.name);
    for (const auto* v : {&b.cpu_time_ns, &b.real_time_ns, &b.items_per_second, &b.bytes_per_second})
      for (double x : *v)
        if (!in_range(x)) violated("a measurement out of range was accepted", b.name);
  }
  for (const results::TestOutcome& t : r.tests)
    if (t.status != "pass" && t.status != "fail" && t.status != "skip") violated("unknown test status", t.status);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  char tmpl[] = "/tmp/mb-fuzz-results-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) std::abort();
  g_dir = tmpl;
  std::atexit([] { std::error_code ec; fs::remove_all(g_dir, ec); });
  if (const char* family = std::getenv("MASKBENCH_FUZZ_FAMILY"); family != nullptr)
    for (std::size_t i = 0; i < kModeCount; ++i)
      if (std::strcmp(family, kModes[i].family) == 0) g_forced = i;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::size_t mode = data[0] % kModeCount;
  for (std::size_t i = 0; i < kModeCount; ++i)
    if (data[0] == kModes[i].tag) mode = i;
  if (g_forced) mode = *g_forced;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::error_code ec;
  fs::remove(g_dir / "INCOMPLETE", ec);
  write(g_dir / "info.json", kInfo);
  write(g_dir / "conformance.json", kConformance);
  write(g_dir / "bench.json", kBench);
  const fs::path fuzzed = g_dir / kModes[mode].file;
  write(fuzzed, body);

  std::optional<std::string> load_error;
  try {
    check_loaded(results::load(g_dir));
  } catch (const input::InputError& e) {
    load_error = e.what();
  }
  if (static_cast<Mode>(mode) == Mode::marker) {
    if (!load_error || load_error->find("did not finish") == std::string::npos)
      violated("a marker did not make the directory incomplete", load_error.value_or("(loaded)"));
    check_message(*load_error, g_dir);
    return 0;
  }
  if (load_error) check_message(*load_error, fuzzed);
  if (static_cast<Mode>(mode) == Mode::conformance) {
    std::optional<std::string> junit_error;
    try {
      junit::from_gtest_json(results::read_json(fuzzed, results::kConformanceJson), fuzzed);
    } catch (const input::InputError& e) {
      junit_error = e.what();
    }
    if (junit_error != load_error)
      violated("junit and the loader disagree", junit_error.value_or("(accepted)") + " vs " + load_error.value_or("(accepted)"));
  }
  return 0;
}
