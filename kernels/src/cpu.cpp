#include "maskbench/cpu.hpp"

#include <cstdlib>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "cpu_arch.hpp"

namespace maskbench {
namespace {

// Parses MASKBENCH_DISABLE; disabling a level also disables every level and
// extra above it, since those implementations are compiled with its
// instructions too; disabling an extra disables only it.
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
    for (const FeatureInfo& fi : arch::features()) {
      if (fi.name != word) continue;
      known = true;
      bool above = false;
      for (const FeatureInfo& g : arch::features()) {
        if (g.feature == fi.feature) above = true;
        if (above && (!fi.extra || g.feature == fi.feature)) set = set | g.feature;
      }
    }
    if (!known)
      error = fmt::format("MASKBENCH_DISABLE names unknown feature '{}'; expected a comma-separated list of {}",
                          word, feature_names(FeatureSet{~0u}));
  }
  return set;
}

CpuInfo detect_host() {
  CpuInfo cpu;
  arch::identify(cpu);
  cpu.has_extension = arch::detect_extensions();
  cpu.detected = levels_supported(cpu.has_extension);
  cpu.disabled = parse_disable(std::getenv("MASKBENCH_DISABLE"), cpu.disable_error);
  return cpu;
}

}  // namespace

std::span<const FeatureInfo> all_features() { return arch::features(); }

std::span<const Extension> extensions() { return arch::extensions(); }

FeatureSet levels_supported(const std::vector<bool>& has) {
  FeatureSet set;
  // Whether every level of the chain so far is supported: the levels above,
  // and the extras on them, are compiled with its instructions too.
  bool chain = true;
  for (const FeatureInfo& fi : arch::features()) {
    bool all = true;
    for (std::size_t i = 0; i < arch::extensions().size(); ++i)
      if (arch::extensions()[i].level == fi.feature && !(i < has.size() && has[i])) all = false;
    if (!fi.extra) chain = chain && all;
    if (chain && all) set = set | fi.feature;
  }
  return set;
}

std::vector<std::string_view> CpuInfo::missing_extensions(FeatureSet levels) const {
  // Levels are cumulative, so the chain below the highest level (or extra)
  // asked counts too; extras count only when asked.
  FeatureSet needed, chain;
  for (const FeatureInfo& fi : arch::features()) {
    if (!fi.extra) chain = chain | fi.feature;
    if (levels.has(fi.feature)) needed = needed | chain | fi.feature;
  }
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < arch::extensions().size(); ++i)
    if (needed.has(arch::extensions()[i].level) && !(i < has_extension.size() && has_extension[i]))
      out.push_back(arch::extensions()[i].name);
  return out;
}

std::string feature_names(FeatureSet set) {
  std::string out;
  for (const FeatureInfo& fi : arch::features())
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
