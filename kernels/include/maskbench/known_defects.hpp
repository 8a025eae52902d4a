#pragma once
// The known compiler defects (docs/known-defects.md has each one's minimal
// reproducer), defined once for everything that runs or chooses an
// implementation: conformance reports an affected test as "known defect
// <id>: ..." (never a pass), the fuzzer leaves it out, and every choice of
// "the best implementation" (best() in maskbench/best.hpp, for the taskvec
// command and the benchmarks) takes its candidates from
// usable_implementations(), so that none can land on a miscompiled one; the
// reports' best-of figures leave out what conformance skipped as a defect.
// The compiler is a parameter so that the decision can be checked for a
// compiler other than the one that built the running program.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "maskbench/export.hpp"
#include "maskbench/registry.hpp"

namespace maskbench {

struct KnownDefect {
  std::string_view id;
  std::string_view architecture;  // target_architecture() of the builds it concerns
  // The compiler versions the defect was reproduced with, as prefixes of
  // compiler() ("Clang 14."): a version nobody has checked is not assumed.
  std::span<const std::string_view> compilers;
  std::string_view implementation;
  std::string_view summary;

  bool applies_to(std::string_view compiler_id) const {
    for (std::string_view c : compilers)
      if (compiler_id.starts_with(c)) return true;
    return false;
  }
};

// The defects listed for this build's target architecture: another
// architecture's rows are not built, so its defects concern nothing here.
MB_API std::span<const KnownDefect> known_defects();

// The listed defect of `implementation` when built by `compiler_id`
// (compiler()'s form, e.g. "Clang 19.1.7"); nullptr when there is none.
MB_API const KnownDefect* known_defect(std::string_view implementation, std::string_view compiler_id = compiler());

// Whether `impl` may be chosen: it runs on `cpu` and is no known defect of
// `compiler_id`; otherwise the reason ("CPU lacks avx512", "known defect
// KD-1 of Clang 14.0.6: ...").
MB_API Runnability usable(const Implementation& impl, const CpuInfo& cpu = host_cpu(),
                          std::string_view compiler_id = compiler());

// The candidates for "the best implementation" of `family`: every usable
// one, in registry order (ascending ISA level). The scalar reference is
// always among them where it provides the family.
MB_API std::vector<const Implementation*> usable_implementations(std::string_view family, const CpuInfo& cpu = host_cpu(),
                                                                 std::string_view compiler_id = compiler());

// An implementation of `family` that a user named: `impl` is null and
// `refusal` says why when there is no such implementation of the family, it
// cannot run on `cpu`, or it is a known defect of `compiler_id` and
// `allow_known_defect` is false. `defect` is set when a known defect was
// allowed, so that the caller can warn.
struct NamedChoice {
  const Implementation* impl = nullptr;
  const KnownDefect* defect = nullptr;
  std::string refusal;
};
MB_API NamedChoice choose_named(std::string_view name, std::string_view family, bool allow_known_defect,
                                const CpuInfo& cpu = host_cpu(), std::string_view compiler_id = compiler());

}  // namespace maskbench
