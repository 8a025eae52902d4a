#pragma once
// Which of its kernels OpenBLAS runs, and the fix where it chose badly.
// OpenBLAS (DYNAMIC_ARCH) picks kernels for the CPU when it loads; a release
// that predates the CPU falls back to its oldest ones. Debian 12's 0.3.21 runs
// its Prescott (SSE3) kernels on an Emerald Rapids Xeon, where sgemm is 4.5x
// slower than with its AVX-512 kernels, and every ratio against that peer
// would flatter us. OPENBLAS_CORETYPE, read when the library loads, is the
// library's own override, so the benchmark binary re-executes itself with it.
#include <string>
#include <string_view>

#include "maskbench/cpu.hpp"

namespace maskbench::bench::peers {

// The OpenBLAS kernels (an OPENBLAS_CORETYPE value) for the x86 level of
// `usable` where OpenBLAS's choice `chose` is for an older level; nullptr
// where it is not, or where `chose` is a name the table does not know.
const char* better_openblas_kernels(std::string_view chose, FeatureSet usable);

// Called first in main, with main's argv. Where OPENBLAS_CORETYPE is unset,
// this binary has not already re-executed, and OpenBLAS's kernels are for an
// older x86 level than the CPU's usable features (MASKBENCH_DISABLE
// applies), re-executes /proc/self/exe with OPENBLAS_CORETYPE naming the
// library's kernels for the CPU's level (better_openblas_kernels). Returns where nothing needed doing or
// the exec failed (the context then says so). A core name it does not know
// (another architecture, a newer release) is left as OpenBLAS chose it.
void choose_openblas_kernels(char** argv);

// For bench.json's context: the kernels OpenBLAS runs and how they were
// chosen, e.g. "SkylakeX (OPENBLAS_CORETYPE set by maskbench-bench: OpenBLAS
// chose Prescott for this CPU)".
std::string openblas_kernels_context();

}  // namespace maskbench::bench::peers
