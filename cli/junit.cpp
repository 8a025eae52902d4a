// `maskbench junit CONFORMANCE_JSON [-o FILE]`: JUnit XML from the
// conformance binary's GoogleTest JSON (default: the same path with .xml),
// written atomically. See reports/junit.hpp for why it is derived.
#include "args.hpp"
#include "escape.hpp"
#include "junit.hpp"
#include "maskbench/output.hpp"
#include "results.hpp"

namespace maskbench::cli {
namespace {

constexpr std::string_view kUsage = "maskbench junit CONFORMANCE_JSON [-o conformance.xml]";

int run_junit(std::span<const std::string_view> args) {
  const Args a = Args::parse(args, {"-o", "--output"}, {}, kUsage);
  if (a.positional.size() != 1) throw UsageError(fmt::format("expected one GoogleTest JSON file; usage: {}", kUsage));
  const std::filesystem::path in = a.positional[0];
  std::filesystem::path out;
  for (const char* o : {"-o", "--output"})
    if (a.values.contains(o)) out = a.values.at(o);
  if (out.empty()) {
    if (in.extension() != ".json")
      throw UsageError(fmt::format("{}: does not end in .json, so name the output with -o; usage: {}", in.string(), kUsage));
    out = std::filesystem::path(in).replace_extension(".xml");
  }
  output::write_atomically(out, junit::from_gtest_json(results::read_json(in, results::kConformanceJson), in));
  fmt::print("{}\n", escape::terminal(out.string()));
  return kExitOk;
}

}  // namespace

MB_COMMAND("junit", "CONFORMANCE_JSON [-o conformance.xml]",
           "JUnit XML from the conformance GoogleTest JSON (default: the same path with .xml)", run_junit);

}  // namespace maskbench::cli
