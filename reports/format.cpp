#include "format.hpp"

#include <cmath>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace maskbench::format {

std::string si(double value) {
  if (!std::isfinite(value)) return fmt::format("{} ", value);
  // Rounded to three significant figures before the prefix is chosen, so
  // that 999.7e6 reads "1 G", not "1e+03 M".
  const double unit = value == 0.0 ? 1.0 : std::pow(10.0, std::floor(std::log10(std::fabs(value))) - 2);
  const double rounded = std::round(value / unit) * unit;
  constexpr std::pair<double, const char*> kPrefixes[] = {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
  for (const auto& [scale, prefix] : kPrefixes)
    if (std::fabs(rounded) >= scale) return fmt::format("{:.3g} {}", rounded / scale, prefix);
  return fmt::format("{:.3g} ", rounded);
}

std::string percent(double fraction, int decimals) { return fmt::format("{:.{}f}%", fraction * 100.0, decimals); }

std::string times(double ratio) { return fmt::format("{:.2f}x", ratio); }

}  // namespace maskbench::format
