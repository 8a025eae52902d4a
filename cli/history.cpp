// `maskbench history add RESULTS_DIR [--db FILE]` and `maskbench history
// report [--db FILE] [-o trends.html] [--alpha A]`: the result history in
// SQLite (history/history_db.hpp) and its trends page with change points
// (history/trends_page.hpp). Built only where SQLite's headers were found
// (Debian's libsqlite3-dev); elsewhere the command says so.
#include "args.hpp"
#include "escape.hpp"
#include "maskbench/output.hpp"
#if MASKBENCH_HAVE_HISTORY
#include "history_db.hpp"
#include "trends.hpp"
#include "trends_page.hpp"
#endif

namespace maskbench::cli {
namespace {

constexpr std::string_view kUsage =
    "maskbench history add RESULTS_DIR [--db FILE] | maskbench history report [--db FILE] [-o trends.html] [--alpha A]";

#if MASKBENCH_HAVE_HISTORY
int run_add(std::span<const std::string_view> args) {
  const Args a = Args::parse(args, {"--db"}, {}, kUsage);
  if (a.positional.size() != 1) throw UsageError(fmt::format("add: expected one results directory; usage: {}", kUsage));
  // The directory is read and checked in full before the database is opened:
  // a refused directory leaves no trace, not even a new empty file.
  const results::ResultsDir r = results::load(a.positional[0]);
  const std::filesystem::path db = a.value("--db", history::kDefaultDatabase);
  if (db.has_parent_path()) std::filesystem::create_directories(db.parent_path());
  history::Database h(db, history::Database::Access::read_write);
  const history::AddOutcome o = h.add(r);
  if (o.added)
    fmt::print("added {} to {}: {} benchmarks, {} repetitions, {} conformance outcomes (run {})\n",
               escape::terminal(r.path.string()), escape::terminal(db.string()), o.benchmarks, o.repetitions,
               o.verdicts, o.digest.substr(0, 16));
  else
    fmt::print("{} already holds this run ({}); nothing added\n", escape::terminal(db.string()), o.digest.substr(0, 16));
  return kExitOk;
}

int run_trends(std::span<const std::string_view> args) {
  const Args a = Args::parse(args, {"--db", "-o", "--output", "--alpha"}, {}, kUsage);
  if (!a.positional.empty()) throw UsageError(fmt::format("report: unexpected argument '{}'; usage: {}", a.positional[0], kUsage));
  const std::filesystem::path db = a.value("--db", history::kDefaultDatabase);
  history::ChangePointOptions options;
  if (a.values.contains("--alpha"))
    options.alpha = parse_number("--alpha", a.values.at("--alpha"), {0, 0.5, true, false});
  std::filesystem::path out = db.parent_path() / "trends.html";
  for (const char* o : {"-o", "--output"})
    if (a.values.contains(o)) out = a.values.at(o);
  const history::Database h(db, history::Database::Access::read_only);
  const history::Trends t = history::trends(h.read(), options);
  std::size_t steps = 0;
  for (const history::MachineHistory& m : t.machines)
    for (const history::Series& s : m.series) steps += s.changes.size();
  output::write_atomically(out, history::trends_html(t, db.filename().string(), options));
  fmt::print("{} runs, {} machines, {} change points: {}\n", t.runs, t.machines.size(), steps,
             escape::terminal(out.string()));
  return kExitOk;
}
#endif

int run_history(std::span<const std::string_view> args) {
  if (args.empty()) throw UsageError(fmt::format("expected 'add' or 'report'; usage: {}", kUsage));
#if MASKBENCH_HAVE_HISTORY
  if (args[0] == "add") return run_add(args.subspan(1));
  if (args[0] == "report") return run_trends(args.subspan(1));
  throw UsageError(fmt::format("unknown history command '{}', expected 'add' or 'report'; usage: {}", args[0], kUsage));
#else
  throw UsageError("this maskbench was built without SQLite (install libsqlite3-dev and rebuild)");
#endif
}

}  // namespace

MB_COMMAND("history", "add RESULTS_DIR [--db FILE] | report [--db FILE] [-o trends.html] [--alpha A]",
           "the result history in SQLite (default results/history.sqlite) and its trends page with change points",
           run_history);

}  // namespace maskbench::cli
