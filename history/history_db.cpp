#include "history_db.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <set>

#include <fmt/format.h>

#include "analysis.hpp"
#include "sha256.hpp"

namespace maskbench::history {
namespace {

// 'MBHS': marks the file as maskbench's history, so that another
// application's SQLite database is refused rather than written into.
constexpr int kApplicationId = 0x4d424853;
constexpr int kBusyTimeoutMs = 60000;

// The schema, one migration per version: kMigrations[v] takes a database
// from user_version v to v + 1. The statements are also what a database must
// hold, word for word (SQLite keeps each CREATE's text), so a table redefined
// by someone else is refused.
struct SchemaObject {
  const char* type;
  const char* name;
  const char* sql;
};
constexpr SchemaObject kVersion1[] = {
    {"table", "machine",
     "CREATE TABLE machine(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, brand TEXT NOT NULL, "
     "microarchitecture TEXT NOT NULL, architecture TEXT NOT NULL, features TEXT NOT NULL)"},
    {"table", "run",
     "CREATE TABLE run(id INTEGER PRIMARY KEY, digest TEXT NOT NULL UNIQUE, machine_id INTEGER NOT NULL "
     "REFERENCES machine(id), host TEXT NOT NULL, commit_id TEXT NOT NULL, commit_date TEXT NOT NULL, run_date TEXT "
     "NOT NULL, compiler TEXT NOT NULL, build_flags TEXT NOT NULL, mode TEXT NOT NULL, conformance_level TEXT NOT "
     "NULL, info_json TEXT NOT NULL, context_json TEXT NOT NULL, added_at TEXT NOT NULL)"},
    {"table", "benchmark",
     "CREATE TABLE benchmark(id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES run(id), name TEXT NOT NULL, "
     "skipped INTEGER NOT NULL, skip_reason TEXT NOT NULL, peer INTEGER NOT NULL, valid INTEGER NOT NULL, "
     "under_iterated INTEGER NOT NULL, UNIQUE(run_id, name))"},
    {"table", "repetition",
     "CREATE TABLE repetition(benchmark_id INTEGER NOT NULL REFERENCES benchmark(id), rep INTEGER NOT NULL, "
     "items_per_second REAL, bytes_per_second REAL, real_time_ns REAL NOT NULL, cpu_time_ns REAL NOT NULL, "
     "PRIMARY KEY(benchmark_id, rep)) WITHOUT ROWID"},
    {"table", "verdict",
     "CREATE TABLE verdict(run_id INTEGER NOT NULL REFERENCES run(id), test TEXT NOT NULL, implementation TEXT NOT "
     "NULL, status TEXT NOT NULL, message TEXT NOT NULL)"},
    {"index", "verdict_run", "CREATE INDEX verdict_run ON verdict(run_id)"},
};
struct Migration {
  const SchemaObject* begin;
  const SchemaObject* end;
};
constexpr Migration kMigrations[kSchemaVersion] = {{std::begin(kVersion1), std::end(kVersion1)}};

class Statement {
 public:
  Statement(sqlite3* db, const std::string& file, const char* sql) : file_(file) {
    if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK)
      throw HistoryError(fmt::format("{}: {} (is it a maskbench history database?)", file_, sqlite3_errmsg(db)));
  }
  ~Statement() { sqlite3_finalize(s_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, std::int64_t v) { return check(sqlite3_bind_int64(s_, i, v)); }
  Statement& bind(int i, const std::string& v) {
    return check(sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
  }
  Statement& bind(int i, const std::vector<double>& v, std::size_t at) {
    return check(at < v.size() ? sqlite3_bind_double(s_, i, v[at]) : sqlite3_bind_null(s_, i));
  }
  // True while there is a row.
  bool step() {
    const int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw HistoryError(fmt::format("{}: {}", file_, sqlite3_errmsg(sqlite3_db_handle(s_))));
  }
  void run() {
    step();
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  sqlite3_stmt* get() const { return s_; }

 private:
  Statement& check(int rc) {
    if (rc != SQLITE_OK) throw HistoryError(fmt::format("{}: {}", file_, sqlite3_errmsg(sqlite3_db_handle(s_))));
    return *this;
  }
  std::string file_;
  sqlite3_stmt* s_ = nullptr;
};

void exec(sqlite3* db, const std::string& file, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string what = err != nullptr ? err : sqlite3_errmsg(db);
    sqlite3_free(err);
    throw HistoryError(fmt::format("{}: {}", file, what));
  }
}

std::int64_t pragma(sqlite3* db, const std::string& file, const char* sql) {
  Statement s(db, file, sql);
  return s.step() ? sqlite3_column_int64(s.get(), 0) : 0;
}

// Reads the columns of one row of `table`, each checked; the errors name the
// file, the table, the row and the column.
class Row {
 public:
  Row(const Statement& s, const std::string& file, const char* table) : s_(s.get()), file_(file), table_(table) {}

  std::int64_t integer(int col) const {
    if (sqlite3_column_type(s_, col) != SQLITE_INTEGER) refuse(col, "an integer");
    return sqlite3_column_int64(s_, col);
  }
  std::string text(int col) const {
    if (sqlite3_column_type(s_, col) != SQLITE_TEXT) refuse(col, "text");
    const int n = sqlite3_column_bytes(s_, col);
    if (n < 0 || static_cast<std::size_t>(n) > kMaxText) refuse(col, fmt::format("text of at most {} bytes", kMaxText));
    return {reinterpret_cast<const char*>(sqlite3_column_text(s_, col)), static_cast<std::size_t>(n)};
  }
  bool flag(int col) const {
    const std::int64_t v = integer(col);
    if (v != 0 && v != 1) refuse(col, "0 or 1");
    return v == 1;
  }
  // A positive finite number, or nothing where NULL is allowed.
  void positive(int col, std::vector<double>& out, bool nullable) const {
    const int type = sqlite3_column_type(s_, col);
    if (type == SQLITE_NULL && nullable) return;
    const double v = sqlite3_column_double(s_, col);
    if ((type != SQLITE_FLOAT && type != SQLITE_INTEGER) || !std::isfinite(v) || v <= 0)
      refuse(col, nullable ? "a positive finite number or NULL" : "a positive finite number");
    out.push_back(v);
  }
  [[noreturn]] void refuse(int col, std::string_view expected) const {
    throw HistoryError(fmt::format("{}: table {}, row {}, column {}: expected {}", file_, table_, row(),
                                   sqlite3_column_name(s_, col), expected));
  }

 private:
  // The row's key for messages: its first column, whatever it holds.
  std::string row() const {
    if (sqlite3_column_type(s_, 0) == SQLITE_INTEGER) return std::to_string(sqlite3_column_int64(s_, 0));
    return "?";
  }
  sqlite3_stmt* s_;
  const std::string& file_;
  const char* table_;
};

std::string utc_now() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

std::string context_text(const nlohmann::json& context, const char* key, const char* fallback) {
  const auto it = context.is_object() ? context.find(key) : context.end();
  return it != context.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// A value about to be stored, capped as read() will require.
const std::string& capped(const std::string& v, const results::ResultsDir& r, std::string_view what) {
  if (v.size() > kMaxText)
    throw HistoryError(
        fmt::format("{}: {} is {} bytes long, expected at most {}", r.path.string(), what, v.size(), kMaxText));
  return v;
}

}  // namespace

std::string run_digest(const results::ResultsDir& r) {
  Sha256 h;
  for (const auto& [file, kind] : {std::pair{"info.json", &results::kInfoJson},
                                   std::pair{"conformance.json", &results::kConformanceJson},
                                   std::pair{"bench.json", &results::kBenchJson}}) {
    // The parsed content, so that the same run reformatted or copied is the
    // same run; the file name separates the documents.
    h.update(file);
    h.update(std::string_view("\0", 1));
    h.update(results::read_json(r.path / file, *kind).dump());
    h.update(std::string_view("\0", 1));
  }
  return h.hex();
}

Database::Database(std::filesystem::path file, Access access) : file_(std::move(file)) {
  const std::string where = file_.string();
  if (access == Access::read_only) {
    // Existence and the file's kind and size first, with the input layer's
    // messages: SQLite would create a missing file or block on a FIFO.
    input::File f(file_, "a maskbench history database");
    const std::uint64_t cap = input::cap_bytes(kDatabaseCapMib);
    if (f.size() > cap)
      throw HistoryError(fmt::format("{}: is {} bytes, over the cap of {} bytes (MASKBENCH_MAX_INPUT_MIB raises it)",
                                     where, f.size(), cap));
    if (f.size() == 0) throw HistoryError(fmt::format("{}: is empty, expected a maskbench history database", where));
  } else if (std::error_code ec; std::filesystem::exists(std::filesystem::symlink_status(file_, ec))) {
    if (std::filesystem::is_symlink(std::filesystem::symlink_status(file_, ec)))
      throw HistoryError(fmt::format("{}: is a symbolic link, expected a maskbench history database as a regular file "
                                     "(a history is never written through a link)",
                                     where));
    input::File f(file_, "a maskbench history database");
  }
  const int flags = (access == Access::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_FULLMUTEX;
  if (sqlite3_open_v2(where.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    const std::string what = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw HistoryError(fmt::format("{}: cannot open: {}", where, what));
  }
  try {
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    sqlite3_db_config(db_, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(db_, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
    sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
    sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_VIEW, 0, nullptr);
    prepare_schema(access);
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

Database::~Database() { sqlite3_close(db_); }

int Database::schema_version() const { return static_cast<int>(pragma(db_, file_.string(), "PRAGMA user_version")); }

void Database::prepare_schema(Access access) {
  const std::string where = file_.string();
  // Everything below in one transaction, so that another job creating or
  // migrating the schema is seen before or after, never half way; a writer
  // takes the write lock first (waiting up to the busy timeout). The first
  // statement reads the header: a file that is not SQLite fails here.
  exec(db_, where, access == Access::read_write ? "BEGIN IMMEDIATE" : "BEGIN");
  try {
    const std::int64_t id = pragma(db_, where, "PRAGMA application_id");
    const std::int64_t objects = pragma(db_, where, "SELECT count(*) FROM sqlite_schema");
    if (id != kApplicationId && (id != 0 || objects != 0))
      throw HistoryError(fmt::format("{}: is an SQLite database of another application (application_id {:#x}), not a "
                                     "maskbench history",
                                     where, static_cast<std::uint32_t>(id)));
    std::int64_t v = pragma(db_, where, "PRAGMA user_version");
    if (v > kSchemaVersion)
      throw HistoryError(fmt::format("{}: history schema version {} is newer than this maskbench's ({}): use a newer "
                                     "maskbench",
                                     where, v, kSchemaVersion));
    if (access == Access::read_write && v < kSchemaVersion) {
      for (std::int64_t from = v; from < kSchemaVersion; ++from)
        for (const SchemaObject* o = kMigrations[from].begin; o != kMigrations[from].end; ++o) exec(db_, where, o->sql);
      exec(db_, where, fmt::format("PRAGMA application_id={}", kApplicationId).c_str());
      exec(db_, where, fmt::format("PRAGMA user_version={}", kSchemaVersion).c_str());
      v = kSchemaVersion;
    }
    if (v != kSchemaVersion)
      throw HistoryError(fmt::format("{}: history schema version {}, expected {} (add a run to migrate it)", where, v,
                                     kSchemaVersion));
    check_objects();
    exec(db_, where, "COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  // WAL lets a report read while a job adds; set only once the file is known
  // to be ours. Another job holding the file open can make the switch busy:
  // it is then left to a later add, since the rollback journal is as safe.
  if (access == Access::read_write) sqlite3_exec(db_, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
}

// Exactly the schema's objects: no trigger, view or redefined table.
void Database::check_objects() const {
  const std::string where = file_.string();
  std::map<std::string, std::string> expected;
  for (const Migration& m : kMigrations)
    for (const SchemaObject* o = m.begin; o != m.end; ++o) expected[fmt::format("{} {}", o->type, o->name)] = o->sql;
  Statement s(db_, where, "SELECT type, name, tbl_name, sql FROM sqlite_schema");
  std::size_t seen = 0;
  while (s.step()) {
    const Row row(s, where, "sqlite_schema");
    const std::string type = row.text(0), name = row.text(1), table = row.text(2);
    const bool auto_index = type == "index" && name.starts_with("sqlite_autoindex_" + table + "_") &&
                            sqlite3_column_type(s.get(), 3) == SQLITE_NULL && expected.contains("table " + table);
    if (auto_index) continue;
    const auto it = expected.find(type + " " + name);
    if (it == expected.end())
      throw HistoryError(fmt::format("{}: holds {} '{}', which maskbench's history schema does not have", where, type, name));
    if (row.text(3) != it->second)
      throw HistoryError(fmt::format("{}: {} '{}' is not defined as maskbench's history schema defines it", where,
                                     type, name));
    ++seen;
  }
  if (seen != expected.size())
    throw HistoryError(fmt::format("{}: lacks {} of the history schema's {} tables and indexes", where,
                                   expected.size() - seen, expected.size()));
}

AddOutcome Database::add(const results::ResultsDir& r) {
  const std::string where = file_.string();
  AddOutcome out;
  out.digest = run_digest(r);
  const std::string features = results::usable_features(r);
  const std::string brand = r.info_text({schema::info::kCpu, schema::info::kBrand});
  const std::string microarchitecture = r.info_text({schema::info::kCpu, schema::info::kMicroarchitecture});
  const std::string architecture = r.info_text({schema::info::kCpu, "architecture"});
  const std::string machine = fmt::format("{} | {} | {} | {}", brand, microarchitecture, architecture, features);
  for (const results::Benchmark& b : r.benchmarks) capped(b.name, r, "a benchmark name");

  exec(db_, where, "BEGIN IMMEDIATE");
  try {
    Statement known(db_, where, "SELECT id FROM run WHERE digest = ?");
    if (known.bind(1, out.digest).step()) {
      exec(db_, where, "ROLLBACK");
      return out;
    }
    Statement m(db_, where,
                "INSERT INTO machine(key, brand, microarchitecture, architecture, features) VALUES(?,?,?,?,?) "
                "ON CONFLICT(key) DO NOTHING");
    m.bind(1, capped(machine, r, "the machine"))
        .bind(2, capped(brand, r, "the CPU brand"))
        .bind(3, capped(microarchitecture, r, "the microarchitecture"))
        .bind(4, capped(architecture, r, "the architecture"))
        .bind(5, capped(features, r, "the feature list"))
        .run();
    Statement mid(db_, where, "SELECT id FROM machine WHERE key = ?");
    mid.bind(1, machine).step();
    const std::int64_t machine_id = sqlite3_column_int64(mid.get(), 0);

    Statement run(db_, where,
                  "INSERT INTO run(digest, machine_id, host, commit_id, commit_date, run_date, compiler, build_flags, "
                  "mode, conformance_level, info_json, context_json, added_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
    run.bind(1, out.digest)
        .bind(2, machine_id)
        .bind(3, capped(r.info_text({schema::info::kHostname}), r, "the host name"))
        .bind(4, capped(r.info_text({schema::info::kBuild, schema::info::kCommit}), r, "the commit"))
        .bind(5, capped(r.info_text({schema::info::kBuild, schema::info::kCommitDate}), r, "the commit date"))
        .bind(6, capped(context_text(r.context, "date", "unknown"), r, "the run date"))
        .bind(7, capped(r.info_text({schema::info::kBuild, schema::info::kCompiler}), r, "the compiler"))
        .bind(8, capped(r.info_text({schema::info::kBuild, schema::info::kBaseFlags}), r, "the build flags"))
        .bind(9, capped(context_text(r.context, schema::context::kMode, "unknown"), r, "the benchmark mode"))
        .bind(10, capped(r.conformance_level, r, "the conformance level"))
        .bind(11, r.info.dump())
        .bind(12, r.context.dump())
        .bind(13, utc_now())
        .run();
    const std::int64_t run_id = sqlite3_last_insert_rowid(db_);

    Statement bench(db_, where,
                    "INSERT INTO benchmark(run_id, name, skipped, skip_reason, peer, valid, under_iterated) "
                    "VALUES(?,?,?,?,?,?,?)");
    Statement rep(db_, where,
                  "INSERT INTO repetition(benchmark_id, rep, items_per_second, bytes_per_second, real_time_ns, "
                  "cpu_time_ns) VALUES(?,?,?,?,?,?)");
    for (const results::Benchmark& b : r.benchmarks) {
      bench.bind(1, run_id)
          .bind(2, b.name)
          .bind(3, std::int64_t{b.skipped})
          .bind(4, capped(b.skip_reason, r, "a skip reason"))
          .bind(5, std::int64_t{b.peer})
          .bind(6, std::int64_t{analysis::valid_figure(r, b)})
          .bind(7, static_cast<std::int64_t>(b.under_iterated))
          .run();
      const std::int64_t bench_id = sqlite3_last_insert_rowid(db_);
      ++out.benchmarks;
      for (std::size_t i = 0; i < b.cpu_time_ns.size(); ++i) {
        rep.bind(1, bench_id)
            .bind(2, static_cast<std::int64_t>(i))
            .bind(3, b.items_per_second, i)
            .bind(4, b.bytes_per_second, i)
            .bind(5, b.real_time_ns, i)
            .bind(6, b.cpu_time_ns, i)
            .run();
        ++out.repetitions;
      }
    }
    Statement verdict(db_, where, "INSERT INTO verdict(run_id, test, implementation, status, message) VALUES(?,?,?,?,?)");
    for (const results::TestOutcome& t : r.tests) {
      // A failure message can be long (a whole failing case): the history
      // keeps its first kMaxText bytes, cut at a character boundary.
      std::string message = t.message.substr(0, kMaxText);
      while (message.size() < t.message.size() && !message.empty() &&
             (static_cast<unsigned char>(t.message[message.size()]) & 0xc0) == 0x80)
        message.pop_back();
      verdict.bind(1, run_id)
          .bind(2, capped(t.kernel_test, r, "a test name"))
          .bind(3, capped(t.implementation, r, "an implementation name"))
          .bind(4, capped(t.status, r, "a test status"))
          .bind(5, message)
          .run();
      ++out.verdicts;
    }
    exec(db_, where, "COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  out.added = true;
  return out;
}

Contents Database::read() const {
  const std::string where = file_.string();
  {
    Statement check(db_, where, "PRAGMA quick_check");
    if (check.step()) {
      const char* first = reinterpret_cast<const char*>(sqlite3_column_text(check.get(), 0));
      if (first == nullptr || std::string_view(first) != "ok")
        throw HistoryError(fmt::format("{}: is damaged (SQLite's quick_check: {})", where,
                                       first == nullptr ? "no answer" : std::string(first).substr(0, 200)));
    }
  }
  Contents c;
  Statement runs(db_, where,
                 "SELECT run.id, digest, host, commit_id, commit_date, run_date, compiler, build_flags, mode, "
                 "conformance_level, key, brand, microarchitecture, architecture, features FROM run JOIN machine ON "
                 "machine.id = run.machine_id ORDER BY run.id");
  std::map<std::int64_t, std::size_t> run_at;
  while (runs.step()) {
    const Row row(runs, where, "run");
    Run r;
    r.id = row.integer(0);
    std::string* fields[] = {&r.digest,     &r.host,    &r.commit, &r.commit_date, &r.run_date,
                             &r.compiler,   &r.build_flags, &r.mode, &r.conformance_level, &r.machine,
                             &r.brand,      &r.microarchitecture, &r.architecture, &r.features};
    for (int i = 0; i < 14; ++i) *fields[i] = row.text(i + 1);
    run_at[r.id] = c.runs.size();
    c.runs.push_back(std::move(r));
  }
  Statement benches(db_, where,
                    "SELECT id, run_id, name, skipped, skip_reason, peer, valid, under_iterated FROM benchmark ORDER "
                    "BY id");
  std::map<std::int64_t, std::size_t> figure_at;
  while (benches.step()) {
    const Row row(benches, where, "benchmark");
    Figure f;
    const std::int64_t id = row.integer(0);
    f.run_id = row.integer(1);
    if (!run_at.contains(f.run_id)) row.refuse(1, "the id of a run in table run");
    f.benchmark.name = row.text(2);
    std::string problem;
    if (!results::fill_name_parts(f.benchmark, &problem))
      row.refuse(2, fmt::format("a benchmark name {} ({})", schema::kNameGrammar, problem));
    f.benchmark.skipped = row.flag(3);
    f.benchmark.skip_reason = row.text(4);
    f.benchmark.peer = row.flag(5);
    f.valid = row.flag(6);
    const std::int64_t under = row.integer(7);
    if (under < 0) row.refuse(7, "a count of at least 0");
    f.benchmark.under_iterated = static_cast<std::size_t>(under);
    figure_at[id] = c.figures.size();
    c.figures.push_back(std::move(f));
  }
  Statement reps(db_, where,
                 "SELECT benchmark_id, rep, items_per_second, bytes_per_second, real_time_ns, cpu_time_ns FROM "
                 "repetition ORDER BY benchmark_id, rep");
  while (reps.step()) {
    const Row row(reps, where, "repetition");
    const auto it = figure_at.find(row.integer(0));
    if (it == figure_at.end()) row.refuse(0, "the id of a benchmark in table benchmark");
    results::Benchmark& b = c.figures[it->second].benchmark;
    if (row.integer(1) != static_cast<std::int64_t>(b.cpu_time_ns.size())) row.refuse(1, "repetitions numbered from 0");
    row.positive(2, b.items_per_second, true);
    row.positive(3, b.bytes_per_second, true);
    row.positive(4, b.real_time_ns, false);
    row.positive(5, b.cpu_time_ns, false);
  }
  for (const Figure& f : c.figures) {
    const results::Benchmark& b = f.benchmark;
    for (const auto* v : {&b.items_per_second, &b.bytes_per_second})
      if (!v->empty() && v->size() != b.cpu_time_ns.size())
        throw HistoryError(fmt::format("{}: table repetition, benchmark '{}' of run {}: a rate for some repetitions "
                                       "only, expected every repetition or none",
                                       where, b.name, f.run_id));
  }
  c.verdicts = static_cast<std::size_t>(pragma(db_, where, "SELECT count(*) FROM verdict"));
  return c;
}

}  // namespace maskbench::history
