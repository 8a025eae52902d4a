#pragma once
// Option parsing shared by report, compare and gate: positional arguments,
// `--name VALUE` / `--name=VALUE` options and flags, each checked against
// the command's list so that an unknown or incomplete option is a UsageError.
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

}  // namespace maskbench::cli
