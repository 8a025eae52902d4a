// `maskbench compare A B [C ...] [-o compare.html]`: results directories side
// by side, as a plain-text table on stdout and, with -o, an HTML page. See
// reports/compare_page.hpp for the ratios it shows.
#include "args.hpp"
#include "compare_page.hpp"
#include "escape.hpp"
#include "maskbench/output.hpp"

namespace maskbench::cli {
namespace {

constexpr std::string_view kUsage = "maskbench compare A B [C ...] [-o compare.html]";

int run_compare(std::span<const std::string_view> args) {
  const Args a = Args::parse(args, {"-o", "--output"}, {}, kUsage);
  if (a.positional.size() < 2) throw UsageError(fmt::format("expected two or more results directories; usage: {}", kUsage));
  std::vector<results::ResultsDir> dirs;
  for (const std::string& p : a.positional) dirs.push_back(results::load(p));
  const compare::Comparison c = compare::compare(dirs);
  fmt::print("{}", compare::compare_text(c));
  for (const char* o : {"-o", "--output"})
    if (a.values.contains(o)) {
      output::write_atomically(a.values.at(o), compare::compare_html(c));
      fmt::print("\nwrote {}\n", escape::terminal(a.values.at(o)));
    }
  return kExitOk;
}

}  // namespace

MB_COMMAND("compare", "A B [C ...] [-o compare.html]",
           "results directories side by side: ratios to the first, geometric means, what each machine ran", run_compare);

}  // namespace maskbench::cli
