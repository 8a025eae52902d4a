// Every choice of "the best implementation" skips the known compiler defects
// of docs/known-defects.md: the decision for a given compiler (so that a g++
// build checks what a clang build decides), and `maskbench taskvec`, whose
// automatic choice never lands on a known defect of this build and whose
// --impl refuses one unless --allow-known-defect.
#include <algorithm>
#include <string>

#include "harness/cli_run.hpp"
#include "harness/skip.hpp"
#include "maskbench/known_defects.hpp"
#include "maskbench/registry.hpp"
#include "maskbench/taskvec.hpp"

namespace maskbench::conformance {
namespace {

// A CPU with every feature: only the known defects can leave an
// implementation out.
CpuInfo every_feature() {
  CpuInfo cpu = host_cpu();
  cpu.detected = FeatureSet(~0u);
  cpu.disabled = FeatureSet();
  return cpu;
}

bool has(const std::vector<const Implementation*>& v, std::string_view name) {
  return std::any_of(v.begin(), v.end(), [&](const Implementation* i) { return i->name == name; });
}

TEST(KnownDefectChoice, CandidatesSkipTheDefectsOfTheGivenCompiler) {
  const CpuInfo cpu = every_feature();
  if (known_defects().empty()) MB_SKIP("no known defect is listed for " + std::string(target_architecture()));
  for (const KnownDefect& d : known_defects()) {
    const Implementation* impl = find_implementation(d.implementation);
    ASSERT_NE(impl, nullptr) << d.id;
    for (const FamilyEntry& f : impl->families) {
      for (std::string_view affected : {"Clang 14.0.6", "Clang 19.1.7"}) {
        if (!d.applies_to(affected)) continue;
        const auto candidates = usable_implementations(f.family, cpu, affected);
        EXPECT_FALSE(has(candidates, d.implementation)) << d.id << " chosen for " << f.family << " with " << affected;
        EXPECT_EQ(has(candidates, reference().name), reference().provides(f.family)) << f.family;
        const Runnability u = usable(*impl, cpu, affected);
        EXPECT_FALSE(u.ok);
        EXPECT_NE(u.reason.find(d.id), std::string::npos) << u.reason;
        const NamedChoice refused_choice = choose_named(d.implementation, f.family, false, cpu, affected);
        EXPECT_EQ(refused_choice.impl, nullptr);
        EXPECT_NE(refused_choice.refusal.find("--allow-known-defect"), std::string::npos) << refused_choice.refusal;
        const NamedChoice allowed = choose_named(d.implementation, f.family, true, cpu, affected);
        EXPECT_EQ(allowed.impl, impl);
        EXPECT_EQ(allowed.defect, &d);
      }
      // Compilers nobody listed keep the implementation.
      for (std::string_view clean : {"GNU 12.2.0", "Clang 17.0.6"}) {
        if (d.applies_to(clean)) continue;
        EXPECT_TRUE(has(usable_implementations(f.family, cpu, clean), d.implementation)) << d.id << " " << clean;
        EXPECT_NE(choose_named(d.implementation, f.family, false, cpu, clean).impl, nullptr);
      }
    }
  }
  EXPECT_EQ(choose_named("no-such-impl", TaskvecKernels::kFamily, true, cpu).impl, nullptr);
}

class KnownDefectCli : public CliScratch {
 protected:
  void SetUp() override {
    CliScratch::SetUp();
    const std::string header = R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})";
    write_safetensors("pre.safetensors", header, std::string(16, '\0'));
    write_safetensors("ft.safetensors", header, std::string(16, '\x01'));
    files_ = fmt::format("taskvec --base '{}' '{}'", path("pre.safetensors"), path("ft.safetensors"));
  }
  std::string files_;
};

TEST_F(KnownDefectCli, TaskvecNeverChoosesAndRefusesAKnownDefectOfThisBuild) {
  const CliResult automatic = run(files_);
  ASSERT_EQ(automatic.rc, 0) << automatic.err;
  for (const KnownDefect& d : known_defects()) {
    const Implementation* impl = find_implementation(d.implementation);
    if (impl == nullptr || impl->kernels<TaskvecKernels>() == nullptr) continue;
    EXPECT_EQ(automatic.out.find(fmt::format("implementation {} ", d.implementation)), std::string::npos)
        << "chose " << d.id << " with " << compiler() << ":\n" << automatic.out;
    const CliResult named = run(fmt::format("{} --impl {}", files_, d.implementation));
    const CliResult allowed = run(fmt::format("{} --impl {} --allow-known-defect", files_, d.implementation));
    if (!runnable(*impl).ok) {
      EXPECT_TRUE(refused(named, {"cannot run here"}));
    } else if (d.applies_to(compiler())) {
      EXPECT_TRUE(refused(named, {"--impl", std::string(d.id), "--allow-known-defect"})) << compiler();
      EXPECT_EQ(allowed.rc, 0) << allowed.err;
      EXPECT_NE(allowed.err.find("warning"), std::string::npos) << allowed.err;
    } else {
      EXPECT_EQ(named.rc, 0) << d.id << " does not apply to " << compiler() << ": " << named.err;
    }
  }
}

}  // namespace
}  // namespace maskbench::conformance
