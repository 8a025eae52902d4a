// The CLI as a user meets it: `maskbench info` and its JSON, feature masking,
// and bad input answered with exit code 2 and one line.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

struct Result {
  int exit_code;
  std::string out;  // stdout and stderr together
};

// Runs a shell command line, stdout and stderr together.
Result sh(const std::string& command) {
  const std::string cmd = command + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), out};
}

Result run(const std::string& args, const std::string& env = "") { return sh(env + " " + MASKBENCH_BIN + " " + args); }

std::string fmt_total(const std::string& key, int value) { return key + "=\"" + std::to_string(value) + "\""; }

TEST(Cli, InfoJsonListsEveryImplementationWithRunnability) {
  const Result r = run("info --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j["implementations"].is_array());
  bool reference = false, emu = false;
  for (const auto& impl : j["implementations"]) {
    if (impl["kind"] == "reference") reference = impl["runnable"].get<bool>();
    if (impl["kind"] == "emulated") emu = impl["runnable"].get<bool>();
    if (!impl["runnable"].get<bool>()) {
      EXPECT_FALSE(impl["reason"].get<std::string>().empty()) << impl["name"];
    }
  }
  EXPECT_TRUE(reference);
  EXPECT_TRUE(emu) << "the emulated implementation must run everywhere";
  EXPECT_FALSE(j["cpu"]["brand"].get<std::string>().empty());
  // Where the cache sizes came from, and the sizes whenever anything supplied them.
  const std::string cache_source = j["cpu"]["cache_source"].get<std::string>();
  EXPECT_FALSE(cache_source.empty());
  EXPECT_EQ(cache_source == "none", !j["cpu"].contains("caches")) << cache_source;
  EXPECT_FALSE(j["build"]["compiler"].get<std::string>().empty());
}

// The probe's curve covers 4 KiB to 1 GiB in ascending working sets and
// its levels are numbered in order; their sizes are timing, never asserted.
TEST(Cli, InfoMeasureCachesRecordsTheLatencyCurve) {
  const Result r = run("info --json --measure-caches");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto probe = nlohmann::json::parse(r.out)["cache_probe"];
  ASSERT_TRUE(probe["curve"].is_array() && probe["caches"].is_array()) << r.out;
  ASSERT_GE(probe["curve"].size(), 2u);
  EXPECT_EQ(probe["curve"].front()["bytes"].get<std::size_t>(), 4096u);
  EXPECT_EQ(probe["curve"].back()["bytes"].get<std::size_t>(), std::size_t{1} << 30);
  for (std::size_t i = 1; i < probe["curve"].size(); ++i) {
    EXPECT_GT(probe["curve"][i]["bytes"].get<std::size_t>(), probe["curve"][i - 1]["bytes"].get<std::size_t>());
    EXPECT_GT(probe["curve"][i]["ns"].get<double>(), 0.0);
  }
  for (std::size_t i = 0; i < probe["caches"].size(); ++i)
    EXPECT_EQ(probe["caches"][i]["level"].get<int>(), static_cast<int>(i) + 1);
  EXPECT_NE(run("info --measure-caches").out.find("latency"), std::string::npos);
}

TEST(Cli, DisableMasksAvx512AndTheLevelsAbove) {
  const Result r = run("info --json", "MASKBENCH_DISABLE=avx512");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  for (const auto& impl : j["implementations"]) {
    const std::string req = impl["requires"];
    if (req.find("avx512") != std::string::npos) {  // NOLINT(implementation-name): the feature
      EXPECT_FALSE(impl["runnable"].get<bool>()) << impl["name"];
      if (!impl["runnable"].get<bool>()) {
        EXPECT_NE(impl["reason"].get<std::string>().find("avx512"), std::string::npos);  // NOLINT(implementation-name): the feature
      }
    }
  }
}

TEST(Cli, BadInputExitsTwoWithOneLine) {
  const std::pair<std::string, std::string> cases[] = {
      {"", ""},
      {"no-such-command", ""},
      {"info --bogus", ""},
      {"info", "MASKBENCH_DISABLE=avx1024"},
  };
  for (const auto& [args, env] : cases) {
    const Result r = run(args, env);
    EXPECT_EQ(r.exit_code, 2) << "maskbench " << args << " (" << env << "): " << r.out;
    EXPECT_EQ(r.out.find("terminate"), std::string::npos) << r.out;
  }
}

// Bad input, answered with the documented exit code and exactly one line
// that names the problem: never a crash, a stack trace or an abort message.
void expect_one_line_error(const Result& r, int code, const std::string& what, const std::string& needle) {
  EXPECT_EQ(r.exit_code, code) << what << ": " << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << what << " printed more than one line: " << r.out;
  EXPECT_NE(r.out.find(needle), std::string::npos) << what << ": '" << r.out << "' does not say '" << needle << "'";
  for (const char* crash : {"terminate", "Aborted", "Segmentation", "what():", "#0 "})
    EXPECT_EQ(r.out.find(crash), std::string::npos) << what << ": " << r.out;
}

// A scratch directory removed at the end of the test.
struct Scratch {
  std::filesystem::path dir;
  Scratch() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "maskbench-cli-XXXXXX").string();
    dir = mkdtemp(tmpl.data());
  }
  ~Scratch() { std::filesystem::remove_all(dir); }
  std::filesystem::path write(const std::string& rel, const std::string& content) const {
    const auto p = dir / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << content;
    return p;
  }
};

// Every command the binary lists: an unknown option, and --help.
TEST(Cli, EveryCommandRejectsUnknownOptionsAndAnswersHelp) {
  const Result help = run("--help");
  ASSERT_EQ(help.exit_code, 0) << help.out;
  std::istringstream lines(help.out);
  std::vector<std::string> names;
  for (std::string line; std::getline(lines, line);)
    if (line.starts_with("  ") && !line.starts_with("   ")) names.push_back(line.substr(2, line.find(' ', 2) - 2));
  ASSERT_GE(names.size(), 3u) << help.out;
  for (const std::string& name : names) {
    expect_one_line_error(run(name + " --no-such-option"), 2, name + " --no-such-option", "--no-such-option");
    const Result h = run(name + " --help");
    EXPECT_EQ(h.exit_code, 0) << name << " --help: " << h.out;
    EXPECT_NE(h.out.find("usage: maskbench " + name), std::string::npos) << h.out;
  }
}

TEST(Cli, SummaryRejectsBadDirectories) {
  const Scratch s;
  const std::string d = s.dir.string();
  s.write("empty/.keep", "");
  s.write("truncated/info.json", "{\"schema\": \"maskbench-info/1\", \"cpu\": {");
  s.write("incomplete/INCOMPLETE", "interrupted by SIGTERM during conformance; missing: bench.json\n");
  s.write("incomplete/info.json", "{}");
  s.write("a-file", "x");
  s.write("dir-info/info.json/.keep", "");
  const std::pair<std::string, std::string> cases[] = {
      {"summary", "expected one argument"},
      {"summary " + d + " " + d, "expected one argument"},
      {"summary --bogus", "unknown option '--bogus'"},
      {"summary " + d + "/no/such/dir", "not a results directory"},
      {"summary " + d + "/a-file", "not a results directory"},
      {"summary " + d + "/empty", "info.json: does not exist, expected info.json"},
      {"summary " + d + "/truncated", "info.json: not valid JSON"},
      {"summary " + d + "/dir-info", "info.json: is a directory, expected info.json as a regular file"},
      {"summary " + d + "/incomplete", "did not finish (interrupted by SIGTERM during conformance; missing: bench.json)"},
  };
  for (const auto& [args, needle] : cases) expect_one_line_error(run(args), 2, args, needle);
}

TEST(Cli, TaskvecRejectsBadArguments) {
  const Scratch s;
  const std::string junk = s.write("junk.safetensors", std::string(100, '\xff')).string();
  const std::string empty = s.write("empty.safetensors", "").string();
  const std::pair<std::string, std::string> cases[] = {
      {"taskvec", "--base is required"},
      {"taskvec --base", "'--base' needs a value"},
      {"taskvec --base " + junk + " " + junk + " --warn abc", "--warn 'abc' is not a finite number"},
      {"taskvec --base " + junk + " " + junk + " --ties 150%", "--ties '150' is out of range"},
      {"taskvec --base " + junk + " " + junk + " --ties 0", "--ties '0' is out of range"},
      {"taskvec --base " + s.dir.string() + "/missing.safetensors " + junk, "missing.safetensors: does not exist"},
      {"taskvec --base " + junk + " " + junk, "runs past the end of the file"},
      {"taskvec --base " + empty + " " + empty, "too short for the 8-byte header length"},
  };
  for (const auto& [args, needle] : cases) expect_one_line_error(run(args), 2, args, needle);
}

// MASKBENCH_FORCE overrides best() for every command, and a name that is no
// implementation, or one this CPU cannot run, is refused with one line that
// names the variable and the valid names.
TEST(Cli, ForceOverridesBestAndRefusesWhatCannotRun) {
  const Result plain = run("info --json");
  ASSERT_EQ(plain.exit_code, 0) << plain.out;
  const auto j = nlohmann::json::parse(plain.out);
  std::string reference;
  std::vector<std::string> reference_families;
  for (const auto& impl : j["implementations"])
    if (impl["kind"] == "reference") {
      reference = impl["name"];
      reference_families = impl["families"].get<std::vector<std::string>>();
    }
  ASSERT_FALSE(reference.empty());

  const Result unknown = run("info", "MASKBENCH_FORCE=no-such-impl");
  expect_one_line_error(unknown, 2, "MASKBENCH_FORCE=no-such-impl", "MASKBENCH_FORCE names unknown implementation 'no-such-impl'");
  EXPECT_NE(unknown.out.find(reference), std::string::npos) << "the valid names are listed: " << unknown.out;

  // An implementation above the baseline, with its level masked.
  for (const auto& impl : j["implementations"]) {
    if (impl["level"] == "baseline") continue;
    const std::string name = impl["name"], level = impl["level"];
    expect_one_line_error(run("info", "MASKBENCH_DISABLE=" + level + " MASKBENCH_FORCE=" + name), 2, "forced " + name,
                          "MASKBENCH_FORCE=" + name + " cannot be used");
  }

  const Result forced = run("info --json", "MASKBENCH_FORCE=" + reference);
  ASSERT_EQ(forced.exit_code, 0) << forced.out;
  const auto best = nlohmann::json::parse(forced.out)["best"];
  for (const auto& [family, name] : best.items()) {
    const bool provides = std::find(reference_families.begin(), reference_families.end(), family) != reference_families.end();
    EXPECT_EQ(name, provides ? nlohmann::json(reference) : nlohmann::json(nullptr)) << family;
  }

  // taskvec reports the forced implementation.
  const Scratch s;
  std::string prefix;
  const std::string header = R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})";
  for (int i = 0; i < 8; ++i) prefix += static_cast<char>(header.size() >> (8 * i));
  prefix += header;
  const std::string pre = s.write("pre.safetensors", prefix + std::string(16, '\0')).string();
  const std::string ft = s.write("ft.safetensors", prefix + std::string(16, '\x01')).string();
  const Result taskvec = run("taskvec --base " + pre + " " + ft, "MASKBENCH_FORCE=" + reference);
  EXPECT_EQ(taskvec.exit_code, 0) << taskvec.out;
  EXPECT_NE(taskvec.out.find("implementation " + reference + " (MASKBENCH_FORCE)"), std::string::npos) << taskvec.out;
}

// A conformance run's own JSON, converted: one <testcase> per test, with
// the totals of the JSON, and every failure and skip carried over.
TEST(Junit, ConvertsARealConformanceRun) {
  const Scratch s;
  const std::string json = (s.dir / "conformance.json").string();
  const Result conf = sh("MASKBENCH_CONFORMANCE_LEVEL=smoke " + std::string(MASKBENCH_CONFORMANCE_BIN) +
                         " --gtest_filter='*MaskOps*:*KnownDefects*' --gtest_output=json:" + json);
  ASSERT_EQ(conf.exit_code, 0) << conf.out;
  const Result r = run("junit " + json);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::ifstream in(s.dir / "conformance.xml");
  ASSERT_TRUE(in) << "maskbench junit did not write conformance.xml beside the JSON";
  const std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto j = nlohmann::json::parse(std::ifstream(json));
  const auto count = [&](const std::string& needle) {
    std::size_t n = 0;
    for (auto at = xml.find(needle); at != std::string::npos; at = xml.find(needle, at + 1)) ++n;
    return n;
  };
  int skipped = 0;
  for (const auto& suite : j["testsuites"])
    for (const auto& t : suite["testsuite"]) skipped += t.value("result", "") == "SKIPPED";
  ASSERT_GT(j["tests"].get<int>(), 10);
  EXPECT_EQ(j.value("maskbench_level", ""), "smoke") << "the level is not recorded in the JSON";
  EXPECT_FALSE(j.value("maskbench_compiler", "").empty()) << "the compiler is not recorded in the JSON";
  EXPECT_EQ(count("<testcase "), j["tests"].get<std::size_t>()) << xml.substr(0, 2000);
  EXPECT_EQ(count("<testsuite "), j["testsuites"].size());
  EXPECT_EQ(count("<skipped "), static_cast<std::size_t>(skipped));
  EXPECT_NE(xml.find(fmt_total("tests", j["tests"].get<int>())), std::string::npos) << xml.substr(0, 400);
}

// Failure text is arbitrary: markup, quotes, newlines and control characters
// must come out as well-formed XML, the full message kept.
TEST(Junit, EscapesFailureTextAndKeepsSkipReasons) {
  const Scratch s;
  const auto in = s.write("c.json", R"({"tests": 3, "name": "AllTests", "time": "0.5s", "timestamp": "2026-11-30T00:00:00Z",
    "testsuites": [{"name": "Impl/CondTest", "time": "0.25s", "testsuite": [
      {"name": "Select/avx2", "classname": "Impl/CondTest", "time": "0.1s", "result": "COMPLETED",
       "failures": [{"failure": "x < y && \"z\"\nlane 3: \u0001 ]]> differs", "type": ""}]},
      {"name": "Select/avx512", "classname": "Impl/CondTest", "time": "0s", "result": "SKIPPED",
       "skipped": {"message": "skipped: the CPU lacks avx512"}},
      {"name": "Select/scalar", "classname": "Impl/CondTest", "time": "0.01s", "result": "COMPLETED"}]}]})");
  const Result r = run("junit " + in.string() + " -o " + (s.dir / "out.xml").string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::ifstream f(s.dir / "out.xml");
  const std::string xml((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  for (const char* expected :
       {"tests=\"3\" failures=\"1\" skipped=\"1\"", "<failure message=\"x &lt; y &amp;&amp; &quot;z&quot;\"",
        ">x &lt; y &amp;&amp; &quot;z&quot;\nlane 3: \uFFFD ]]&gt; differs</failure>",
        "<skipped message=\"skipped: the CPU lacks avx512\"/>", "name=\"Select/scalar\" classname=\"Impl/CondTest\" time=\"0.01\"/>"})
    EXPECT_NE(xml.find(expected), std::string::npos) << "missing " << expected << " in\n" << xml;
  EXPECT_EQ(xml.find('\x01'), std::string::npos) << "a control character reached the XML";
}

TEST(Junit, RejectsBadInput) {
  const Scratch s;
  const std::string d = s.dir.string();
  s.write("other.json", "[1, 2]");
  s.write("nosuite.json", R"({"testsuites": [{"name": "A"}]})");
  s.write("notes.txt", "{}");
  s.write("valid.json", R"({"testsuites": []})");
  // Stands in for a device such as /dev/full: renaming over it would replace it.
  ASSERT_EQ(mkfifo((s.dir / "fifo").c_str(), 0600), 0);
  const std::pair<std::string, std::string> cases[] = {
      {"junit", "expected one GoogleTest JSON file"},
      {"junit " + d + "/missing.json", "missing.json: does not exist"},
      {"junit " + d + "/other.json", "other.json: not a GoogleTest JSON file"},
      {"junit " + d + "/nosuite.json", "nosuite.json: testsuites[0].testsuite is missing, expected an array of tests"},
      {"junit " + d + "/notes.txt", "does not end in .json, so name the output with -o"},
      {"junit " + d + "/other.json -o", "option '-o' needs a value"},
      {"junit " + d + "/valid.json -o " + d, "exists and is not a regular file"},
      {"junit " + d + "/valid.json -o " + d + "/fifo", "fifo: exists and is not a regular file"},
  };
  for (const auto& [args, needle] : cases) expect_one_line_error(run(args), 2, args, needle);
}

TEST(Conformance, UnknownLevelIsRefused) {
  expect_one_line_error(sh("MASKBENCH_CONFORMANCE_LEVEL=fast " + std::string(MASKBENCH_CONFORMANCE_BIN) +
                           " --gtest_filter=Shrink.*"),
                        2, "MASKBENCH_CONFORMANCE_LEVEL=fast", "MASKBENCH_CONFORMANCE_LEVEL='fast' is not a level; expected full or smoke");
}

// A full disk under stdout (and under stderr too) fails the command with exit
// status 2, never as a success or an abort.
TEST(Cli, UnwritableOutputFailsWithoutACrash) {
  for (const std::string args : {"info --json", "info", "--help", "summary --help"}) {
    expect_one_line_error(sh("{ " + std::string(MASKBENCH_BIN) + " " + args + " >/dev/full; }"), 2,
                          args + " >/dev/full", "No space left on device");
    const Result both = sh(std::string(MASKBENCH_BIN) + " " + args + " >/dev/full 2>/dev/full; echo status $?");
    EXPECT_EQ(both.out, "status 2\n") << args << " >/dev/full 2>/dev/full";
  }
}

// run_all.sh answers bad options before it installs or builds anything.
TEST(RunAll, BadOptionsExitTwoWithOneLine) {
  const Scratch s;
  s.write("done/info.json", "{}");
  const std::string script = std::string(MASKBENCH_SOURCE_DIR) + "/run_all.sh";
  const std::pair<std::string, std::string> cases[] = {
      {"--bogus", "unknown option '--bogus'"},
      {"--quick=yes", "unknown option '--quick=yes'"},
      {"--out", "--out needs a directory"},
      {"--out ''", "--out needs a directory"},
      {"--out=", "--out needs a directory"},
      {"--filter", "--filter needs a regular expression"},
      {"--filter '('", "is not a valid regular expression"},
      {"test --quick", "takes no options"},
      {"--out " + s.dir.string() + "/done", "already holds the results of an earlier run"},
  };
  for (const auto& [args, needle] : cases)
    expect_one_line_error(sh("MASKBENCH_BUILD_DIR=/nonexistent " + script + " " + args), 2, "run_all.sh " + args, needle);
}

}  // namespace
