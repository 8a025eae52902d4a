// 64-bit Arm: Advanced SIMD is the armv8-a baseline; the levels above it are
// read from the kernel's HWCAP bits through cpu_features, the vector length
// from the kernel (prctl), caches from sysfs.
#include <sys/prctl.h>

#include <array>
#include <iterator>
#include <string>
#include <string_view>

#include <cpuinfo_aarch64.h>
#include <fmt/format.h>

#include "cpu_arch.hpp"

namespace maskbench::arch {
namespace {

constexpr FeatureInfo kFeatures[] = {
    {Feature::sve, "sve", "armv8.2-a+sve"},
};

struct Probe {
  Extension ext;
  cpu_features::Aarch64FeaturesEnum bit;
};

// What GCC's -march=armv8.2-a+sve lets the compiler use beyond armv8-a (its
// predefined macros, held to this by tests/feature_detection_test.cpp):
// the v8.1 and v8.2 extensions, half precision, which +sve implies, and SVE.
constexpr Probe kProbes[] = {
    {{"crc32", Feature::sve, "__ARM_FEATURE_CRC32"}, cpu_features::AARCH64_CRC32},
    {{"atomics", Feature::sve, "__ARM_FEATURE_ATOMICS"}, cpu_features::AARCH64_ATOMICS},
    {{"asimdrdm", Feature::sve, "__ARM_FEATURE_QRDMX"}, cpu_features::AARCH64_ASIMDRDM},
    {{"fphp", Feature::sve, "__ARM_FEATURE_FP16_SCALAR_ARITHMETIC"}, cpu_features::AARCH64_FPHP},
    {{"asimdhp", Feature::sve, "__ARM_FEATURE_FP16_VECTOR_ARITHMETIC"}, cpu_features::AARCH64_ASIMDHP},
    {{"sve", Feature::sve, "__ARM_FEATURE_SVE __ARM_FEATURE_SVE_BITS __ARM_FEATURE_SVE_VECTOR_OPERATORS"},
     cpu_features::AARCH64_SVE},
};

constexpr auto kExtensions = [] {
  std::array<Extension, std::size(kProbes)> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = kProbes[i].ext;
  return out;
}();

// MIDR implementer codes (Arm ARM, D17.2.100) and the parts most often met.
struct Part {
  int implementer, part;
  std::string_view name;
};
constexpr Part kParts[] = {
    {0x41, -1, "Arm"},           {0x41, 0xd0c, "ARM_NEOVERSE_N1"}, {0x41, 0xd40, "ARM_NEOVERSE_V1"},
    {0x41, 0xd49, "ARM_NEOVERSE_N2"}, {0x41, 0xd4f, "ARM_NEOVERSE_V2"}, {0x41, 0xd84, "ARM_NEOVERSE_V3"},
    {0x41, 0xd8e, "ARM_NEOVERSE_N3"}, {0x42, -1, "Broadcom"},      {0x43, -1, "Cavium"},
    {0x46, -1, "Fujitsu"},       {0x46, 0x001, "FUJITSU_A64FX"},   {0x48, -1, "HiSilicon"},
    {0x4e, -1, "NVIDIA"},        {0x51, -1, "Qualcomm"},           {0x61, -1, "Apple"},
    {0xc0, -1, "Ampere"},        {0xc0, 0xac3, "AMPERE_ONE"},
};

std::string_view part_name(int implementer, int part) {
  for (const Part& p : kParts)
    if (p.implementer == implementer && p.part == part) return p.name;
  return {};
}

}  // namespace

std::span<const FeatureInfo> features() { return kFeatures; }
std::span<const Extension> extensions() { return kExtensions; }

std::vector<bool> detect_extensions() {
  const cpu_features::Aarch64Info info = cpu_features::GetAarch64Info();
  std::vector<bool> has;
  for (const Probe& p : kProbes) has.push_back(cpu_features::GetAarch64FeaturesEnumValue(&info.features, p.bit) != 0);
  return has;
}

void identify(CpuInfo& cpu) {
  using namespace cpu_features;
  const Aarch64Info info = GetAarch64Info();
  cpu.architecture = "aarch64";
  cpu.family = info.implementer;
  cpu.model = info.part;
  cpu.stepping = info.revision;
  const std::string_view vendor = part_name(info.implementer, -1);
  cpu.vendor = vendor.empty() ? fmt::format("implementer {:#x}", info.implementer) : std::string(vendor);
  const std::string_view known = part_name(info.implementer, info.part);
  cpu.microarchitecture = known.empty() ? "AARCH64_UNKNOWN" : std::string(known);
  cpu.microarchitecture_source = "maskbench's MIDR table";
  cpu.brand = fmt::format("part {:#x} variant {} revision {}", info.part, info.variant, info.revision);
  for (int e = 0; e < AARCH64_LAST_; ++e) {
    const auto fe = static_cast<Aarch64FeaturesEnum>(e);
    cpu.cpuid_flags.emplace_back(GetAarch64FeaturesEnumName(fe), GetAarch64FeaturesEnumValue(&info.features, fe) != 0);
  }
  // PR_SVE_GET_VL: the vector length in bytes in the low 16 bits; an error
  // where the kernel or CPU has no SVE.
  if (GetAarch64FeaturesEnumValue(&info.features, AARCH64_SVE) != 0) {
    const int vl = prctl(PR_SVE_GET_VL, 0, 0, 0, 0);
    if (vl > 0) cpu.vector_bits = (vl & 0xffff) * 8;
  }
  read_sysfs_caches(cpu);
}

}  // namespace maskbench::arch
