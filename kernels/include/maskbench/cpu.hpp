#pragma once
// What this CPU can run. Features are cumulative levels named after the
// implementations that need them; each covers every extension the compiler
// may use under that level's flags (x86-64-v2, -v3, -v4, -mavx512vbmi2,
// -mavx512bf16) and
// the register state the OS must save, not one CPUID bit.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "maskbench/export.hpp"

namespace maskbench {

// The levels of every architecture; a build knows those of its target
// (all_features()), and rows of other architectures are not built.
enum class Feature : std::uint32_t {
  sse42 = 1u << 0,        // x86-64-v2
  avx2 = 1u << 1,         // x86-64-v3, and the OS saves YMM state
  avx512 = 1u << 2,       // x86-64-v4, and the OS saves opmask and ZMM state
  avx512vbmi2 = 1u << 3,  // AVX-512 VBMI2 (vpcompressb/w)
  sve = 1u << 4,          // aarch64: armv8.2-a+sve (Advanced SIMD is the baseline)
  rvv = 1u << 5,          // riscv64: rv64gcv, the V extension (RV64GC is the baseline)
  avx512bf16 = 1u << 6,   // AVX512_BF16 (vcvtne2ps2bf16, vdpbf16ps)
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

// An architecture's features in order: a chain of levels, each needing the
// ones before it, and extras, each needing the chain up to the level listed
// before it but not the extras beside it (a CPU may have AVX512_BF16 without
// VBMI2, or VBMI2 without BF16).
struct FeatureInfo {
  Feature feature;
  std::string_view name;     // as in MASKBENCH_DISABLE and the implementation table
  std::string_view meaning;  // the definition it follows, e.g. "x86-64-v3"; extensions() has the bits
  bool extra = false;
};
MB_API std::span<const FeatureInfo> all_features();
// "sse42,avx2" for a set; "none" for the empty set.
MB_API std::string feature_names(FeatureSet set);

// One thing a level needs: an instruction set extension (a CPUID bit, an
// aarch64 HWCAP bit) or register state that the OS must save (XCR0 bits).
struct Extension {
  std::string_view name;  // cpu_features' name where it has one ("fma3", "sve"), else "lzcnt", "os_ymm_state", ...
  Feature level;          // the lowest level that needs it
  // What the compiler predefines when the flags let it use this extension,
  // space-separated ('*' ends a prefix); empty for OS state. The flags test
  // (tests/feature_flags_test.cpp) holds the levels to these.
  std::string_view macros;
};
// Every extension that some level needs, grouped by level in ascending order.
MB_API std::span<const Extension> extensions();
// The levels that `has` (parallel to extensions()) supports: a level needs all
// of its extensions and every level below it.
MB_API FeatureSet levels_supported(const std::vector<bool>& has);

struct CacheLevel {
  int level = 0;
  std::string type;  // "data", "instruction" or "unified"
  std::int64_t size_bytes = 0;
  int line_bytes = 0;
};

struct MB_API CpuInfo {
  std::string architecture;  // the build's target: "x86_64", "aarch64", ...
  std::string vendor;
  std::string brand;
  // x86: CPUID's family, model, stepping; aarch64: MIDR's implementer, part, revision.
  int family = 0, model = 0, stepping = 0;
  // The vector length this process runs with, in bits (SVE: the set length;
  // RVV: VLEN, one register; a group of LMUL registers is LMUL times that);
  // 0 where there is none.
  int vector_bits = 0;
  // cpu_features' name, e.g. INTEL_SPR. Where cpu_features (0.7 on Debian 12)
  // says X86_UNKNOWN for a generation newer than its table, the name comes
  // from maskbench's own family/model table and microarchitecture_source says so.
  std::string microarchitecture;
  std::string microarchitecture_source;  // "cpu_features" or what supplied the name instead
  std::vector<CacheLevel> caches;
  // "cpu_features", or "none" when it reports no cache (the benchmarks then
  // size for assumed caches, and bench.json's context says so).
  std::string cache_source;
  std::vector<std::pair<std::string, bool>> cpuid_flags;  // cpu_features' bits (CPUID, HWCAP), for the record
  std::vector<bool> has_extension;  // parallel to extensions(), read from CPUID and XCR0, or HWCAP
  FeatureSet detected;  // what the CPU and OS support: levels_supported(has_extension)
  FeatureSet disabled;  // masked by MASKBENCH_DISABLE
  FeatureSet usable() const { return detected.without(disabled); }
  std::string disable_error;  // non-empty when MASKBENCH_DISABLE names an unknown feature

  // Size of the data or unified cache at `level`, 0 when it is unknown.
  std::int64_t cache_bytes(int level) const;
  // The extensions that `levels` need (theirs and those of the levels below)
  // and that this CPU or OS lacks, in extensions() order.
  std::vector<std::string_view> missing_extensions(FeatureSet levels) const;
};

// Detected once per process; MASKBENCH_DISABLE=avx512,avx2 masks features so
// that the same binary behaves as on an older CPU.
MB_API const CpuInfo& host_cpu();

}  // namespace maskbench
