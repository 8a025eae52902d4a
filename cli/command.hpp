#pragma once
// Subcommands of `maskbench`. Each lives in its own file and registers itself
// with MB_COMMAND; main.cpp only dispatches.
//
// Exit codes, for every command:
//   0  success
//   1  the check the command performs failed (e.g. `gate` found a regression)
//   2  bad input: unknown option, missing argument, unreadable or malformed file
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace maskbench::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitBadInput = 2;

// Thrown for bad input; main prints "maskbench <command>: <what>" and exits 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using CommandFn = int (*)(std::span<const std::string_view> args);

struct Command {
  std::string_view name;
  std::string_view usage;    // one line: arguments and options
  std::string_view summary;  // one line: what it does
  CommandFn run;
};

std::vector<Command>& commands();

struct CommandRegistrar {
  explicit CommandRegistrar(const Command& c) { commands().push_back(c); }
};

#define MB_CMD_CONCAT2(a, b) a##b
#define MB_CMD_CONCAT(a, b) MB_CMD_CONCAT2(a, b)
#define MB_COMMAND(...) \
  static const ::maskbench::cli::CommandRegistrar MB_CMD_CONCAT(mb_command_, __LINE__){::maskbench::cli::Command{__VA_ARGS__}}

}  // namespace maskbench::cli
