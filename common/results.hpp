#pragma once
// Reading a results directory (info.json, conformance.json, bench.json). A
// directory may come from another machine: it is untrusted input, and every
// problem is a ResultsError whose message names the file and what is wrong.
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace maskbench::results {

struct ResultsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One benchmark: the per-repetition values of its main rate and time.
struct Benchmark {
  std::string name;            // <family>/<kernel>/<implementation>/n:<N>[/...]
  std::string family, kernel, implementation;
  std::string label;           // cache level for sized benchmarks ("L1", ...)
  std::vector<double> items_per_second;  // one per repetition
  std::vector<double> real_time_ns;      // one per repetition (time per iteration)
  bool skipped = false;
  std::string skip_reason;
};

struct TestOutcome {
  std::string kernel_test;     // e.g. "Cond.SelectEverySizePatternAndOffset"
  std::string implementation;  // registry name
  std::string status;          // "pass", "fail" or "skip"
  std::string message;         // first failure message, or the skip reason
};

struct ResultsDir {
  std::filesystem::path path;
  nlohmann::json info;
  std::vector<TestOutcome> tests;
  std::vector<Benchmark> benchmarks;
};

// Loads and validates a results directory; throws ResultsError.
ResultsDir load(const std::filesystem::path& dir);

double median(std::vector<double> v);

}  // namespace maskbench::results
