// `maskbench report RESULTS_DIR [-o FILE]`: the results directory as one
// self-contained HTML page (default RESULTS_DIR/report.html), written
// atomically. See reports/report_page.hpp for what it holds.
#include "args.hpp"
#include "escape.hpp"
#include "maskbench/output.hpp"
#include "report_page.hpp"

namespace maskbench::cli {
namespace {

constexpr std::string_view kUsage = "maskbench report RESULTS_DIR [-o report.html]";

int run_report(std::span<const std::string_view> args) {
  const Args a = Args::parse(args, {"-o", "--output"}, {}, kUsage);
  if (a.positional.size() != 1) throw UsageError(fmt::format("expected one results directory; usage: {}", kUsage));
  const results::ResultsDir r = results::load(a.positional[0]);
  std::filesystem::path out = r.path / "report.html";
  for (const char* o : {"-o", "--output"})
    if (a.values.contains(o)) out = a.values.at(o);
  output::write_atomically(out, report::report_html(r));
  fmt::print("{}\n", escape::terminal(out.string()));
  return kExitOk;
}

}  // namespace

MB_COMMAND("report", "RESULTS_DIR [-o report.html]",
           "self-contained HTML report of a results directory (default RESULTS_DIR/report.html)", run_report);

}  // namespace maskbench::cli
