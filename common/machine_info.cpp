#include "machine_info.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "build_info.hpp"
#include "maskbench/best.hpp"
#include "maskbench/compress.hpp"
#include "maskbench/registry.hpp"
#include "schema.hpp"

namespace maskbench {
namespace {

namespace key = schema::info;

std::string read_first_line(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

nlohmann::json conditions() {
  nlohmann::json c;
  const std::string governor = read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  c[key::kScalingGovernor] = governor.empty() ? "unavailable (no cpufreq: VM or fixed clock)" : governor;
  c["frequency_scaling"] = !governor.empty() && governor != "performance";
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) == 3) c["load_average"] = {load[0], load[1], load[2]};
  c["online_cpus"] = sysconf(_SC_NPROCESSORS_ONLN);
  return c;
}

}  // namespace

nlohmann::json machine_info_json() {
  const CpuInfo& cpu = host_cpu();
  nlohmann::json j;
  j[schema::kSchemaMember] = schema::tag(schema::Document::info);
  j["date"] = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  j[key::kHostname] = host;
  utsname u{};
  if (uname(&u) == 0) j["os"] = {{"sysname", u.sysname}, {"release", u.release}, {"version", u.version}, {"machine", u.machine}};
  j["os"]["pretty_name"] = [] {
    std::ifstream in("/etc/os-release");
    for (std::string line; std::getline(in, line);)
      if (line.starts_with("PRETTY_NAME=")) {
        std::string v = line.substr(12);
        if (v.size() >= 2 && v.front() == '"') v = v.substr(1, v.size() - 2);
        return v;
      }
    return std::string("unknown");
  }();
  nlohmann::json& c = j[key::kCpu];
  c = {{"vendor", cpu.vendor},     {key::kBrand, cpu.brand},
       {"family", cpu.family},     {"model", cpu.model},
       {"stepping", cpu.stepping}, {key::kMicroarchitecture, cpu.microarchitecture},
       {"microarchitecture_source", cpu.microarchitecture_source},
       {"architecture", cpu.architecture},
       {"vector_bits", cpu.vector_bits}};
  c["cache_source"] = cpu.cache_source;
  for (const CacheLevel& l : cpu.caches)
    c["caches"].push_back({{"level", l.level}, {"type", l.type}, {"size_bytes", l.size_bytes}, {"line_bytes", l.line_bytes}});
  for (const auto& [name, on] : cpu.cpuid_flags) c["cpuid_flags"][name] = on;
  for (const FeatureInfo& f : all_features()) {
    nlohmann::json checks = nlohmann::json::array(), missing = nlohmann::json::array();
    for (std::size_t i = 0; i < extensions().size(); ++i)
      if (extensions()[i].level == f.feature) {
        checks.push_back(extensions()[i].name);
        if (i >= cpu.has_extension.size() || !cpu.has_extension[i]) missing.push_back(extensions()[i].name);
      }
    j[key::kFeatures].push_back({{key::kName, f.name},
                             {"meaning", f.meaning},
                             {"checks", checks},
                             {"missing", missing},
                             {key::kDetected, cpu.detected.has(f.feature)},
                             {key::kDisabled, cpu.disabled.has(f.feature)}});
  }
  if (const char* d = std::getenv("MASKBENCH_DISABLE")) j["maskbench_disable"] = d;
  j[key::kBuild] = {{key::kCompiler, compiler()},
                    {key::kCommit, build::kCommit},
                    {key::kCommitDate, build::kCommitDate},
                    {"build_type", build::kBuildType},
                    {key::kBaseFlags, build::kBaseFlags},
                    {"sanitize", build::kSanitize}};
  for (const Implementation& impl : implementations()) {
    const Runnability r = runnable(impl, cpu);
    nlohmann::json e = {{key::kName, impl.name},
                        {"description", impl.description},
                        {key::kKind, kind_name(impl.kind)},
                        {"level", impl.level},
                        {key::kRequires, feature_names(impl.required)},
                        {"flags", impl.compile_flags},
                        {key::kRunnable, r.ok},
                        {key::kTestSuffix, schema::test_name_suffix(impl.name)}};
    if (!r.ok) e[key::kReason] = r.reason;
    for (const FamilyEntry& f : impl.families) e["families"].push_back(f.family);
    // Where an implementation picks its compress form per CPU, which one this
    // CPU gets; asked only of a runnable one, since the choice runs its code.
    if (const CompressKernels* k = impl.kernels<CompressKernels>(); k != nullptr && r.ok && k->variants.size() > 1)
      e["compress_variant"] = k->chosen_variant();
    j[key::kImplementations].push_back(e);
  }
  // best() per family, MASKBENCH_FORCE included; null where there is none:
  // the forced implementation does not provide the family, or nothing usable
  // here does.
  j["best"] = nlohmann::json::object();
  for (std::string_view family : families()) {
    nlohmann::json& b = j["best"][std::string(family)];
    try {
      b = best(family, cpu).name;
    } catch (const std::runtime_error&) {
      b = nullptr;
    }
  }
  j[key::kConditions] = conditions();
  return j;
}

std::string human_bytes(double bytes) {
  if (bytes >= 1 << 20) return fmt::format("{:.3g} MiB", bytes / (1 << 20));
  if (bytes >= 1 << 10) return fmt::format("{:.3g} KiB", bytes / (1 << 10));
  return fmt::format("{:g} B", bytes);
}

std::string_view vector_length_name(std::string_view architecture) {
  return architecture == "riscv64" ? "VLEN" : "SVE";
}

}  // namespace maskbench
