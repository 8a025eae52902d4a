#pragma once
// Numbers as the report and the comparison print them.
#include <string>

namespace maskbench::format {

// 1.23 G, 45.6 M, 789 k: three significant figures and an SI prefix.
std::string si(double value);
// 0.42 -> "42%"; with decimals 1, 0.052 -> "5.2%".
std::string percent(double fraction, int decimals = 0);
// 1.234 -> "1.23x".
std::string times(double ratio);

}  // namespace maskbench::format
