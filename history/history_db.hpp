#pragma once
// The result history: complete results directories in one SQLite database
// (`maskbench history add`), read back as series per benchmark and machine
// (`maskbench history report`).
//
// The database is shared by CI jobs and may come from another machine, so:
//  - every add is one IMMEDIATE transaction: an interrupted add (killed, a
//    full disk) leaves the database as it was, and two jobs adding at once
//    serialise on the write lock (WAL mode, a 60 s busy timeout) instead of
//    one of them failing;
//  - a run is known by the SHA-256 of its three files' parsed content, so
//    adding the same run twice, from any path, is a no-op;
//  - the file must be maskbench's (application_id), of a schema version this
//    build knows (older ones are migrated, newer ones refused), and hold
//    exactly the schema's tables and indexes: a planted trigger or view
//    would otherwise run inside our statements. The connection is opened
//    with SQLite's defensive mode and untrusted-schema setting, without
//    following symbolic links;
//  - what is read back is checked like a results file: text length-capped,
//    numbers finite and positive, benchmark names in the schema's grammar.
//    Every problem is an input::InputError, one line naming the file, the
//    table, the row and the column.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "maskbench/input.hpp"
#include "results.hpp"

struct sqlite3;

namespace maskbench::history {

using HistoryError = input::InputError;

inline constexpr int kSchemaVersion = 1;
inline constexpr const char* kDefaultDatabase = "results/history.sqlite";
// The longest text a database may hold in any column (a benchmark name, a
// commit, a skip reason); info.json and the benchmark context are capped as
// the results files are.
inline constexpr std::size_t kMaxText = 4096;
// The database file's cap, as input::cap_bytes reads it
// (MASKBENCH_MAX_INPUT_MIB raises it): about 10,000 full runs.
inline constexpr std::uint64_t kDatabaseCapMib = 4096;

// A run as the history holds it.
struct Run {
  std::int64_t id = 0;
  std::string digest;       // SHA-256 of the run's files
  std::string machine;      // the series key: CPU brand, microarchitecture, architecture, usable features
  std::string host, brand, microarchitecture, architecture, features;
  std::string commit, commit_date;  // commit_date: ISO 8601, "unknown" for runs that predate it
  std::string run_date;             // bench.json's context date
  std::string compiler, build_flags, mode, conformance_level;
  std::string order_date() const { return commit_date != "unknown" && !commit_date.empty() ? commit_date : run_date; }
};

// One benchmark of one run.
struct Figure {
  std::int64_t run_id = 0;
  results::Benchmark benchmark;  // name, parts, repetitions, skipped, peer
  bool valid = true;             // analysis::valid_figure in its run: measured, and conformance passed
};

struct Contents {
  std::vector<Run> runs;
  std::vector<Figure> figures;
  std::size_t verdicts = 0;  // conformance outcomes stored
};

struct AddOutcome {
  bool added = false;  // false: the database already held this run
  std::string digest;
  std::size_t benchmarks = 0, repetitions = 0, verdicts = 0;
};

class Database {
 public:
  enum class Access { read_only, read_write };
  // read_write creates the file where there is none. Throws HistoryError.
  Database(std::filesystem::path file, Access access);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  AddOutcome add(const results::ResultsDir& r);
  // Everything, checked; runs in id order. Runs SQLite's quick_check first.
  Contents read() const;
  int schema_version() const;
  const std::filesystem::path& file() const { return file_; }

 private:
  void prepare_schema(Access access);
  void check_objects() const;
  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
};

// The digest add() uses, from the directory's files.
std::string run_digest(const results::ResultsDir& r);

}  // namespace maskbench::history
