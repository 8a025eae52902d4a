#pragma once
// The code behind a kernel's numbers: for each implementation, the hot loop
// `maskbench disasm` found (disasm.json) and its instruction mix, as a
// collapsible panel under the kernel's charts. Every string is from the
// results directory and escaped here.
#include <string>

#include "results.hpp"

namespace maskbench::report {

// "" where the directory has no hot loop of `kernel` ("family/kernel").
std::string code_panel(const results::ResultsDir& r, const std::string& kernel);

// The compare page's section on code: for each directory after the first,
// the entry points whose hot loop's mix differs from the first's (another
// compiler, another commit), the mixes side by side and both loops below.
// "" where no two directories both have disasm.json, or nothing differs.
std::string code_differences(const std::vector<const results::ResultsDir*>& dirs);

// A demangled function name without its namespace and parameters:
// "dots_pair<4ul, 0ul, 4ul, ...>" of "maskbench::impl::avx512::(anonymous
// namespace)::dots_pair<...>(...) [constprop.0]".
std::string short_function(const std::string& name);

}  // namespace maskbench::report
