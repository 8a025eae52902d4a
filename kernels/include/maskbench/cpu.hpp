#pragma once
// What this CPU can run. Features are cumulative levels named after the
// implementations that need them; each covers every instruction the compiler
// may emit for that level's -march (x86-64-v2, -v3, -v4), not one CPUID bit.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "maskbench/export.hpp"

namespace maskbench {

enum class Feature : std::uint32_t {
  sse42 = 1u << 0,        // x86-64-v2: SSE3, SSSE3, SSE4.1, SSE4.2, POPCNT, CX16
  avx2 = 1u << 1,         // x86-64-v3: AVX, AVX2, FMA, BMI1, BMI2, F16C, MOVBE
  avx512 = 1u << 2,       // x86-64-v4: AVX-512 F, VL, BW, DQ, CD
  avx512vbmi2 = 1u << 3,  // AVX-512 VBMI2 (vpcompressb/w)
};

class FeatureSet {
 public:
  constexpr FeatureSet() = default;
  constexpr explicit FeatureSet(std::uint32_t bits) : bits_(bits) {}
  constexpr FeatureSet operator|(Feature f) const { return FeatureSet(bits_ | static_cast<std::uint32_t>(f)); }
  constexpr FeatureSet operator|(FeatureSet o) const { return FeatureSet(bits_ | o.bits_); }
  constexpr FeatureSet operator&(FeatureSet o) const { return FeatureSet(bits_ & o.bits_); }
  constexpr FeatureSet without(FeatureSet o) const { return FeatureSet(bits_ & ~o.bits_); }
  constexpr bool has(Feature f) const { return (bits_ & static_cast<std::uint32_t>(f)) != 0; }
  constexpr bool contains(FeatureSet o) const { return (bits_ & o.bits_) == o.bits_; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr std::uint32_t bits() const { return bits_; }
  constexpr bool operator==(const FeatureSet&) const = default;

 private:
  std::uint32_t bits_ = 0;
};

struct FeatureInfo {
  Feature feature;
  std::string_view name;     // as in MASKBENCH_DISABLE and the implementation table
  std::string_view meaning;  // the CPUID bits it stands for
};
MB_API std::span<const FeatureInfo> all_features();
// "sse42,avx2" for a set; "none" for the empty set.
MB_API std::string feature_names(FeatureSet set);

struct CacheLevel {
  int level = 0;
  std::string type;  // "data", "instruction" or "unified"
  std::int64_t size_bytes = 0;
  int line_bytes = 0;
};

struct MB_API CpuInfo {
  std::string vendor;
  std::string brand;
  int family = 0, model = 0, stepping = 0;
  // cpu_features' name, e.g. INTEL_SPR. Where cpu_features (0.7 on Debian 12)
  // says X86_UNKNOWN for a generation newer than its table, the name comes
  // from maskbench's own family/model table and microarchitecture_source says so.
  std::string microarchitecture;
  std::string microarchitecture_source;  // "cpu_features" or what supplied the name instead
  std::vector<CacheLevel> caches;
  // "cpu_features", or "none" when it reports no cache (the benchmarks then
  // size for assumed caches, and bench.json's context says so).
  std::string cache_source;
  std::vector<std::pair<std::string, bool>> cpuid_flags;  // the individual bits behind the levels
  FeatureSet detected;  // what the CPU and OS support
  FeatureSet disabled;  // masked by MASKBENCH_DISABLE
  FeatureSet usable() const { return detected.without(disabled); }
  std::string disable_error;  // non-empty when MASKBENCH_DISABLE names an unknown feature

  // Size of the data or unified cache at `level`, 0 when it is unknown.
  std::int64_t cache_bytes(int level) const;
};

// Detected once per process; MASKBENCH_DISABLE=avx512,avx2 masks features so
// that the same binary behaves as on an older CPU.
MB_API const CpuInfo& host_cpu();

}  // namespace maskbench
