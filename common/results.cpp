#include "results.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace maskbench::results {
namespace {

nlohmann::json read_json(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ResultsError(fmt::format("{}: cannot be read (missing or unreadable)", file.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return nlohmann::json::parse(ss.str());
  } catch (const nlohmann::json::exception& e) {
    throw ResultsError(fmt::format("{}: not valid JSON ({})", file.string(), e.what()));
  }
}

template <class T>
T field(const nlohmann::json& j, const char* key, const std::filesystem::path& file, const std::string& where) {
  if (!j.is_object() || !j.contains(key))
    throw ResultsError(fmt::format("{}: {} has no field '{}'", file.string(), where, key));
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw ResultsError(fmt::format("{}: {} field '{}' has the wrong type", file.string(), where, key));
  }
}

double finite(double v, const std::filesystem::path& file, const std::string& what) {
  if (!std::isfinite(v) || v < 0) throw ResultsError(fmt::format("{}: {} is not a finite, non-negative number", file.string(), what));
  return v;
}

void split_name(Benchmark& b) {
  std::vector<std::string> parts;
  std::stringstream ss(b.name);
  for (std::string part; std::getline(ss, part, '/');) parts.push_back(part);
  if (parts.size() >= 3) {
    b.family = parts[0];
    b.kernel = parts[1];
    b.implementation = parts[2];
  }
}

std::vector<Benchmark> load_bench(const std::filesystem::path& file) {
  const nlohmann::json j = read_json(file);
  if (!j.is_object() || !j.contains("benchmarks") || !j["benchmarks"].is_array())
    throw ResultsError(fmt::format("{}: not a Google Benchmark JSON file (no 'benchmarks' array)", file.string()));
  std::vector<Benchmark> out;
  std::map<std::string, std::size_t> index;
  for (const nlohmann::json& row : j["benchmarks"]) {
    const std::string name = field<std::string>(row, "name", file, "a benchmark");
    const std::string run_type = row.value("run_type", "iteration");
    if (run_type != "iteration") continue;
    const std::string run_name = row.contains("run_name") ? field<std::string>(row, "run_name", file, name) : name;
    auto [it, fresh] = index.try_emplace(run_name, out.size());
    if (fresh) {
      out.emplace_back();
      out.back().name = run_name;
      split_name(out.back());
    }
    Benchmark& b = out[it->second];
    if (row.value("error_occurred", false)) {
      b.skipped = true;
      b.skip_reason = row.value("error_message", "skipped");
      continue;
    }
    b.label = row.value("label", "");
    if (row.contains("items_per_second"))
      b.items_per_second.push_back(finite(field<double>(row, "items_per_second", file, name), file, name + " items_per_second"));
    b.real_time_ns.push_back(finite(field<double>(row, "real_time", file, name), file, name + " real_time"));
  }
  return out;
}

std::vector<TestOutcome> load_conformance(const std::filesystem::path& file) {
  const nlohmann::json j = read_json(file);
  if (!j.is_object() || !j.contains("testsuites") || !j["testsuites"].is_array())
    throw ResultsError(fmt::format("{}: not a GoogleTest JSON file (no 'testsuites' array)", file.string()));
  std::vector<TestOutcome> out;
  for (const nlohmann::json& suite : j["testsuites"]) {
    if (!suite.contains("testsuite") || !suite["testsuite"].is_array()) continue;
    for (const nlohmann::json& t : suite["testsuite"]) {
      // Parameterized names are Impl/<Fixture>.<Test>/<impl with _ for ->.
      const std::string suite_name = field<std::string>(suite, "name", file, "a test suite");
      const std::string name = field<std::string>(t, "name", file, suite_name);
      TestOutcome o;
      const auto slash = name.rfind('/');
      o.kernel_test = suite_name.substr(suite_name.find('/') + 1) + "." + name.substr(0, slash);
      o.implementation = slash == std::string::npos ? "" : name.substr(slash + 1);
      std::replace(o.implementation.begin(), o.implementation.end(), '_', '-');
      if (t.contains("failures") && t["failures"].is_array() && !t["failures"].empty()) {
        o.status = "fail";
        o.message = t["failures"][0].value("failure", "");
      } else if (t.value("result", "") == "SKIPPED") {
        o.status = "skip";
        o.message = t.contains("skipped") ? t["skipped"].value("message", "") : "";
      } else {
        o.status = "pass";
      }
      out.push_back(std::move(o));
    }
  }
  return out;
}

}  // namespace

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

ResultsDir load(const std::filesystem::path& dir) {
  if (!std::filesystem::is_directory(dir))
    throw ResultsError(fmt::format("{}: not a results directory (it does not exist or is not a directory)", dir.string()));
  ResultsDir r;
  r.path = dir;
  r.info = read_json(dir / "info.json");
  if (!r.info.is_object() || r.info.value("schema", "") != "maskbench-info/1")
    throw ResultsError(fmt::format("{}: not a maskbench info file (expected \"schema\": \"maskbench-info/1\")", (dir / "info.json").string()));
  r.tests = load_conformance(dir / "conformance.json");
  r.benchmarks = load_bench(dir / "bench.json");
  return r;
}

}  // namespace maskbench::results
