// The registry's tags and best(): the choice for a family is usable (runs on
// the CPU, no known defect of the compiler), never emulated or of reduced
// precision, at the highest
// level the CPU allows, the reference where nothing above the baseline runs;
// MASKBENCH_FORCE overrides it and is refused with one line when it cannot be
// honoured. The CPUs are the host's with features masked, as
// MASKBENCH_DISABLE masks them, and the compilers are given, so that one
// build checks the decision of every compiler in docs/known-defects.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <bit>
#include <string>

#include <fmt/format.h>

#include "maskbench/best.hpp"
#include "harness/skip.hpp"
#include "maskbench/known_defects.hpp"
#include "maskbench/registry.hpp"

namespace maskbench::conformance {
namespace {

FeatureSet all_features_set() {
  FeatureSet all;
  for (const FeatureInfo& f : all_features()) all = all | f.feature;
  return all;
}

// A CPU that has every feature, then `disabled` masked.
CpuInfo masked(FeatureSet disabled) {
  CpuInfo cpu = host_cpu();
  cpu.detected = all_features_set();
  cpu.has_extension.assign(extensions().size(), true);
  cpu.disabled = disabled;
  return cpu;
}

// MASKBENCH_DISABLE's sets: each level with every level above it, plus none.
std::vector<FeatureSet> disable_sets() {
  std::vector<FeatureSet> out{FeatureSet()};
  FeatureSet above;
  const auto features = all_features();
  for (auto f = features.rbegin(); f != features.rend(); ++f) out.push_back(above = above | f->feature);
  return out;
}

// The compilers a defect names, one version each, and one no defect names.
std::vector<std::string> compilers() {
  std::vector<std::string> out{"GNU 12.2.0"};
  for (const KnownDefect& d : known_defects())
    for (std::string_view c : d.compilers) out.push_back(std::string(c) + "0");
  return out;
}

int level_rank(const Implementation& impl) { return std::popcount(impl.required.without(impl.extras).bits()); }

TEST(Registry, TagsAreConsistent) {
  int references = 0;
  for (const Implementation& impl : implementations()) {
    references += impl.kind == Kind::reference;
    EXPECT_TRUE(impl.required.contains(impl.extras)) << impl.name;
    const FeatureSet level = impl.required.without(impl.extras);
    if (level.empty()) {
      EXPECT_EQ(impl.level, "baseline") << impl.name;
    } else {
      // The level is the highest of the cumulative features.
      std::string_view highest;
      for (const FeatureInfo& f : all_features())
        if (level.has(f.feature)) highest = f.name;
      EXPECT_EQ(impl.level, highest) << impl.name;
    }
  }
  EXPECT_EQ(references, 1);
  EXPECT_EQ(reference().kind, Kind::reference);
  EXPECT_TRUE(reference().required.empty()) << "the reference runs everywhere";
}

TEST(Best, UsableHighestLevelNeverEmulatedForEveryCpuAndCompiler) {
  for (const std::string& cc : compilers())
    for (FeatureSet disabled : disable_sets()) {
      const CpuInfo cpu = masked(disabled);
      for (std::string_view family : families()) {
        const auto candidates = usable_implementations(family, cpu, cc);
        const std::string where = fmt::format("{} with {}, disabled {}", family, cc, feature_names(disabled));
        // A family that only SIMD rows provide has nothing to choose where only the emulation runs.
        if (std::none_of(candidates.begin(), candidates.end(), [](const Implementation* c) { return ever_chosen(c->kind); })) {
          EXPECT_THROW(best(family, cpu, cc, ""), std::runtime_error) << where;
          continue;
        }
        const Implementation& b = best(family, cpu, cc, "");
        EXPECT_TRUE(std::find(candidates.begin(), candidates.end(), &b) != candidates.end()) << b.name << " " << where;
        EXPECT_TRUE(usable(b, cpu, cc).ok) << b.name << " " << where;
        EXPECT_EQ(known_defect(b.name, cc), nullptr) << b.name << " " << where;
        EXPECT_TRUE(cpu.usable().contains(b.required)) << b.name << " " << where;
        EXPECT_TRUE(ever_chosen(b.kind)) << b.name << " " << where;
        for (const Implementation* c : candidates) {
          if (ever_chosen(c->kind)) {
            EXPECT_GE(level_rank(b), level_rank(*c)) << b.name << " below " << c->name << " " << where;
          }
          // Same level and extras: intrinsics before anything else.
          if (c->kind == Kind::intrinsics && c->required == b.required) {
            EXPECT_EQ(b.kind, Kind::intrinsics) << where;
          }
        }
      }
    }
}

// A baseline row (on aarch64 also the Advanced SIMD ones), never the
// emulated one; the reference where no other baseline row than scalar
// loops provides the family.
TEST(Best, ABaselineRowWhereNothingAboveTheBaselineRuns) {
  const CpuInfo cpu = masked(all_features_set());
  for (std::string_view family : families()) {
    if (!reference().provides(family)) continue;
    const Implementation& b = best(family, cpu, compiler(), "");
    EXPECT_TRUE(b.required.empty()) << family << ": " << b.name;
    EXPECT_TRUE(ever_chosen(b.kind)) << family << ": " << b.name;
    const bool only_scalar = std::none_of(implementations().begin(), implementations().end(), [&](const Implementation& i) {
      return i.provides(family) && i.required.empty() && i.kind != Kind::reference && i.kind != Kind::scalar_variant &&
             i.kind != Kind::emulated && !known_defect(i.name);
    });
    if (only_scalar) {
      EXPECT_EQ(&b, &reference()) << family;
    }
  }
}

TEST(Best, NeverAKnownDefectOfTheGivenCompiler) {
  if (known_defects().empty()) MB_SKIP("no known defect is listed for " + std::string(target_architecture()));
  const CpuInfo cpu = masked(FeatureSet());
  for (const KnownDefect& d : known_defects()) {
    const Implementation* impl = find_implementation(d.implementation);
    ASSERT_NE(impl, nullptr) << d.id;
    for (std::string_view c : d.compilers) {
      const std::string affected = std::string(c) + "0";
      for (const FamilyEntry& f : impl->families) EXPECT_NE(&best(f.family, cpu, affected, ""), impl) << d.id << " " << f.family;
      // Forcing it is refused, with the defect named.
      const std::string err = force_error(d.implementation, cpu, affected);
      EXPECT_NE(err.find("MASKBENCH_FORCE"), std::string::npos) << err;
      EXPECT_NE(err.find(d.id), std::string::npos) << err;
      EXPECT_THROW(best(impl->families.front().family, cpu, affected, d.implementation), std::runtime_error);
    }
    EXPECT_EQ(force_error(d.implementation, cpu, "GNU 12.2.0"), "") << d.id << " is no defect of g++";
  }
}

TEST(Best, ForceOverridesTheChoiceWhereItCanRun) {
  const CpuInfo cpu = masked(FeatureSet());
  for (const Implementation& impl : implementations()) {
    if (known_defect(impl.name, compiler()) != nullptr) continue;
    EXPECT_EQ(force_error(impl.name, cpu, compiler()), "") << impl.name;
    for (std::string_view family : families()) {
      if (impl.provides(family)) {
        EXPECT_EQ(&best(family, cpu, compiler(), impl.name), &impl) << family;
      } else {
        try {
          best(family, cpu, compiler(), impl.name);
          ADD_FAILURE() << impl.name << " forced for " << family << ", which it does not provide";
        } catch (const std::runtime_error& e) {
          EXPECT_NE(std::string(e.what()).find("does not provide " + std::string(family)), std::string::npos) << e.what();
        }
      }
    }
  }
}

TEST(Best, ForceRefusesAnUnknownNameAndWhatTheCpuCannotRun) {
  const CpuInfo cpu = masked(FeatureSet());
  const std::string unknown = force_error("no-such-impl", cpu, compiler());
  EXPECT_NE(unknown.find("MASKBENCH_FORCE names unknown implementation 'no-such-impl'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find(reference().name), std::string::npos) << "the valid names are listed: " << unknown;
  EXPECT_EQ(unknown.find('\n'), std::string::npos);
  EXPECT_THROW(best(families().front(), cpu, compiler(), "no-such-impl"), std::runtime_error);
  for (FeatureSet disabled : disable_sets()) {
    const CpuInfo lacking = masked(disabled);
    for (const Implementation& impl : implementations()) {
      const std::string err = force_error(impl.name, lacking, compiler());
      if (lacking.usable().contains(impl.required)) continue;
      EXPECT_NE(err.find(fmt::format("MASKBENCH_FORCE={} cannot be used", impl.name)), std::string::npos) << err;
      EXPECT_NE(err.find("MASKBENCH_DISABLE"), std::string::npos) << err;
      for (std::string_view after : {",", " ("})
        EXPECT_EQ(err.find(fmt::format(" {}{}", impl.name, after)), std::string::npos) << "listed as valid: " << err;
      EXPECT_THROW(best(impl.families.front().family, lacking, compiler(), impl.name), std::runtime_error);
    }
  }
}

}  // namespace
}  // namespace maskbench::conformance
