#pragma once
// Option parsing shared by report, compare and gate: positional arguments,
// `--name VALUE` / `--name=VALUE` options and flags, each checked against
// the command's list so that an unknown or incomplete option is a UsageError.
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "command.hpp"

namespace maskbench::cli {

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;
  std::set<std::string> flags;

  // `with_value`: options that take a value; `flag_names`: options that do not.
  static Args parse(std::span<const std::string_view> args, const std::set<std::string>& with_value,
                    const std::set<std::string>& flag_names, std::string_view usage) {
    Args out;
    for (std::size_t i = 0; i < args.size(); ++i) {
      const std::string a(args[i]);
      if (!a.starts_with("-") || a == "-") {
        out.positional.push_back(a);
        continue;
      }
      const auto eq = a.find('=');
      const std::string name = a.substr(0, eq);
      if (flag_names.contains(name) && eq == std::string::npos) {
        out.flags.insert(name);
      } else if (with_value.contains(name)) {
        if (eq != std::string::npos)
          out.values[name] = a.substr(eq + 1);
        else if (i + 1 < args.size())
          out.values[name] = std::string(args[++i]);
        else
          throw UsageError(fmt::format("option '{}' needs a value; usage: {}", name, usage));
      } else {
        throw UsageError(fmt::format("unknown option '{}'; usage: {}", a, usage));
      }
    }
    return out;
  }
};

// "5%" or "0.05" (a percent sign only where `percent_allowed`); the result is
// a fraction in (0, max]. Shared by gate and paired.
inline double parse_fraction(const std::string& option, const std::string& text, bool percent_allowed, double max,
                             std::string_view usage) {
  std::string t = text;
  bool percent = false;
  if (percent_allowed && !t.empty() && t.back() == '%') {
    percent = true;
    t.pop_back();
  }
  double v = 0;
  std::size_t used = 0;
  try {
    v = std::stod(t, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != t.size() || !std::isfinite(v))
    throw UsageError(fmt::format("{} '{}' is not a number; usage: {}", option, text, usage));
  if (percent) v /= 100.0;
  if (v <= 0 || v > max)
    throw UsageError(fmt::format("{} '{}' is out of range: expected more than 0 and at most {}", option, text, max));
  return v;
}

}  // namespace maskbench::cli
