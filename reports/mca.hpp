#pragma once
// Predicted throughput of a hot loop (reports/hot_loop.hpp) on CPU models
// this machine may not be, from llvm-mca: the loop's instructions become one
// llvm-mca code region each, simulated for kShortRun and kLongRun
// iterations, and a region's cycles per iteration are the difference of its
// Total Cycles over the difference of iterations: the steady state with the
// loop-carried dependencies (not only the issue bound), the pipeline's fill
// and drain cancelled (at 100 iterations they add up to 0.3 cycles to each).
//
// What llvm-mca sees, stated: the loop body in address order as straight-line
// code, every block of it each iteration (a loop with a rarely taken inner
// branch is predicted as if that branch's block always ran), all loads
// hitting L1, no branch mispredictions. A loop that calls a function each
// iteration is not modelled (the callee's cost would be missing).
//
// Predicted elements per cycle need the elements one iteration handles; they
// are read from the loop's own code: the widest constant stride among its
// memory operands, in bytes, over the bytes of one element. A register's
// stride comes from evaluating the body symbolically, each register a start
// value plus a constant: an immediate added or subtracted, a displacement
// taken by lea, a copy of another register (anything else: unknown).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hot_loop.hpp"

namespace maskbench::mca {

// The bytes the loop's widest constant-stride memory stream advances per
// iteration; nullopt where no memory operand's base or index register ends
// the iteration at its start plus a constant (or is a copy of one that does).
std::optional<std::uint64_t> stride_bytes(const std::vector<hot_loop::Instruction>& body);

// The bytes of one element of the stream a benchmark counts as its items
// ("compress_u8" -> 1; "tv_gram/dtype:bf16" -> 2; otherwise 4: f32, i32).
unsigned element_bytes(std::string_view benchmark);

// Whether a benchmark's items are the elements its hot loop streams over, one
// pass (cond, compress, the read-bandwidth probe, the task-vector dot and
// norm): only for these can a measured rate be set beside a prediction.
bool items_are_loop_elements(std::string_view family, std::string_view benchmark);

// Why llvm-mca is not asked about a loop ("calls ... each iteration"), or ""
// where it can be.
std::string unmodelled_reason(const std::vector<std::string>& instructions);

// llvm-mca's input for `loops` (each a loop's instructions as objdump printed
// them): region i is named "r<i>"; direct branch targets (an address and a
// symbol, which the assembler cannot read) become a label of the region.
std::string source(const std::vector<const std::vector<std::string>*>& loops);

inline constexpr unsigned kShortRun = 50, kLongRun = 150;

// Each of `regions` regions' Total Cycles from llvm-mca's output (its summary
// view); nullopt for a region the output lacks or gives no finite positive
// figure for.
std::vector<std::optional<double>> total_cycles(std::string_view output, std::size_t regions);

// Cycles per iteration from the short and the long run's totals; nullopt
// unless both are there and the long run took longer.
std::optional<double> steady_cycles(std::optional<double> short_total, std::optional<double> long_total);

// Whether the loop needs AVX-512: a zmm register, an opmask register, or one
// of xmm16-31 / ymm16-31.
bool needs_avx512(const std::vector<std::string>& instructions);

// "znver4" from `llvm-mca --version`'s "Host CPU: znver4"; "" where absent.
std::string host_cpu(std::string_view version_text);

}  // namespace maskbench::mca
