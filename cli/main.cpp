#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "command.hpp"
#include "escape.hpp"
#include "maskbench/best.hpp"
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

// Errors go out through fprintf, which cannot throw: stderr may be as
// unwritable as stdout. A message quotes file names and fields from untrusted
// files, so it is escaped here, at the sink, as one line of a terminal or CI
// log; where even that fails (no memory), the message is not shown raw.
int fail(std::string_view who, std::string_view what) {
  std::string escaped;
  const char* line = "(the error message could not be escaped for the terminal)";
  try {
    escaped = maskbench::escape::terminal(what);
    line = escaped.c_str();
  } catch (...) {
  }
  std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(who.size()), who.data(), line);
  return kExitBadInput;
}

// Output that could not be written (a full disk, a closed pipe) fails the
// command rather than passing for success.
int finish(int rc) {
  if (std::fflush(stdout) != 0) return fail("maskbench", fmt::format("cannot write the output: {}", std::strerror(errno)));
  if (std::ferror(stdout)) return fail("maskbench", "cannot write the output");
  return rc;
}

int dispatch(const std::vector<std::string_view>& args, std::string& who) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_usage(args.empty() ? stderr : stdout);
    return args.empty() ? kExitBadInput : kExitOk;
  }
  const auto& all = commands();
  const auto it = std::find_if(all.begin(), all.end(), [&](const Command& c) { return c.name == args[0]; });
  if (it == all.end())
    return fail(who, fmt::format("unknown command '{}'; run 'maskbench --help' for the list", args[0]));
  who = fmt::format("maskbench {}", it->name);
  // `maskbench <command> --help` anywhere among the arguments: the command's
  // own usage, whatever else is there.
  if (std::find_if(args.begin() + 1, args.end(), [](std::string_view a) { return a == "--help" || a == "-h"; }) !=
      args.end()) {
    fmt::print("usage: maskbench {} {}\n    {}\n", it->name, it->usage, it->summary);
    return kExitOk;
  }
  if (const std::string& err = maskbench::host_cpu().disable_error; !err.empty()) return fail("maskbench", err);
  if (const std::string err = maskbench::force_error(); !err.empty()) return fail("maskbench", err);
  return it->run(std::span<const std::string_view>(args).subspan(1));
}

}  // namespace
}  // namespace maskbench::cli

int main(int argc, char** argv) {
  using namespace maskbench::cli;
  std::string who = "maskbench";
  try {
    return finish(dispatch(std::vector<std::string_view>(argv + 1, argv + argc), who));
  } catch (const std::exception& e) {
    return fail(who, e.what());
  } catch (...) {
    return fail(who, "stopped by an unexpected error that is not a standard exception");
  }
}
