#pragma once
// Which implementation runs when nobody names one: best(), the one rule that
// the benchmarks, the CLI and every other caller use, and MASKBENCH_FORCE,
// which overrides it as simdjson's SIMDJSON_FORCE_IMPLEMENTATION does. The
// reports, which choose among measured results instead, have their own rule
// (reports/analysis.hpp, fastest_valid).
//
// best() is an order, not a measurement, so that the same build on the same
// CPU always makes the same choice: among the rows that provide the family
// and are usable (they run on the CPU and are no known defect of the
// compiler, maskbench/known_defects.hpp), the highest ISA level, then the
// most extras, then by kind: intrinsics, translated intrinsics, stdsimd, autovec, the reference,
// another scalar loop. An emulated row is never chosen: it runs everywhere
// and only to check lane logic. Nor is a reduced-precision one: its contract
// is looser than the reference's, which a caller must ask for by name.
#include <string>
#include <string_view>

#include "maskbench/export.hpp"
#include "maskbench/registry.hpp"

namespace maskbench {

// Whether best() ever chooses a row of this kind unless it is forced: not
// emulated or reduced_precision ones.
MB_API bool ever_chosen(Kind kind);

// MASKBENCH_FORCE as the process started with it; empty when unset or empty.
MB_API std::string_view forced_name();

// Why `force` cannot be honoured on `cpu` with `compiler_id`, in one line
// naming MASKBENCH_FORCE and the names it accepts there: no such
// implementation, it cannot run on `cpu`, or it is a known defect of
// `compiler_id`. Empty when it can, or when `force` is empty. Programs check
// it at startup, as they check MASKBENCH_DISABLE.
MB_API std::string force_error(std::string_view force = forced_name(), const CpuInfo& cpu = host_cpu(),
                               std::string_view compiler_id = compiler());

// The implementation of `family` to run on `cpu`: the forced one when `force`
// is set, else the first in the order above. Throws std::runtime_error with
// one line when `force` cannot be honoured (force_error) or does not provide
// `family`, and when no usable row provides `family`.
MB_API const Implementation& best(std::string_view family, const CpuInfo& cpu = host_cpu(),
                                  std::string_view compiler_id = compiler(), std::string_view force = forced_name());

}  // namespace maskbench
