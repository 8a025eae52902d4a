#include "format.hpp"

#include <cmath>

#include <fmt/format.h>

namespace maskbench::format {

std::string si(double value) {
  const double a = std::fabs(value);
  if (a >= 1e12) return fmt::format("{:.3g} T", value / 1e12);
  if (a >= 1e9) return fmt::format("{:.3g} G", value / 1e9);
  if (a >= 1e6) return fmt::format("{:.3g} M", value / 1e6);
  if (a >= 1e3) return fmt::format("{:.3g} k", value / 1e3);
  return fmt::format("{:.3g} ", value);
}

std::string percent(double fraction) { return fmt::format("{:.0f}%", fraction * 100.0); }

std::string times(double ratio) { return fmt::format("{:.2f}x", ratio); }

}  // namespace maskbench::format
