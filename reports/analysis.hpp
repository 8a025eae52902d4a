#pragma once
// What the report and the comparison derive from a results directory: each
// benchmark's rate, the kernels' grouping, the validity of an implementation
// and the roofline limits measured by the probes (maskbench/roofline.hpp).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "results.hpp"

namespace maskbench::analysis {

// Median items/s over the repetitions, or iterations/s (of CPU time, as
// Google Benchmark computes items/s) where a benchmark
// reports no items.
double rate(const results::Benchmark& b);
// The same per repetition: items/s, or 1e9 / CPU ns per iteration.
std::vector<double> rates(const results::Benchmark& b);

// False when the implementation failed conformance, or was skipped there as
// a known defect of its compiler: its figures are invalid.
bool valid(const results::ResultsDir& r, const std::string& implementation);

// The ISA level whose peak applies to an implementation: the highest feature
// it requires, as the registry's level tag names it ("sse42", "avx2",
// "avx512", ..., "baseline" when it requires none), empty for a peer.
std::string isa_level(const results::ResultsDir& r, const std::string& implementation);

// Whether a benchmark's figures count: measured (not skipped) by a valid
// implementation, or by a peer.
bool valid_figure(const results::ResultsDir& r, const results::Benchmark& b);

// What "best" means among measured results, for every report writer: the
// highest value offered from a valid_figure(). Offered one benchmark at a time, since the
// writers group benchmarks in one pass.
struct Best {
  double value = 0;
  std::string implementation;  // the one that reached it; empty while none did
  void offer(const results::ResultsDir& r, const results::Benchmark& b, double v);
};

struct Roofline {
  std::map<std::string, Best> read_bandwidth;  // cache level ("L1", ...) -> bytes/s
  std::map<std::string, Best> peak_flops;      // ISA level -> FLOP/s
  bool empty() const { return read_bandwidth.empty() && peak_flops.empty(); }
};
// The best probe per cache level and per ISA level: the machine's limit is
// what the best implementation reached.
Roofline roofline(const results::ResultsDir& r);

// A benchmark's rate as a fraction of the limit that applies to it: peak
// FLOP/s of its ISA level for the FMA probe, otherwise the read bandwidth at
// its cache level for a benchmark that reports bytes/s. Empty where neither
// applies.
std::optional<double> roof_fraction(const Roofline& roof, const results::ResultsDir& r, const results::Benchmark& b);

// Measured benchmarks grouped by "<family>/<kernel>", in name order.
std::map<std::string, std::vector<const results::Benchmark*>> by_kernel(const results::ResultsDir& r);
// Whether a group of by_kernel() holds roofline probes.
bool is_roofline(const std::vector<const results::Benchmark*>& group);

// The name's parameters other than `except`, as "k:v/k:v" (empty if none).
std::string other_params(const results::Benchmark& b, const std::vector<std::string>& except);

}  // namespace maskbench::analysis
