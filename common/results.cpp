#include "results.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>

#include <fmt/format.h>

#include "gtest_json.hpp"
#include "incomplete.hpp"
#include "json_fields.hpp"
#include "maskbench/json_input.hpp"

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


using input::Field;
using input::kOptional;
using input::kRequired;
using input::Node;

double to_ns(double t, const std::string& unit) {
  if (unit == "us") return t * 1e3;
  if (unit == "ms") return t * 1e6;
  if (unit == "s") return t * 1e9;
  return t;
}

constexpr const char* kNoImplementation = "(none)";

void split_name(Benchmark& b, const Node& where) {
  std::vector<std::string> parts;
  std::stringstream ss(b.name);
  for (std::string part; std::getline(ss, part, '/');) parts.push_back(part);
  // A machine probe of a family (e.g. taskvec/read_bandwidth/n:<bytes>) has
  // no implementation part.
  if (parts.size() >= 3 && parts[2].find(':') != std::string::npos) parts.insert(parts.begin() + 2, kNoImplementation);
  if (parts.size() < 3 || parts[0].empty() || parts[1].empty() || parts[2].empty())
    where.refuse("<family>/<kernel>/<implementation>[/<param>:<value>...]");
  b.family = parts[0];
  b.kernel = parts[1];
  b.implementation = parts[2];
  // Parts without a colon are Google Benchmark's own suffixes (real_time, ...).
  for (std::size_t i = 3; i < parts.size(); ++i)
    if (const auto colon = parts[i].find(':'); colon != std::string::npos)
      b.params[parts[i].substr(0, colon)] = parts[i].substr(colon + 1);
}

// What identifies a row of bench.json, read before anything else: an
// aggregate row (mean, cv, ...) is skipped, and may hold NaN, and an errored
// row holds no measurement.
struct RowId {
  std::string name, run_type = "iteration";
  std::optional<Node> run_name;  // where the name to group repetitions by is, if not `name`
  bool error_occurred = false;
  std::string error_message = "skipped";
};

constexpr Field<RowId> kRowIdFields[] = {
    {"name", kRequired, "a string", [](const Node& v, RowId& r) { r.name = v.text(); }},
    {"run_type", kOptional, "", [](const Node& v, RowId& r) { r.run_type = v.text(); }},
    {"run_name", kOptional, "", [](const Node& v, RowId& r) {
       v.text();
       r.run_name = v;
     }},
    {"error_occurred", kOptional, "", [](const Node& v, RowId& r) { r.error_occurred = v.flag(); }},
    {"error_message", kOptional, "", [](const Node& v, RowId& r) { r.error_message = v.text(); }},
};

struct Measurement {
  std::string label, time_unit = "ns";
  std::optional<double> items_per_second, bytes_per_second;
  double real_time = 0, cpu_time = 0;
};

constexpr Field<Measurement> kMeasurementFields[] = {
    {"label", kOptional, "", [](const Node& v, Measurement& m) { m.label = v.text(); }},
    {"time_unit", kOptional, "", [](const Node& v, Measurement& m) { m.time_unit = v.one_of({"ns", "us", "ms", "s"}); }},
    {"items_per_second", kOptional, "", [](const Node& v, Measurement& m) { m.items_per_second = v.rate(); }},
    {"bytes_per_second", kOptional, "", [](const Node& v, Measurement& m) { m.bytes_per_second = v.rate(); }},
    {"real_time", kRequired, "a time", [](const Node& v, Measurement& m) { m.real_time = v.measurement(); }},
    {"cpu_time", kRequired, "a time", [](const Node& v, Measurement& m) { m.cpu_time = v.measurement(); }},
};

std::vector<Benchmark> load_bench(const path& file, nlohmann::json& context) {
  const nlohmann::json j = read_json(file, kBenchJson);
  if (!j.is_object() || !j.contains("benchmarks"))
    throw ResultsError(fmt::format("{}: not a Google Benchmark JSON file (expected an object with a benchmarks array)",
                                   file.string()));
  const std::string where = file.string();
  const Node doc(j, where);
  if (const std::optional<Node> c = doc.find("context")) {
    c->require_object();
    context = c->json();
  } else {
    context = nlohmann::json::object();
  }
  std::vector<Benchmark> out;
  std::map<std::string, std::size_t> index;
  doc.at("benchmarks", "an array").each([&](const Node& row) {
    RowId id;
    input::read_fields(row, kRowIdFields, id);
    if (id.run_type != "iteration") return;
    const std::string run_name = id.run_name ? id.run_name->text() : id.name;
    auto [it, fresh] = index.try_emplace(run_name, out.size());
    if (fresh) {
      out.emplace_back();
      out.back().name = run_name;
      split_name(out.back(), id.run_name ? *id.run_name : *row.find("name"));
    }
    Benchmark& b = out[it->second];
    if (id.error_occurred) {
      b.skipped = true;
      b.skip_reason = id.error_message;
      return;
    }
    Measurement m;
    input::read_fields(row, kMeasurementFields, m);
    const auto space = m.label.find(' ');
    b.label = m.label.substr(0, space);
    b.label_note = space == std::string::npos ? "" : m.label.substr(space + 1);
    if (m.items_per_second) b.items_per_second.push_back(*m.items_per_second);
    if (m.bytes_per_second) b.bytes_per_second.push_back(*m.bytes_per_second);
    b.real_time_ns.push_back(to_ns(m.real_time, m.time_unit));
    b.cpu_time_ns.push_back(to_ns(m.cpu_time, m.time_unit));
  });
  return out;
}

// GoogleTest's failure text is "file:line\n<assertion>\n<message>": all of it
// matters, on one line, cut where a table cell would overflow.
std::string one_line(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s.size() > 400 ? s.substr(0, 400) + "..." : s;
}

std::vector<TestOutcome> load_conformance(const path& file, std::string& level) {
  const gtest::Document d = gtest::read(read_json(file, kConformanceJson), file.string());
  level = d.maskbench_level;
  std::vector<TestOutcome> out;
  for (const gtest::Suite& suite : d.suites)
    for (const gtest::Test& t : suite.tests) {
      // Parameterized names are Impl/<Fixture> and <Test>/<impl with _ for ->.
      TestOutcome o;
      const auto slash = t.name.rfind('/');
      o.kernel_test = suite.name.substr(suite.name.find('/') + 1) + "." + t.name.substr(0, slash);
      o.implementation = slash == std::string::npos ? "" : t.name.substr(slash + 1);
      std::replace(o.implementation.begin(), o.implementation.end(), '_', '-');
      if (!t.failures.empty()) {
        o.status = "fail";
        o.message = one_line(t.failures.front());
      } else if (t.skipped()) {
        o.status = "skip";
        o.message = one_line(t.skip_reason);
      } else {
        o.status = "pass";
      }
      out.push_back(std::move(o));
    }
  return out;
}

constexpr Field<ImplementationInfo> kImplementationFields[] = {
    {"name", kRequired, "a string", [](const Node& v, ImplementationInfo& i) { i.name = v.text(); }},
    {"runnable", kRequired, "true or false", [](const Node& v, ImplementationInfo& i) { i.runnable = v.flag(); }},
    {"requires", kOptional, "", [](const Node& v, ImplementationInfo& i) { i.requires_features = v.text(); }},
    {"reason", kOptional, "", [](const Node& v, ImplementationInfo& i) { i.reason = v.text(); }},
};

// The parts of info.json that the readers rely on beyond the
// implementations; the rest is shown as "unknown" where absent or odd.
struct InfoChecked {};

constexpr Field<InfoChecked> kCpuFields[] = {
    {"brand", kRequired, "a string", [](const Node& v, InfoChecked&) { v.text(); }},
    {"microarchitecture", kRequired, "a string", [](const Node& v, InfoChecked&) { v.text(); }},
};
constexpr Field<InfoChecked> kBuildFields[] = {
    {"compiler", kRequired, "a string", [](const Node& v, InfoChecked&) { v.text(); }},
    {"base_flags", kOptional, "", [](const Node& v, InfoChecked&) { v.text(); }},
};
constexpr Field<InfoChecked> kFeatureFields[] = {
    {"name", kRequired, "a string", [](const Node& v, InfoChecked&) { v.text(); }},
    {"detected", kOptional, "", [](const Node& v, InfoChecked&) { v.flag(); }},
    {"disabled", kOptional, "", [](const Node& v, InfoChecked&) { v.flag(); }},
};
constexpr Field<InfoChecked> kInfoFields[] = {
    {"cpu", kRequired, "an object", [](const Node& v, InfoChecked& c) { input::read_fields(v, kCpuFields, c); }},
    {"build", kRequired, "an object", [](const Node& v, InfoChecked& c) { input::read_fields(v, kBuildFields, c); }},
    {"features", kOptional, "",
     [](const Node& v, InfoChecked& c) { v.each([&](const Node& f) { input::read_fields(f, kFeatureFields, c); }); }},
};

std::vector<ImplementationInfo> load_info(const nlohmann::json& info, const path& file) {
  const std::string where = file.string();
  const Node doc(info, where);
  const std::optional<Node> schema = info.is_object() ? doc.find("schema") : std::nullopt;
  if (!schema || !schema->json().is_string() || schema->json().get<std::string>() != "maskbench-info/1")
    throw ResultsError(fmt::format("{}: not a maskbench info file (schema is {}, expected \"maskbench-info/1\")", where,
                                   schema ? schema->describe() : "missing"));
  InfoChecked checked;
  input::read_fields(doc, kInfoFields, checked);
  std::vector<ImplementationInfo> out;
  doc.at("implementations", "an array").each([&](const Node& e) {
    ImplementationInfo i;
    input::read_fields(e, kImplementationFields, i);
    out.push_back(std::move(i));
  });
  return out;
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

nlohmann::json read_json(const path& file, const FileKind& kind) {
  const std::string text = input::read_file(file, kind.what, input::cap_bytes(kind.cap_mib));
  if (text.empty()) throw ResultsError(fmt::format("{}: is empty (a truncated or interrupted run?)", file.string()));
  return input::parse_json(null_non_finite(text), file.string());
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
  known_defect_.clear();
  for (std::size_t i = 0; i < tests.size(); ++i) {
    if (tests[i].status == "fail") first_failure_.try_emplace(tests[i].implementation, i);
    if (tests[i].known_defect()) known_defect_.insert(tests[i].implementation);
  }
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
  r.info = read_json(dir / "info.json", kInfoJson);
  r.implementations = load_info(r.info, dir / "info.json");
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
