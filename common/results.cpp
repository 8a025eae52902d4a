#include "results.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "incomplete.hpp"

namespace maskbench::results {
namespace {

using std::filesystem::path;

// Google Benchmark writes a non-finite number as a bare NaN or inf, which is
// not JSON (its coefficient-of-variation aggregate of a zero counter is 0/0).
// Outside strings, those tokens become null, so that the file parses and a
// non-finite value where a number is required is reported by its field.
std::string null_non_finite(const std::string& text) {
  static const char* const kTokens[] = {"-Infinity", "Infinity", "NaN", "-nan", "nan", "-inf", "inf"};
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) {
        out += text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      ++i;
      continue;
    }
    if (c == '"') in_string = true;
    const char* const* token = std::find_if(std::begin(kTokens), std::end(kTokens),
                                            [&](const char* t) { return text.compare(i, std::strlen(t), t) == 0; });
    if (token != std::end(kTokens)) {
      out += "null";
      i += std::strlen(*token);
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}


template <class T>
T field(const nlohmann::json& j, const char* key, const path& file, const std::string& where) {
  if (!j.is_object() || !j.contains(key))
    throw ResultsError(fmt::format("{}: {} has no field '{}'", file.string(), where, key));
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw ResultsError(fmt::format("{}: {} field '{}' has the wrong type", file.string(), where, key));
  }
}

// A number that must be finite: null stands for the NaN or inf that the file
// held (see null_non_finite).
double number(const nlohmann::json& j, const char* key, const path& file, const std::string& where) {
  if (j.is_object() && j.contains(key) && j.at(key).is_null())
    throw ResultsError(fmt::format("{}: {} field '{}' is NaN or infinite, expected a finite number", file.string(), where, key));
  return field<double>(j, key, file, where);
}

template <class T>
T optional_field(const nlohmann::json& j, const char* key, T fallback, const path& file, const std::string& where) {
  return j.is_object() && j.contains(key) ? field<T>(j, key, file, where) : fallback;
}

double finite(double v, const path& file, const std::string& what) {
  if (!std::isfinite(v) || v < 0)
    throw ResultsError(fmt::format("{}: {} is {}, expected a finite, non-negative number", file.string(), what, v));
  return v;
}

double to_ns(double t, const std::string& unit, const path& file, const std::string& name) {
  if (unit == "ns") return t;
  if (unit == "us") return t * 1e3;
  if (unit == "ms") return t * 1e6;
  if (unit == "s") return t * 1e9;
  throw ResultsError(fmt::format("{}: {} has time_unit '{}', expected ns, us, ms or s", file.string(), name, unit));
}

constexpr const char* kNoImplementation = "(none)";

void split_name(Benchmark& b, const path& file) {
  std::vector<std::string> parts;
  std::stringstream ss(b.name);
  for (std::string part; std::getline(ss, part, '/');) parts.push_back(part);
  // A machine probe of a family (e.g. taskvec/read_bandwidth/n:<bytes>) has
  // no implementation part.
  if (parts.size() >= 3 && parts[2].find(':') != std::string::npos) parts.insert(parts.begin() + 2, kNoImplementation);
  if (parts.size() < 3 || parts[0].empty() || parts[1].empty() || parts[2].empty())
    throw ResultsError(fmt::format("{}: benchmark name '{}' is not <family>/<kernel>/<implementation>[/<param>:<value>...]",
                                   file.string(), b.name));
  b.family = parts[0];
  b.kernel = parts[1];
  b.implementation = parts[2];
  // Parts without a colon are Google Benchmark's own suffixes (real_time, ...).
  for (std::size_t i = 3; i < parts.size(); ++i)
    if (const auto colon = parts[i].find(':'); colon != std::string::npos)
      b.params[parts[i].substr(0, colon)] = parts[i].substr(colon + 1);
}

std::vector<Benchmark> load_bench(const path& file, nlohmann::json& context) {
  const nlohmann::json j = read_json(file);
  if (!j.is_object() || !j.contains("benchmarks") || !j["benchmarks"].is_array())
    throw ResultsError(fmt::format("{}: not a Google Benchmark JSON file (no 'benchmarks' array)", file.string()));
  context = j.value("context", nlohmann::json::object());
  if (!context.is_object()) throw ResultsError(fmt::format("{}: field 'context' is not an object", file.string()));
  std::vector<Benchmark> out;
  std::map<std::string, std::size_t> index;
  for (const nlohmann::json& row : j["benchmarks"]) {
    const std::string name = field<std::string>(row, "name", file, "a benchmark");
    if (optional_field<std::string>(row, "run_type", "iteration", file, name) != "iteration") continue;
    const std::string run_name = optional_field<std::string>(row, "run_name", name, file, name);
    auto [it, fresh] = index.try_emplace(run_name, out.size());
    if (fresh) {
      out.emplace_back();
      out.back().name = run_name;
      split_name(out.back(), file);
    }
    Benchmark& b = out[it->second];
    if (optional_field<bool>(row, "error_occurred", false, file, name)) {
      b.skipped = true;
      b.skip_reason = optional_field<std::string>(row, "error_message", "skipped", file, name);
      continue;
    }
    const std::string label = optional_field<std::string>(row, "label", "", file, name);
    const auto space = label.find(' ');
    b.label = label.substr(0, space);
    b.label_note = space == std::string::npos ? "" : label.substr(space + 1);
    const std::string unit = optional_field<std::string>(row, "time_unit", "ns", file, name);
    for (const char* rate : {"items_per_second", "bytes_per_second"})
      if (row.contains(rate))
        (rate[0] == 'i' ? b.items_per_second : b.bytes_per_second)
            .push_back(finite(number(row, rate, file, name), file, name + " " + rate));
    for (const char* time : {"real_time", "cpu_time"})
      (time[0] == 'r' ? b.real_time_ns : b.cpu_time_ns)
          .push_back(to_ns(finite(number(row, time, file, name), file, name + " " + time), unit, file, name));
  }
  return out;
}

// GoogleTest's failure text is "file:line\n<assertion>\n<message>": all of it
// matters, on one line, cut where a table cell would overflow.
std::string one_line(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s.size() > 400 ? s.substr(0, 400) + "..." : s;
}

std::vector<TestOutcome> load_conformance(const path& file, std::string& level) {
  const nlohmann::json j = read_json(file);
  if (!j.is_object() || !j.contains("testsuites") || !j["testsuites"].is_array())
    throw ResultsError(fmt::format("{}: not a GoogleTest JSON file (no 'testsuites' array)", file.string()));
  level = optional_field<std::string>(j, "maskbench_level", "unknown", file, "the document");
  std::vector<TestOutcome> out;
  for (const nlohmann::json& suite : j["testsuites"]) {
    const std::string suite_name = field<std::string>(suite, "name", file, "a test suite");
    if (!suite.contains("testsuite")) continue;
    if (!suite["testsuite"].is_array())
      throw ResultsError(fmt::format("{}: test suite '{}' field 'testsuite' is not an array", file.string(), suite_name));
    for (const nlohmann::json& t : suite["testsuite"]) {
      // Parameterized names are Impl/<Fixture> and <Test>/<impl with _ for ->.
      const std::string name = field<std::string>(t, "name", file, "a test of " + suite_name);
      TestOutcome o;
      const auto slash = name.rfind('/');
      o.kernel_test = suite_name.substr(suite_name.find('/') + 1) + "." + name.substr(0, slash);
      o.implementation = slash == std::string::npos ? "" : name.substr(slash + 1);
      std::replace(o.implementation.begin(), o.implementation.end(), '_', '-');
      const nlohmann::json failures = t.value("failures", nlohmann::json::array());
      if (failures.is_array() && !failures.empty()) {
        o.status = "fail";
        o.message = one_line(optional_field<std::string>(failures[0], "failure", "", file, name));
      } else if (optional_field<std::string>(t, "result", "", file, name) == "SKIPPED") {
        o.status = "skip";
        o.message = one_line(gtest_skip_reason(t));
      } else {
        o.status = "pass";
      }
      out.push_back(std::move(o));
    }
  }
  return out;
}

std::vector<ImplementationInfo> load_implementations(const nlohmann::json& info, const path& file) {
  if (!info.contains("implementations") || !info["implementations"].is_array())
    throw ResultsError(fmt::format("{}: field 'implementations' is missing or not an array", file.string()));
  std::vector<ImplementationInfo> out;
  for (const nlohmann::json& e : info["implementations"]) {
    ImplementationInfo i;
    i.name = field<std::string>(e, "name", file, "an implementation");
    i.runnable = field<bool>(e, "runnable", file, "implementation " + i.name);
    i.requires_features = optional_field<std::string>(e, "requires", "none", file, "implementation " + i.name);
    i.reason = optional_field<std::string>(e, "reason", "", file, "implementation " + i.name);
    out.push_back(std::move(i));
  }
  return out;
}

void check_info(const nlohmann::json& info, const path& file) {
  if (!info.is_object() || info.value("schema", "") != "maskbench-info/1")
    throw ResultsError(fmt::format("{}: not a maskbench info file (expected \"schema\": \"maskbench-info/1\")", file.string()));
  const nlohmann::json cpu = info.value("cpu", nlohmann::json());
  field<std::string>(cpu, "brand", file, "field 'cpu'");
  field<std::string>(cpu, "microarchitecture", file, "field 'cpu'");
  field<std::string>(info.value("build", nlohmann::json()), "compiler", file, "field 'build'");
}

std::string usable_features(const ResultsDir& r) {
  std::string out;
  const nlohmann::json& f = r.info.value("features", nlohmann::json::array());
  if (!f.is_array()) return "unknown";
  for (const nlohmann::json& e : f)
    if (e.is_object() && e.value("detected", false) && !e.value("disabled", false)) {
      if (!out.empty()) out += ',';
      out += e.value("name", "?");
    }
  return out.empty() ? "none" : out;
}

}  // namespace

std::string gtest_skip_reason(const nlohmann::json& test) {
  const auto text = [](const nlohmann::json& j, const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
  };
  const std::string message = text(test.value("skipped", nlohmann::json::object()), "message");
  return message.empty() ? text(test, "skip_reason") : message;
}

nlohmann::json read_json(const path& file) {
  if (std::filesystem::is_directory(file))
    throw ResultsError(fmt::format("{}: is a directory, expected a JSON file", file.string()));
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ResultsError(fmt::format("{}: cannot be read (missing or unreadable)", file.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  if (ss.str().empty()) throw ResultsError(fmt::format("{}: is empty (a truncated or interrupted run?)", file.string()));
  try {
    return nlohmann::json::parse(null_non_finite(ss.str()));
  } catch (const nlohmann::json::exception& e) {
    throw ResultsError(fmt::format("{}: not valid JSON ({})", file.string(), e.what()));
  }
}

std::optional<double> Benchmark::param(const std::string& key) const {
  const auto it = params.find(key);
  if (it == params.end()) return std::nullopt;
  try {
    std::size_t used = 0;
    const double v = std::stod(it->second, &used);
    if (used != it->second.size() || !std::isfinite(v)) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void ResultsDir::index() {
  first_failure_.clear();
  implementation_.clear();
  for (std::size_t i = 0; i < tests.size(); ++i)
    if (tests[i].status == "fail") first_failure_.try_emplace(tests[i].implementation, i);
  for (std::size_t i = 0; i < implementations.size(); ++i) implementation_.try_emplace(implementations[i].name, i);
}

const TestOutcome* ResultsDir::first_failure(const std::string& implementation_name) const {
  const auto it = first_failure_.find(implementation_name);
  return it == first_failure_.end() ? nullptr : &tests[it->second];
}

const ImplementationInfo* ResultsDir::implementation(const std::string& name) const {
  const auto it = implementation_.find(name);
  return it == implementation_.end() ? nullptr : &implementations[it->second];
}

std::string ResultsDir::info_text(const std::string& dotted, const std::string& fallback) const {
  const nlohmann::json* j = &info;
  std::stringstream ss(dotted);
  for (std::string key; std::getline(ss, key, '.');) {
    if (!j->is_object() || !j->contains(key)) return fallback;
    j = &(*j)[key];
  }
  if (j->is_string()) return j->get<std::string>();
  if (j->is_number() || j->is_boolean()) return j->dump();
  return fallback;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

ResultsDir load(const path& dir) {
  if (!std::filesystem::is_directory(dir))
    throw ResultsError(fmt::format("{}: not a results directory (it does not exist or is not a directory)", dir.string()));
  require_complete(dir);
  ResultsDir r;
  r.path = dir;
  r.info = read_json(dir / "info.json");
  check_info(r.info, dir / "info.json");
  r.implementations = load_implementations(r.info, dir / "info.json");
  r.tests = load_conformance(dir / "conformance.json", r.conformance_level);
  r.benchmarks = load_bench(dir / "bench.json", r.context);
  r.index();
  for (Benchmark& b : r.benchmarks) b.peer = r.implementation(b.implementation) == nullptr;
  return r;
}

std::vector<std::string> machine_differences(const ResultsDir& a, const ResultsDir& b) {
  std::vector<std::string> out;
  const auto compare = [&](const std::string& what, const std::string& x, const std::string& y) {
    if (x != y) out.push_back(fmt::format("{}: '{}' vs '{}'", what, x, y));
  };
  compare("CPU brand", a.info_text("cpu.brand"), b.info_text("cpu.brand"));
  compare("microarchitecture", a.info_text("cpu.microarchitecture"), b.info_text("cpu.microarchitecture"));
  compare("usable features", usable_features(a), usable_features(b));
  compare("compiler", a.info_text("build.compiler"), b.info_text("build.compiler"));
  compare("build flags", a.info_text("build.base_flags"), b.info_text("build.base_flags"));
  return out;
}

}  // namespace maskbench::results
