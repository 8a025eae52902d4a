#pragma once
// Option parsing shared by the commands: positional arguments, `--name
// VALUE` / `--name=VALUE` options and flags, each checked against the
// command's list so that an unknown or incomplete option is a UsageError;
// and parse_number, the one way a command reads a number from its options.
#include <charconv>
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

  // The value given to option `name`, or `fallback` where it was not given.
  std::string value(const std::string& name, std::string fallback = {}) const {
    const auto it = values.find(name);
    return it == values.end() ? std::move(fallback) : it->second;
  }

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

// The values a numeric option accepts: from lo to hi, each end included
// unless marked open.
struct NumberRange {
  double lo, hi;
  bool lo_open = false, hi_open = false;
};

// The whole of `text` as a finite number within `range`, or a UsageError
// naming the option, the text and what was expected. Read with
// std::from_chars (no locale, no leading space or '+', no hexadecimal), so
// "nan", "inf", "1e400", "5x", "" and " 5" are all refused; the range is
// checked on the value as read, so a bound such as float's largest value
// keeps a later conversion defined. `percent`: a trailing '%' divides the
// value by 100 before the range check.
inline double parse_number(std::string_view option, std::string_view text, const NumberRange& range,
                           bool percent = false) {
  std::string_view digits = text;
  const bool has_percent = percent && digits.ends_with('%');
  if (has_percent) digits.remove_suffix(1);
  double v = 0.0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  const auto expected = [&] {
    return fmt::format("a number {} {} and {} {}{}", range.lo_open ? "above" : "at least", range.lo,
                       range.hi_open ? "below" : "at most", range.hi, percent ? " (or a percentage such as 5%)" : "");
  };
  if (ec == std::errc::result_out_of_range)
    throw UsageError(fmt::format("{} '{}' is out of range: expected {}", option, text, expected()));
  if (ec != std::errc() || end != digits.data() + digits.size() || !std::isfinite(v))
    throw UsageError(fmt::format("{} '{}' is not a finite number: expected {}", option, text, expected()));
  if (has_percent) v /= 100.0;
  if (v < range.lo || v > range.hi || (range.lo_open && v == range.lo) || (range.hi_open && v == range.hi))
    throw UsageError(fmt::format("{} '{}' is out of range: expected {}", option, text, expected()));
  return v;
}

}  // namespace maskbench::cli
