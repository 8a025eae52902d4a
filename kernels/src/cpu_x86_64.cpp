// x86-64: levels x86-64-v2, -v3, -v4, VBMI2 and BF16, read from CPUID and XCR0;
// identity and caches from cpu_features.
#include <cpuid.h>

#include <array>
#include <iterator>
#include <string>
#include <string_view>

#include <cpuinfo_x86.h>

#include "cpu_arch.hpp"

namespace maskbench::arch {
namespace {

constexpr FeatureInfo kFeatures[] = {
    {Feature::sse42, "sse42", "x86-64-v2"},
    {Feature::avx2, "avx2", "x86-64-v3, OS saves YMM"},
    {Feature::avx512, "avx512", "x86-64-v4, OS saves opmask and ZMM"},
    {Feature::avx512vbmi2, "avx512vbmi2", "AVX-512 VBMI2", true},
    {Feature::avx512bf16, "avx512bf16", "AVX512_BF16", true},
};

// The registers the extensions are read from. cpu_features 0.7 has no field
// for LZCNT, LAHF/SAHF, XSAVE or OSXSAVE and hides XCR0, so every bit is read
// here, one way for all (tests/feature_flags_test.cpp checks the bits it
// shares with cpu_features against it).
enum Reg { kLeaf1Ecx, kLeaf7Ebx, kLeaf7Ecx, kLeaf7Sub1Eax, kExt1Ecx, kXcr0, kRegs };

struct Probe {
  Extension ext;
  Reg reg;
  std::uint64_t mask;  // every bit must be set
};

// x86-64-v2/v3/v4 as the psABI defines them, plus the -m flags that
// cmake/Implementations.cmake adds on top (-mavx512vbmi2, -mavx512bf16). Bits from Intel's
// SDM vol. 2A, CPUID; XCR0 from vol. 1, 13.3.
constexpr Probe kProbes[] = {
    {{"sse3", Feature::sse42, "__SSE3__"}, kLeaf1Ecx, 1u << 0},
    {{"ssse3", Feature::sse42, "__SSSE3__"}, kLeaf1Ecx, 1u << 9},
    {{"sse4_1", Feature::sse42, "__SSE4_1__"}, kLeaf1Ecx, 1u << 19},
    {{"sse4_2", Feature::sse42, "__SSE4_2__ __CRC32__"}, kLeaf1Ecx, 1u << 20},
    {{"popcnt", Feature::sse42, "__POPCNT__"}, kLeaf1Ecx, 1u << 23},
    {{"cx16", Feature::sse42, "__GCC_HAVE_SYNC_COMPARE_AND_SWAP_16"}, kLeaf1Ecx, 1u << 13},
    {{"lahf_sahf", Feature::sse42, "__LAHF_SAHF__"}, kExt1Ecx, 1u << 0},
    {{"avx", Feature::avx2, "__AVX__"}, kLeaf1Ecx, 1u << 28},
    {{"avx2", Feature::avx2, "__AVX2__"}, kLeaf7Ebx, 1u << 5},
    {{"bmi1", Feature::avx2, "__BMI__"}, kLeaf7Ebx, 1u << 3},
    {{"bmi2", Feature::avx2, "__BMI2__"}, kLeaf7Ebx, 1u << 8},
    {{"f16c", Feature::avx2, "__F16C__"}, kLeaf1Ecx, 1u << 29},
    {{"fma3", Feature::avx2, "__FMA__ __FP_FAST_FMA*"}, kLeaf1Ecx, 1u << 12},
    {{"lzcnt", Feature::avx2, "__LZCNT__"}, kExt1Ecx, 1u << 5},  // ABM
    {{"movbe", Feature::avx2, "__MOVBE__"}, kLeaf1Ecx, 1u << 22},
    {{"xsave", Feature::avx2, "__XSAVE__"}, kLeaf1Ecx, 1u << 26},
    {{"osxsave", Feature::avx2, ""}, kLeaf1Ecx, 1u << 27},
    {{"os_ymm_state", Feature::avx2, ""}, kXcr0, 0x6},  // SSE and AVX state
    {{"avx512f", Feature::avx512, "__AVX512F__ __EVEX256__ __EVEX512__"}, kLeaf7Ebx, 1u << 16},
    {{"avx512cd", Feature::avx512, "__AVX512CD__"}, kLeaf7Ebx, 1u << 28},
    {{"avx512bw", Feature::avx512, "__AVX512BW__"}, kLeaf7Ebx, 1u << 30},
    {{"avx512dq", Feature::avx512, "__AVX512DQ__"}, kLeaf7Ebx, 1u << 17},
    {{"avx512vl", Feature::avx512, "__AVX512VL__"}, kLeaf7Ebx, 1u << 31},
    {{"os_zmm_state", Feature::avx512, ""}, kXcr0, 0xE0},  // opmask, ZMM0-15 upper halves, ZMM16-31
    {{"avx512vbmi2", Feature::avx512vbmi2, "__AVX512VBMI2__"}, kLeaf7Ecx, 1u << 6},
    {{"avx512_bf16", Feature::avx512bf16, "__AVX512BF16__"}, kLeaf7Sub1Eax, 1u << 5},
};

constexpr auto kExtensions = [] {
  std::array<Extension, std::size(kProbes)> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = kProbes[i].ext;
  return out;
}();

std::array<std::uint64_t, kRegs> read_registers() {
  std::array<std::uint64_t, kRegs> r{};
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(1, &a, &b, &c, &d)) r[kLeaf1Ecx] = c;
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
    r[kLeaf7Ebx] = b;
    r[kLeaf7Ecx] = c;
    // Subleaf 1 exists when subleaf 0's EAX, the highest subleaf, says so.
    if (a >= 1 && __get_cpuid_count(7, 1, &a, &b, &c, &d)) r[kLeaf7Sub1Eax] = a;
  }
  if (__get_cpuid(0x80000001u, &a, &b, &c, &d)) r[kExt1Ecx] = c;
  // XGETBV faults unless the OS has enabled it, which CPUID.1:ECX.OSXSAVE says.
  if ((r[kLeaf1Ecx] >> 27) & 1) {
    unsigned lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    r[kXcr0] = (std::uint64_t{hi} << 32) | lo;
  }
  return r;
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

}  // namespace

std::span<const FeatureInfo> features() { return kFeatures; }
std::span<const Extension> extensions() { return kExtensions; }

std::vector<bool> detect_extensions() {
  const auto regs = read_registers();
  std::vector<bool> has;
  for (const Probe& p : kProbes) has.push_back((regs[p.reg] & p.mask) == p.mask);
  return has;
}

void identify(CpuInfo& cpu) {
  using namespace cpu_features;
  cpu.architecture = "x86_64";
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
}

}  // namespace maskbench::arch
