#include "maskbench/cpu.hpp"

#include <cstdlib>
#include <string>
#include <string_view>

#include <cpuinfo_x86.h>
#include <fmt/format.h>

namespace maskbench {
namespace {

constexpr FeatureInfo kFeatures[] = {
    {Feature::sse42, "sse42", "SSE3 SSSE3 SSE4.1 SSE4.2 POPCNT CX16 (x86-64-v2)"},
    {Feature::avx2, "avx2", "AVX AVX2 FMA BMI1 BMI2 F16C MOVBE, OS saves YMM (x86-64-v3)"},
    {Feature::avx512, "avx512", "AVX-512 F CD BW DQ VL, OS saves ZMM and opmask (x86-64-v4)"},
    {Feature::avx512vbmi2, "avx512vbmi2", "AVX-512 VBMI2"},
};

FeatureSet detect(const cpu_features::X86Features& f) {
  FeatureSet set;
  const bool v2 = f.sse3 && f.ssse3 && f.sse4_1 && f.sse4_2 && f.popcnt && f.cx16;
  const bool v3 = v2 && f.avx && f.avx2 && f.fma3 && f.bmi1 && f.bmi2 && f.f16c && f.movbe;
  const bool v4 = v3 && f.avx512f && f.avx512cd && f.avx512bw && f.avx512dq && f.avx512vl;
  if (v2) set = set | Feature::sse42;
  if (v3) set = set | Feature::avx2;
  if (v4) set = set | Feature::avx512;
  if (v4 && f.avx512vbmi2) set = set | Feature::avx512vbmi2;
  return set;
}

// Parses MASKBENCH_DISABLE; disabling a level also disables every level above
// it, since those implementations are compiled with its instructions too.
FeatureSet parse_disable(const char* text, std::string& error) {
  FeatureSet set;
  if (text == nullptr) return set;
  std::string_view rest(text);
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view word = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (word.empty()) continue;
    bool known = false;
    for (const FeatureInfo& fi : kFeatures) {
      if (fi.name != word) continue;
      known = true;
      bool above = false;
      for (const FeatureInfo& g : kFeatures) {
        if (g.feature == fi.feature) above = true;
        if (above) set = set | g.feature;
      }
    }
    if (!known)
      error = fmt::format(
          "MASKBENCH_DISABLE names unknown feature '{}'; expected a comma-separated list of "
          "sse42, avx2, avx512, avx512vbmi2",
          word);
  }
  return set;
}

// Generations that cpu_features 0.7 does not know, by the family and model
// numbers their vendors publish (Intel's SDM, AMD's processor programming
// references). Only consulted when cpu_features says X86_UNKNOWN.
struct NewerGeneration {
  std::string_view vendor;
  int family, model_first, model_last;
  std::string_view name;
};

constexpr NewerGeneration kNewerGenerations[] = {
    {"GenuineIntel", 6, 0xCF, 0xCF, "INTEL_EMR"},  // Emerald Rapids
    {"GenuineIntel", 6, 0xAD, 0xAE, "INTEL_GNR"},  // Granite Rapids
    {"GenuineIntel", 6, 0xAF, 0xAF, "INTEL_SRF"},  // Sierra Forest
    {"GenuineIntel", 6, 0xAA, 0xAC, "INTEL_MTL"},  // Meteor Lake
    {"GenuineIntel", 6, 0xB7, 0xB7, "INTEL_RPL"},  // Raptor Lake
    {"GenuineIntel", 6, 0xBA, 0xBA, "INTEL_RPL"},
    {"GenuineIntel", 6, 0xBF, 0xBF, "INTEL_RPL"},
    {"GenuineIntel", 6, 0xBD, 0xBD, "INTEL_LNL"},  // Lunar Lake
    {"GenuineIntel", 6, 0xC5, 0xC6, "INTEL_ARL"},  // Arrow Lake
    {"AuthenticAMD", 0x19, 0x10, 0x1F, "AMD_ZEN4"},  // Genoa, Storm Peak
    {"AuthenticAMD", 0x19, 0x60, 0x7F, "AMD_ZEN4"},  // Raphael, Phoenix
    {"AuthenticAMD", 0x19, 0xA0, 0xAF, "AMD_ZEN4"},  // Bergamo, Siena
    {"AuthenticAMD", 0x1A, 0x00, 0x4F, "AMD_ZEN5"},  // Turin, Strix, Granite Ridge
    {"AuthenticAMD", 0x1A, 0x60, 0x7F, "AMD_ZEN5"},
};

void name_microarchitecture(const cpu_features::X86Info& info, CpuInfo& cpu) {
  using namespace cpu_features;
  const X86Microarchitecture known = GetX86Microarchitecture(&info);
  cpu.microarchitecture = GetX86MicroarchitectureName(known);
  cpu.microarchitecture_source = "cpu_features";
  if (known != X86_UNKNOWN) return;
  for (const NewerGeneration& g : kNewerGenerations)
    if (cpu.vendor == g.vendor && cpu.family == g.family && cpu.model >= g.model_first && cpu.model <= g.model_last) {
      cpu.microarchitecture = g.name;
      cpu.microarchitecture_source = "maskbench's family/model table; cpu_features says X86_UNKNOWN";
      return;
    }
}

CpuInfo detect_host() {
  using namespace cpu_features;
  CpuInfo cpu;
  const X86Info info = GetX86Info();
  cpu.vendor = info.vendor;
  cpu.brand = info.brand_string;
  while (!cpu.brand.empty() && cpu.brand.back() == ' ') cpu.brand.pop_back();
  cpu.family = info.family;
  cpu.model = info.model;
  cpu.stepping = info.stepping;
  name_microarchitecture(info, cpu);
  const CacheInfo caches = GetX86CacheInfo();
  for (int i = 0; i < caches.size; ++i) {
    const CacheLevelInfo& c = caches.levels[i];
    const char* type = c.cache_type == CPU_FEATURE_CACHE_DATA          ? "data"
                       : c.cache_type == CPU_FEATURE_CACHE_INSTRUCTION ? "instruction"
                       : c.cache_type == CPU_FEATURE_CACHE_UNIFIED     ? "unified"
                                                                        : nullptr;
    if (type == nullptr || c.cache_size <= 0) continue;
    cpu.caches.push_back({c.level, type, c.cache_size, c.line_size});
  }
  // Some hypervisors leave the cache leaves empty (CPUID 0x8000001D on the
  // Zen 5 VM this was written on, with no sysfs cache entries either).
  cpu.cache_source = cpu.caches.empty() ? "none" : "cpu_features";
  for (int e = 0; e < X86_LAST_; ++e) {
    const auto fe = static_cast<X86FeaturesEnum>(e);
    const std::string_view name = GetX86FeaturesEnumName(fe);
    if (name.starts_with("sse") || name.starts_with("avx") || name == "fma3" || name.starts_with("bmi") ||
        name == "popcnt" || name == "f16c" || name == "movbe" || name == "cx16" || name == "ssse3")
      cpu.cpuid_flags.emplace_back(name, GetX86FeaturesEnumValue(&info.features, fe) != 0);
  }
  cpu.detected = detect(info.features);
  cpu.disabled = parse_disable(std::getenv("MASKBENCH_DISABLE"), cpu.disable_error);
  return cpu;
}

}  // namespace

std::span<const FeatureInfo> all_features() { return kFeatures; }

std::string feature_names(FeatureSet set) {
  std::string out;
  for (const FeatureInfo& fi : kFeatures)
    if (set.has(fi.feature)) {
      if (!out.empty()) out += ',';
      out += fi.name;
    }
  return out.empty() ? "none" : out;
}

std::int64_t CpuInfo::cache_bytes(int level) const {
  for (const CacheLevel& c : caches)
    if (c.level == level && c.type != "instruction") return c.size_bytes;
  return 0;
}

const CpuInfo& host_cpu() {
  static const CpuInfo cpu = detect_host();
  return cpu;
}

}  // namespace maskbench
