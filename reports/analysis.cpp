#include "analysis.hpp"

#include <algorithm>

#include "stats.hpp"

namespace maskbench::analysis {

double rate(const results::Benchmark& b) {
  if (!b.items_per_second.empty()) return stats::median(b.items_per_second);
  const double t = stats::median(b.cpu_time_ns);
  return t > 0 ? 1e9 / t : 0.0;
}

std::vector<double> rates(const results::Benchmark& b) {
  if (!b.items_per_second.empty()) return b.items_per_second;
  std::vector<double> out;
  for (double t : b.cpu_time_ns)
    if (t > 0) out.push_back(1e9 / t);
  return out;
}

bool valid(const results::ResultsDir& r, const std::string& implementation) {
  return r.first_failure(implementation) == nullptr && !r.known_defect(implementation);
}

std::string isa_level(const results::ResultsDir& r, const std::string& implementation) {
  const results::ImplementationInfo* impl = r.implementation(implementation);
  if (impl == nullptr) return "";
  const std::string& req = impl->requires_features;
  if (req.empty() || req == "none") return "baseline";
  return req.substr(req.rfind(',') + 1);
}

bool valid_figure(const results::ResultsDir& r, const results::Benchmark& b) {
  return !b.skipped && valid(r, b.implementation);
}

void Best::offer(const results::ResultsDir& r, const results::Benchmark& b, double v) {
  if (!valid_figure(r, b) || (!implementation.empty() && v <= value)) return;
  value = v;
  implementation = b.implementation;
}

Roofline roofline(const results::ResultsDir& r) {
  Roofline roof;
  for (const results::Benchmark& b : r.benchmarks) {
    if (b.family != schema::kRooflineFamily || b.peer || !valid_figure(r, b)) continue;
    if (b.kernel == schema::kReadBandwidthKernel && !b.bytes_per_second.empty() && !b.level.empty())
      roof.read_bandwidth[b.level].offer(r, b, stats::median(b.bytes_per_second));
    else if (b.kernel == schema::kPeakFlopsKernel && !b.items_per_second.empty())
      roof.peak_flops[isa_level(r, b.implementation)].offer(r, b, stats::median(b.items_per_second));
  }
  return roof;
}

std::optional<double> roof_fraction(const Roofline& roof, const results::ResultsDir& r, const results::Benchmark& b) {
  if (b.family == schema::kRooflineFamily && b.kernel == schema::kPeakFlopsKernel) {
    const auto it = roof.peak_flops.find(isa_level(r, b.implementation));
    if (it == roof.peak_flops.end() || it->second.value <= 0 || b.items_per_second.empty()) return std::nullopt;
    return stats::median(b.items_per_second) / it->second.value;
  }
  const auto it = roof.read_bandwidth.find(b.level);
  if (it == roof.read_bandwidth.end() || it->second.value <= 0 || b.bytes_per_second.empty()) return std::nullopt;
  return stats::median(b.bytes_per_second) / it->second.value;
}

std::map<std::string, std::vector<const results::Benchmark*>> by_kernel(const results::ResultsDir& r) {
  std::map<std::string, std::vector<const results::Benchmark*>> out;
  for (const results::Benchmark& b : r.benchmarks)
    if (!b.skipped && !b.real_time_ns.empty()) out[b.family + "/" + b.kernel].push_back(&b);
  return out;
}

bool is_roofline(const std::vector<const results::Benchmark*>& group) {
  return !group.empty() && group.front()->family == schema::kRooflineFamily;
}

std::string other_params(const results::Benchmark& b, const std::vector<std::string>& except) {
  std::string out;
  for (const auto& [k, v] : b.params) {
    if (std::find(except.begin(), except.end(), k) != except.end()) continue;
    if (!out.empty()) out += '/';
    out += k + ":" + v;
  }
  return out;
}

}  // namespace maskbench::analysis
