// Feature detection checks every extension that an implementation's flags let
// the compiler use: the compiler itself says which (its predefined macros),
// and a flag change that enables an extension no level checks fails here.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#if defined(__x86_64__)
#include <cpuinfo_x86.h>
#elif defined(__aarch64__)
#include <cpuinfo_aarch64.h>
#endif

#include "maskbench/cpu.hpp"
#include "maskbench/registry.hpp"

namespace {

using maskbench::Extension;
using maskbench::FeatureSet;
using maskbench::Implementation;

std::vector<std::string> words(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// The names of the macros the compiler predefines under `flags`.
std::set<std::string> predefined(const std::string& flags) {
  const std::string cmd = std::string(MASKBENCH_CXX) + " " + flags + " -dM -E -x c++ /dev/null 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) ADD_FAILURE() << "cannot run " << cmd;
  std::set<std::string> out;
  std::array<char, 4096> line;
  while (p != nullptr && std::fgets(line.data(), line.size(), p) != nullptr) {
    const std::vector<std::string> w = words(line.data());
    if (w.size() >= 2 && w[0] == "#define") out.insert(w[1].substr(0, w[1].find('(')));
  }
  if (p != nullptr) {
    EXPECT_EQ(pclose(p), 0) << cmd;
  }
  return out;
}

bool matches(const std::string& macro, std::string_view pattern) {
  if (pattern.ends_with('*')) return macro.starts_with(pattern.substr(0, pattern.size() - 1));
  return macro == pattern;
}

// The extensions detection checks before it runs `impl`.
std::vector<Extension> checked_for(const Implementation& impl) {
  std::vector<Extension> out;
  for (const Extension& e : maskbench::extensions())
    if (impl.required.has(e.level)) out.push_back(e);
  return out;
}

TEST(FeatureFlags, DetectionChecksEveryExtensionTheFlagsEnable) {
  for (const Implementation& impl : maskbench::implementations()) {
    // The same flags without -march and -m options: what the ISA flags add is the difference.
    std::string flags, base;
    for (const std::string& w : words(impl.compile_flags)) {
      flags += " " + w;
      if (!w.starts_with("-m")) base += " " + w;
    }
    const std::set<std::string> without = predefined(base);
    const std::vector<Extension> checked = checked_for(impl);
    std::set<std::string_view> used;
    for (const std::string& macro : predefined(flags)) {
      if (without.contains(macro)) continue;
      bool claimed = false;
      for (const Extension& e : checked)
        for (const std::string& pattern : words(e.macros))
          if (matches(macro, pattern)) {
            claimed = true;
            used.insert(e.name);
          }
      EXPECT_TRUE(claimed) << impl.name << ": its flags (" << flags << ") let " << MASKBENCH_CXX << " use " << macro
                           << ", which no extension of its levels (" << maskbench::feature_names(impl.required)
                           << ") in kernels/src/cpu_" << maskbench::target_architecture() << ".cpp checks";
    }
    for (const Extension& e : checked)
      EXPECT_TRUE(e.macros.empty() || used.contains(e.name))
          << impl.name << ": detection checks " << e.name << " (" << e.macros << "), which its flags (" << flags
          << ") do not enable";
  }
}

// cpu_features' own bits by name, and how many of the extensions it should name.
template <class Enum, class Features>
std::vector<std::pair<std::string, bool>> bits_by_name(const Features& features, int last, const char* (*name)(Enum),
                                                       int (*value)(const Features*, Enum)) {
  std::vector<std::pair<std::string, bool>> out;
  for (int f = 0; f < last; ++f) out.emplace_back(name(static_cast<Enum>(f)), value(&features, static_cast<Enum>(f)) != 0);
  return out;
}
#if defined(__x86_64__)
std::vector<std::pair<std::string, bool>> cpu_features_bits() {
  return bits_by_name(cpu_features::GetX86Info().features, cpu_features::X86_LAST_, cpu_features::GetX86FeaturesEnumName,
                      cpu_features::GetX86FeaturesEnumValue);
}
constexpr int kNamedByCpuFeatures = 15;
#elif defined(__aarch64__)
std::vector<std::pair<std::string, bool>> cpu_features_bits() {
  return bits_by_name(cpu_features::GetAarch64Info().features, cpu_features::AARCH64_LAST_,
                      cpu_features::GetAarch64FeaturesEnumName, cpu_features::GetAarch64FeaturesEnumValue);
}
constexpr int kNamedByCpuFeatures = 6;
#else
std::vector<std::pair<std::string, bool>> cpu_features_bits() { return {}; }
constexpr int kNamedByCpuFeatures = 0;
#endif

// The bits cpu_features also reads must agree with it (its AVX bits read 0
// when the OS does not save the state, ours stand apart as os_*_state).
TEST(FeatureFlags, BitsAgreeWithCpuFeatures) {
  const maskbench::CpuInfo& cpu = maskbench::host_cpu();
  const std::vector<std::string_view> os_missing = cpu.missing_extensions(FeatureSet{~0u});
  const bool os_saves_all = std::none_of(os_missing.begin(), os_missing.end(),
                                         [](std::string_view n) { return n.starts_with("os"); });
  int compared = 0;
  const auto bits = cpu_features_bits();
  for (std::size_t i = 0; i < maskbench::extensions().size(); ++i)
    for (const auto& [name, on] : bits) {
      if (name != maskbench::extensions()[i].name) continue;
      ++compared;
      if (os_saves_all || !cpu.has_extension[i]) {
        EXPECT_EQ(cpu.has_extension[i], on) << name;
      }
    }
  EXPECT_GE(compared, kNamedByCpuFeatures) << "cpu_features 0.7 names most of the extensions; did the names change?";
}

// A CPU that lacks exactly one extension: the implementations whose levels
// need it are skipped with a reason naming it, every other one runs.
TEST(FeatureDetection, LackingOneExtensionSkipsExactlyItsLevelsAndNamesIt) {
  const auto all = maskbench::extensions();
  for (std::size_t i = 0; i < all.size(); ++i) {
    maskbench::CpuInfo cpu;
    cpu.has_extension.assign(all.size(), true);
    cpu.has_extension[i] = false;
    cpu.detected = maskbench::levels_supported(cpu.has_extension);
    for (const Implementation& impl : maskbench::implementations()) {
      const maskbench::Runnability r = maskbench::runnable(impl, cpu);
      bool needs = false;
      for (const Extension& e : checked_for(impl)) needs = needs || e.name == all[i].name;
      EXPECT_EQ(r.ok, !needs) << "without " << all[i].name << ": " << impl.name << " " << r.reason;
      if (needs) {
        EXPECT_EQ(r.reason, "needs " + std::string(all[i].name) + ", which this CPU lacks") << impl.name;
      }
    }
  }
}

}  // namespace
