// The history database: what an add stores and reads back, idempotence,
// concurrent adds from separate processes, an add killed part way, and every
// kind of database that is not ours or not intact; then the trends derived
// from a history with a known slowdown, and the page from hostile names.
#include <gtest/gtest.h>

#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <random>

#include <fmt/format.h>

#include "analysis.hpp"
#include "history_db.hpp"
#include "sha256.hpp"
#include "trends.hpp"
#include "trends_page.hpp"

namespace maskbench::history {
namespace {

namespace fs = std::filesystem;
const fs::path kFixtures = MB_FIXTURES;

TEST(Sha256, KnownDigests) {
  const auto digest = [](std::string_view s) {
    Sha256 h;
    h.update(s);
    return h.hex();
  };
  EXPECT_EQ(digest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // A million 'a', fed in uneven pieces across the block boundaries.
  Sha256 h;
  const std::string piece(997, 'a');
  std::size_t fed = 0;
  while (fed + piece.size() <= 1000000) {
    h.update(piece);
    fed += piece.size();
  }
  h.update(std::string(1000000 - fed, 'a'));
  EXPECT_EQ(h.hex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

nlohmann::json read(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}
void write(const fs::path& p, const nlohmann::json& j) { std::ofstream(p) << j.dump(); }

// A copy of a fixture run as if measured at another commit: its commit and
// date set, every time divided and rate multiplied by `speed(name)`.
template <class Speed>
fs::path make_run(const fs::path& into, const std::string& commit, const std::string& date, Speed speed,
                  const std::string& fixture = "gate-a") {
  fs::create_directories(into);
  nlohmann::json info = read(kFixtures / fixture / "info.json");
  info["build"]["commit"] = commit;
  info["build"]["commit_date"] = date;
  write(into / "info.json", info);
  fs::copy_file(kFixtures / fixture / "conformance.json", into / "conformance.json", fs::copy_options::overwrite_existing);
  nlohmann::json bench = read(kFixtures / fixture / "bench.json");
  bench["context"]["date"] = date;
  for (nlohmann::json& b : bench["benchmarks"]) {
    const double f = speed(b["name"].get<std::string>());
    for (const char* k : {"real_time", "cpu_time"})
      if (b.contains(k)) b[k] = b[k].get<double>() / f;
    for (const char* k : {"items_per_second", "bytes_per_second"})
      if (b.contains(k)) b[k] = b[k].get<double>() * f;
  }
  write(into / "bench.json", bench);
  return into;
}
fs::path make_run(const fs::path& into, const std::string& commit, const std::string& date) {
  return make_run(into, commit, date, [](const std::string&) { return 1.0; });
}

class History : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mb-history-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = dir_ / "history.sqlite";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `sql` on the database behind maskbench's back, as someone else's
  // tool (or an attacker) could.
  void tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "") << " in: " << sql;
    sqlite3_free(err);
    sqlite3_close(db);
  }

  // The message of the HistoryError that reading the database throws.
  std::string refusal() {
    try {
      Database h(db_, Database::Access::read_only);
      h.read();
    } catch (const HistoryError& e) {
      return e.what();
    }
    return "(not refused)";
  }

  fs::path dir_, db_;
};

TEST_F(History, StoresACompleteRunAndReadsItBack) {
  const results::ResultsDir r = results::load(make_run(dir_ / "a", "abc123", "2026-12-01T10:00:00+00:00"));
  {
    Database h(db_, Database::Access::read_write);
    EXPECT_EQ(h.schema_version(), kSchemaVersion);
    const AddOutcome o = h.add(r);
    EXPECT_TRUE(o.added);
    EXPECT_EQ(o.benchmarks, r.benchmarks.size());
    EXPECT_EQ(o.verdicts, r.tests.size());
  }
  const Contents c = Database(db_, Database::Access::read_only).read();
  ASSERT_EQ(c.runs.size(), 1u);
  EXPECT_EQ(c.runs[0].commit, "abc123");
  EXPECT_EQ(c.runs[0].commit_date, "2026-12-01T10:00:00+00:00");
  EXPECT_EQ(c.runs[0].compiler, r.info_text({"build", "compiler"}));
  EXPECT_EQ(c.runs[0].digest, run_digest(r));
  EXPECT_EQ(c.verdicts, r.tests.size());
  ASSERT_EQ(c.figures.size(), r.benchmarks.size());
  for (std::size_t i = 0; i < r.benchmarks.size(); ++i) {
    const results::Benchmark& want = r.benchmarks[i];
    const results::Benchmark& got = c.figures[i].benchmark;
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.implementation, want.implementation);
    EXPECT_EQ(got.cpu_time_ns, want.cpu_time_ns) << want.name;
    EXPECT_EQ(got.items_per_second, want.items_per_second) << want.name;
    EXPECT_EQ(got.bytes_per_second, want.bytes_per_second) << want.name;
    EXPECT_EQ(c.figures[i].valid, analysis::valid_figure(r, want)) << want.name;
  }
}

TEST_F(History, AddingTheSameRunTwiceIsANoOp) {
  const fs::path a = make_run(dir_ / "a", "abc123", "2026-12-01T10:00:00+00:00");
  Database h(db_, Database::Access::read_write);
  EXPECT_TRUE(h.add(results::load(a)).added);
  EXPECT_FALSE(h.add(results::load(a)).added);
  // The same files under another name, reformatted, are the same run.
  fs::create_directories(dir_ / "copy");
  for (const char* f : {"info.json", "conformance.json", "bench.json"})
    std::ofstream(dir_ / "copy" / f) << read(a / f).dump(2);
  EXPECT_FALSE(h.add(results::load(dir_ / "copy")).added);
  EXPECT_TRUE(h.add(results::load(make_run(dir_ / "b", "def456", "2026-12-02T10:00:00+00:00"))).added);
  EXPECT_EQ(h.read().runs.size(), 2u);
}

// Two CI jobs adding at the same moment must both succeed: eight processes
// add eight runs to a database none of them has created yet.
TEST_F(History, ConcurrentAddsAllLand) {
  constexpr int kJobs = 8;
  std::vector<fs::path> runs;
  for (int i = 0; i < kJobs; ++i)
    runs.push_back(make_run(dir_ / std::to_string(i), fmt::format("c{}", i), fmt::format("2026-12-0{}", i + 1)));
  std::vector<pid_t> children;
  for (int i = 0; i < kJobs; ++i) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int rc = 0;
      try {
        Database h(db_, Database::Access::read_write);
        rc = h.add(results::load(runs[static_cast<std::size_t>(i)])).added ? 0 : 3;
      } catch (const std::exception& e) {
        std::fprintf(stderr, "job %d: %s\n", i, e.what());
        rc = 1;
      }
      ::_exit(rc);
    }
    children.push_back(pid);
  }
  for (const pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a concurrent add failed (status " << status << ")";
  }
  EXPECT_EQ(Database(db_, Database::Access::read_only).read().runs.size(), static_cast<std::size_t>(kJobs));
}

// An add killed at any moment leaves the database as it was: after each kill
// every run in it is whole (all its benchmarks and repetitions), and the run
// can be added afterwards.
TEST_F(History, AnAddKilledPartWayLeavesNoPartialRun) {
  const results::ResultsDir first = results::load(make_run(dir_ / "first", "c0", "2026-12-01"));
  Database(db_, Database::Access::read_write).add(first);
  const fs::path second = make_run(dir_ / "second", "c1", "2026-12-02");
  const results::ResultsDir loaded = results::load(second);
  std::size_t whole_reps = 0;
  for (const results::Benchmark& b : loaded.benchmarks) whole_reps += b.cpu_time_ns.size();
  std::size_t landed = 0;
  for (int delay_us : {0, 200, 500, 1000, 2000, 3000, 5000, 8000, 12000, 20000}) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      try {
        Database h(db_, Database::Access::read_write);
        h.add(loaded);
      } catch (...) {
      }
      ::_exit(0);
    }
    ::usleep(static_cast<useconds_t>(delay_us));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    const Contents c = Database(db_, Database::Access::read_only).read();
    std::map<std::int64_t, std::pair<std::size_t, std::size_t>> per_run;  // benchmarks, repetitions
    for (const Figure& f : c.figures) {
      ++per_run[f.run_id].first;
      per_run[f.run_id].second += f.benchmark.cpu_time_ns.size();
    }
    for (const history::Run& r : c.runs) {
      EXPECT_EQ(per_run[r.id].first, loaded.benchmarks.size()) << "run " << r.commit << " after a kill at " << delay_us << " us";
      EXPECT_EQ(per_run[r.id].second, whole_reps) << "run " << r.commit << " after a kill at " << delay_us << " us";
    }
    landed = c.runs.size() - 1;
    if (landed == 1) break;
  }
  Database h(db_, Database::Access::read_write);
  EXPECT_EQ(h.add(loaded).added, landed == 0);
  EXPECT_EQ(h.read().runs.size(), 2u);
}

TEST_F(History, RefusesFilesThatAreNotItsDatabase) {
  EXPECT_NE(refusal().find("history.sqlite"), std::string::npos) << "a missing database: " << refusal();
  std::ofstream(db_) << "runs: 3\n";
  EXPECT_NE(refusal().find("history.sqlite"), std::string::npos) << refusal();
  fs::remove(db_);
  ASSERT_EQ(::mkfifo(db_.c_str(), 0600), 0);
  EXPECT_NE(refusal().find("FIFO"), std::string::npos) << "a FIFO must be refused without blocking: " << refusal();
  EXPECT_THROW(Database(db_, Database::Access::read_write), HistoryError);
  fs::remove(db_);
  tamper("CREATE TABLE notes(x TEXT)");
  EXPECT_NE(refusal().find("another application"), std::string::npos) << refusal();
  EXPECT_THROW(Database(db_, Database::Access::read_write), HistoryError) << "an add must not write into it";
  fs::remove(db_);
  // A symbolic link to a real history is not followed.
  const fs::path real = dir_ / "real.sqlite";
  Database(real, Database::Access::read_write).add(results::load(make_run(dir_ / "a", "c0", "2026-12-01")));
  fs::create_symlink(real, db_);
  EXPECT_NE(refusal().find("history.sqlite"), std::string::npos) << refusal();
  EXPECT_THROW(Database(db_, Database::Access::read_write), HistoryError);
}

TEST_F(History, RefusesADatabaseItCannotTrust) {
  Database(db_, Database::Access::read_write).add(results::load(make_run(dir_ / "a", "c0", "2026-12-01")));
  const auto with = [&](const std::string& sql, const std::string& expected) {
    fs::copy_file(db_, dir_ / "clean.sqlite", fs::copy_options::overwrite_existing);
    tamper(sql);
    const std::string why = refusal();
    EXPECT_NE(why.find(expected), std::string::npos) << "after: " << sql << "\nrefusal: " << why;
    EXPECT_EQ(why.find('\n'), std::string::npos) << "one line: " << why;
    fs::copy_file(dir_ / "clean.sqlite", db_, fs::copy_options::overwrite_existing);
  };
  with("PRAGMA user_version=2", "newer");
  with("CREATE TRIGGER t AFTER INSERT ON run BEGIN DELETE FROM run; END", "holds trigger 't'");
  with("CREATE VIEW v AS SELECT 1", "holds view 'v'");
  with("DROP TABLE verdict", "lacks");
  with("ALTER TABLE run ADD COLUMN extra TEXT", "table 'run' is not defined");
  with("UPDATE repetition SET cpu_time_ns = 'fast' WHERE rep = 0", "table repetition, row");
  with("UPDATE repetition SET cpu_time_ns = -1 WHERE rep = 0", "column cpu_time_ns: expected a positive finite number");
  with("UPDATE benchmark SET name = 'a/b/c/<script>' WHERE id = 1", "column name: expected a benchmark name");
  with("UPDATE benchmark SET valid = 7 WHERE id = 1", "column valid: expected 0 or 1");
  with("UPDATE run SET commit_id = printf('%.5000c', 'x')", "column commit_id: expected text of at most 4096 bytes");
  with("UPDATE benchmark SET run_id = 99", "column run_id: expected the id of a run");
  with("DELETE FROM repetition WHERE rep = 0", "repetitions numbered from 0");
  // Damaged bytes in the middle of the file: refused, never a crash.
  {
    fs::copy_file(db_, dir_ / "clean.sqlite", fs::copy_options::overwrite_existing);
    tamper("PRAGMA wal_checkpoint(TRUNCATE)");
    std::fstream f(db_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(db_) / 2));
    const std::string junk(8192, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    f.close();
    EXPECT_NE(refusal(), "(not refused)");
  }
}

// A history with a known step: 30 commits, added out of order, `slowed`
// benchmarks 10% slower from commit 15, a deterministic 1% spread per run.
TEST_F(History, TrendsOrderCommitsAndFindTheStep) {
  const std::string slowed = "/avx2/";
  std::vector<int> order(30);
  for (int i = 0; i < 30; ++i) order[static_cast<std::size_t>(i)] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937(5));
  {
    Database h(db_, Database::Access::read_write);
    for (const int i : order) {
      std::mt19937_64 rng(static_cast<std::uint64_t>(i));
      std::normal_distribution<double> noise(0, 0.01);
      const double spread = std::exp(noise(rng));
      const fs::path run = make_run(dir_ / fmt::format("r{}", i), fmt::format("commit{:02}", i),
                                    fmt::format("2026-11-{:02}T12:00:00+00:00", i + 1), [&](const std::string& name) {
                                      return spread * (i >= 15 && name.find(slowed) != std::string::npos ? 1 / 1.1 : 1.0);
                                    });
      ASSERT_TRUE(h.add(results::load(run)).added);
    }
  }
  const Trends t = trends(Database(db_, Database::Access::read_only).read());
  ASSERT_EQ(t.machines.size(), 1u);
  const MachineHistory& m = t.machines[0];
  ASSERT_EQ(m.commits.size(), 30u);
  for (std::size_t i = 0; i < 30; ++i) EXPECT_EQ(m.commits[i].commit, fmt::format("commit{:02}", i));
  std::size_t with_step = 0;
  for (const Series& s : m.series) {
    const bool expected = s.name.find(slowed) != std::string::npos;
    bool has_rate = false;
    for (const auto& r : s.rate) has_rate = has_rate || r.has_value();
    if (!has_rate) continue;
    if (expected) {
      ASSERT_EQ(s.changes.size(), 1u) << s.name;
      EXPECT_EQ(s.changes[0].at, 15u) << s.name;
      EXPECT_NEAR(s.changes[0].ratio, 1 / 1.1, 0.01) << s.name;
      ++with_step;
    } else {
      EXPECT_TRUE(s.changes.empty()) << s.name << " has a step it does not have";
    }
  }
  EXPECT_GT(with_step, 0u) << "the fixture has no valid avx2 benchmark to slow down";
  const std::string page = trends_html(t, "history.sqlite", {});
  EXPECT_NE(page.find("commit15"), std::string::npos);
  EXPECT_NE(page.find("Change points"), std::string::npos);
}

TEST_F(History, HostileNamesAreEscapedOnThePage) {
  {
    Database h(db_, Database::Access::read_write);
    h.add(results::load(make_run(dir_ / "a", "<b>c0</b>", "2026-12-01", [](const std::string&) { return 1.0; }, "hostile")));
    h.add(results::load(make_run(dir_ / "b", "c1\"'><script>alert(1)</script>", "2026-12-02",
                                 [](const std::string&) { return 1.0; }, "hostile")));
  }
  const std::string page = trends_html(trends(Database(db_, Database::Access::read_only).read()), "<x>.sqlite", {});
  EXPECT_EQ(page.find("<script>alert"), std::string::npos);
  EXPECT_EQ(page.find("<b>c0"), std::string::npos);
  EXPECT_EQ(page.find("<x>"), std::string::npos);
  EXPECT_NE(page.find("&lt;b&gt;c0"), std::string::npos);
}

}  // namespace
}  // namespace maskbench::history
