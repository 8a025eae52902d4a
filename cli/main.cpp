#include <algorithm>
#include <exception>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "command.hpp"
#include "maskbench/cpu.hpp"

namespace maskbench::cli {

std::vector<Command>& commands() {
  static std::vector<Command> all;
  return all;
}

namespace {

void print_usage(std::FILE* to) {
  fmt::print(to, "usage: maskbench <command> [arguments]\n\ncommands:\n");
  std::vector<Command> sorted = commands();
  std::sort(sorted.begin(), sorted.end(), [](const Command& a, const Command& b) { return a.name < b.name; });
  for (const Command& c : sorted) fmt::print(to, "  {} {}\n      {}\n", c.name, c.usage, c.summary);
  fmt::print(to, "\nexit codes: 0 success, 1 the check failed, 2 bad input\n");
}

}  // namespace
}  // namespace maskbench::cli

int main(int argc, char** argv) {
  using namespace maskbench::cli;
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_usage(args.empty() ? stderr : stdout);
    return args.empty() ? kExitBadInput : kExitOk;
  }
  const auto& all = commands();
  const auto it = std::find_if(all.begin(), all.end(), [&](const Command& c) { return c.name == args[0]; });
  if (it == all.end()) {
    fmt::print(stderr, "maskbench: unknown command '{}'; run 'maskbench --help' for the list\n", args[0]);
    return kExitBadInput;
  }
  if (const std::string& err = maskbench::host_cpu().disable_error; !err.empty()) {
    fmt::print(stderr, "maskbench: {}\n", err);
    return kExitBadInput;
  }
  try {
    return it->run(std::span<const std::string_view>(args).subspan(1));
  } catch (const UsageError& e) {
    fmt::print(stderr, "maskbench {}: {}\n", it->name, e.what());
    return kExitBadInput;
  } catch (const std::exception& e) {
    fmt::print(stderr, "maskbench {}: {}\n", it->name, e.what());
    return kExitBadInput;
  }
}
