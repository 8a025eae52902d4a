#include "results.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

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

void split_name(Benchmark& b, const Node& where) {
  std::string problem;
  if (!fill_name_parts(b, &problem)) where.refuse(fmt::format("{} ({})", schema::kNameGrammar, problem));
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
  schema::Label label;
  std::string time_unit = "ns";
  std::optional<double> items_per_second, bytes_per_second;
  double real_time = 0, cpu_time = 0;
  std::optional<double> iterations;
};

constexpr Field<Measurement> kMeasurementFields[] = {
    {"label", kOptional, "",
     [](const Node& v, Measurement& m) {
       std::string problem;
       const std::optional<schema::Label> l = schema::parse_label(v.text(), &problem);
       if (!l) v.refuse(fmt::format("{} ({})", schema::kLabelGrammar, problem));
       m.label = *l;
     }},
    {"time_unit", kOptional, "", [](const Node& v, Measurement& m) { m.time_unit = v.one_of({"ns", "us", "ms", "s"}); }},
    {"items_per_second", kOptional, "", [](const Node& v, Measurement& m) { m.items_per_second = v.rate(); }},
    {"bytes_per_second", kOptional, "", [](const Node& v, Measurement& m) { m.bytes_per_second = v.rate(); }},
    {"real_time", kRequired, "a time", [](const Node& v, Measurement& m) { m.real_time = v.measurement(); }},
    {"cpu_time", kRequired, "a time", [](const Node& v, Measurement& m) { m.cpu_time = v.measurement(); }},
    {"iterations", kOptional, "", [](const Node& v, Measurement& m) { m.iterations = v.measurement(); }},
};

// The run's minimum time per repetition in ns, where bench.json records it.
std::optional<double> min_time_ns(const Node& context) {
  const std::optional<Node> v = context.find(schema::context::kMinTime);
  if (!v) return std::nullopt;
  std::string text = v->text();
  if (text.ends_with('s')) text.pop_back();  // Google Benchmark 1.8 spells it "0.01s"
  char* end = nullptr;
  const double s = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !(s > 0 && s <= 3600)) v->refuse("seconds in (0, 3600]");
  return s * 1e9;
}

std::vector<Benchmark> load_bench(const path& file, nlohmann::json& context) {
  const nlohmann::json j = read_json(file, kBenchJson);
  if (!j.is_object() || !j.contains("benchmarks"))
    throw ResultsError(fmt::format("{}: not a Google Benchmark JSON file (expected an object with a benchmarks array)",
                                   file.string()));
  const std::string where = file.string();
  const Node doc(j, where);
  std::optional<double> min_time;
  if (const std::optional<Node> c = doc.find("context")) {
    c->require_object();
    min_time = min_time_ns(*c);
    // Without the tag: written before it existed, in version 1's format.
    if (const std::optional<Node> tag = c->find(schema::kSchemaContextKey))
      input::schema_version(*tag, schema::Document::bench);
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
    b.level = m.label.level;
    b.label_fields = m.label.fields;
    const double cpu_ns = to_ns(m.cpu_time, m.time_unit);
    if (m.iterations && min_time && schema::under_iterated(*m.iterations, cpu_ns, *min_time)) {
      ++b.under_iterated;
      return;
    }
    if (m.items_per_second) b.items_per_second.push_back(*m.items_per_second);
    if (m.bytes_per_second) b.bytes_per_second.push_back(*m.bytes_per_second);
    b.real_time_ns.push_back(to_ns(m.real_time, m.time_unit));
    b.cpu_time_ns.push_back(cpu_ns);
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
      // Parameterized suites are named Impl/<Fixture>, their tests schema::test_name_suffix.
      TestOutcome o;
      o.kernel_test = suite.name.substr(suite.name.find('/') + 1) + "." + t.name.substr(0, t.name.rfind('/'));
      o.implementation = schema::implementation_of_test(t.name);
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

namespace key = schema::info;

constexpr Field<ImplementationInfo> kImplementationFields[] = {
    {key::kName, kRequired, "a string", [](const Node& v, ImplementationInfo& i) { i.name = v.text(); }},
    {key::kRunnable, kRequired, "true or false", [](const Node& v, ImplementationInfo& i) { i.runnable = v.flag(); }},
    {key::kRequires, kOptional, "", [](const Node& v, ImplementationInfo& i) { i.requires_features = v.text(); }},
    {key::kReason, kOptional, "", [](const Node& v, ImplementationInfo& i) { i.reason = v.text(); }},
    {key::kKind, kOptional, "", [](const Node& v, ImplementationInfo& i) { i.kind = v.text(); }},
};

// The parts of info.json that the readers rely on beyond the
// implementations; the rest is shown as "unknown" where absent or odd.
struct InfoChecked {};

constexpr Field<InfoChecked> kCpuFields[] = {
    {key::kBrand, kRequired, "a string", [](const Node& v, InfoChecked&) { v.text(); }},
    {key::kMicroarchitecture, kRequired, "a string", [](const Node& v, InfoChecked&) { v.text(); }},
};
constexpr Field<InfoChecked> kBuildFields[] = {
    {key::kCompiler, kRequired, "a string", [](const Node& v, InfoChecked&) { v.text(); }},
    {key::kBaseFlags, kOptional, "", [](const Node& v, InfoChecked&) { v.text(); }},
};
constexpr Field<InfoChecked> kFeatureFields[] = {
    {key::kName, kRequired, "a string", [](const Node& v, InfoChecked&) { v.text(); }},
    {key::kDetected, kOptional, "", [](const Node& v, InfoChecked&) { v.flag(); }},
    {key::kDisabled, kOptional, "", [](const Node& v, InfoChecked&) { v.flag(); }},
};
constexpr Field<InfoChecked> kInfoFields[] = {
    {key::kCpu, kRequired, "an object", [](const Node& v, InfoChecked& c) { input::read_fields(v, kCpuFields, c); }},
    {key::kBuild, kRequired, "an object", [](const Node& v, InfoChecked& c) { input::read_fields(v, kBuildFields, c); }},
    {key::kFeatures, kOptional, "",
     [](const Node& v, InfoChecked& c) { v.each([&](const Node& f) { input::read_fields(f, kFeatureFields, c); }); }},
};

std::vector<ImplementationInfo> load_info(const nlohmann::json& info, const path& file) {
  const std::string where = file.string();
  const Node doc(info, where);
  const std::optional<Node> tag = info.is_object() ? doc.find(schema::kSchemaMember) : std::nullopt;
  if (!tag || !tag->json().is_string() || !tag->text().starts_with("maskbench-info/"))
    throw ResultsError(fmt::format("{}: not a maskbench info file ({} is {}, expected {})", where, schema::kSchemaMember,
                                   tag ? tag->describe() : "missing", schema::expected_tag(schema::Document::info)));
  input::schema_version(*tag, schema::Document::info);
  InfoChecked checked;
  input::read_fields(doc, kInfoFields, checked);
  std::vector<ImplementationInfo> out;
  doc.at(key::kImplementations, "an array").each([&](const Node& e) {
    ImplementationInfo i;
    input::read_fields(e, kImplementationFields, i);
    out.push_back(std::move(i));
  });
  return out;
}

}  // namespace

std::string usable_features(const ResultsDir& r) {
  std::string out;
  const nlohmann::json& f = r.info.value(key::kFeatures, nlohmann::json::array());
  if (!f.is_array()) return "unknown";
  for (const nlohmann::json& e : f)
    if (e.is_object() && e.value(key::kDetected, false) && !e.value(key::kDisabled, false)) {
      if (!out.empty()) out += ',';
      out += e.value(key::kName, "?");
    }
  return out.empty() ? "none" : out;
}

bool fill_name_parts(Benchmark& b, std::string* problem) {
  const std::optional<schema::Name> n = schema::parse_name(b.name, problem);
  if (!n) return false;
  b.family = n->family;
  b.kernel = n->kernel;
  b.implementation = n->implementation.empty() ? kNoImplementation : n->implementation;
  b.params.clear();
  b.params.insert(n->args.begin(), n->args.end());
  return true;
}

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

std::string ResultsDir::info_text(std::initializer_list<const char*> members, const std::string& fallback) const {
  const nlohmann::json* j = &info;
  for (const char* m : members) {
    if (!j->is_object() || !j->contains(m)) return fallback;
    j = &(*j)[m];
  }
  if (j->is_string()) return j->get<std::string>();
  if (j->is_number() || j->is_boolean()) return j->dump();
  return fallback;
}

namespace {

// The mix's counts, each a non-negative integer.
constexpr const char* kMixCounts[] = {"instructions", "vector", "mask", "blend", "compress_register", "compress_memory",
                                      "expand", "gather", "scatter", "fma", "scalar_ops", "loads", "stores"};
constexpr std::size_t kMaxLoopLines = 1000;

std::uint64_t count_of(const Node& v) {
  if (!v.json().is_number_unsigned() || v.json().get<std::uint64_t>() > 1'000'000) v.refuse("a count from 0 to 1000000");
  return v.json().get<std::uint64_t>();
}

// A CPU model's name as llvm-mca's -mcpu takes it.
std::string model_name(const Node& v) {
  const std::string s = v.text();
  const bool ok = !s.empty() && s.size() <= 40 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
  if (!ok) v.refuse("a CPU model name (1 to 40 of a-z, 0-9, '-', '_')");
  return s;
}

constexpr std::size_t kMaxModels = 32;

constexpr Field<Prediction> kPredictionFields[] = {
    {"model", kRequired, "a CPU model name", [](const Node& v, Prediction& p) { p.model = model_name(v); }},
    {"cycles_per_iteration", kOptional, "",
     [](const Node& v, Prediction& p) {
       const double c = v.measurement();
       if (c > 1e6) v.refuse("cycles per iteration from 1e-09 to 1e6");
       p.cycles_per_iteration = c;
     }},
    {"error", kOptional, "", [](const Node& v, Prediction& p) { p.error = v.text(); }},
};

constexpr Field<McaModel> kMcaModelFields[] = {
    {"name", kRequired, "a CPU model name", [](const Node& v, McaModel& m) { m.name = model_name(v); }},
    {"has_avx512", kOptional, "", [](const Node& v, McaModel& m) { m.avx512 = v.flag(); }},
    {"host", kOptional, "", [](const Node& v, McaModel& m) { m.host = v.flag(); }},
};

constexpr Field<Mca> kMcaFields[] = {
    {"skipped", kOptional, "", [](const Node& v, Mca& m) { m.skipped = v.text(); }},
    {"tool", kOptional, "", [](const Node& v, Mca& m) { m.tool = v.text(); }},
    {"models", kOptional, "",
     [](const Node& v, Mca& m) {
       if (v.json().is_array() && v.json().size() > kMaxModels) v.refuse("at most 32 models");
       v.each([&](const Node& e) {
         McaModel one;
         input::read_fields(e, kMcaModelFields, one);
         m.models.push_back(std::move(one));
       });
     }},
    {"clock_ghz", kOptional, "",
     [](const Node& v, Mca& m) {
       if (!v.json().is_number() || !std::isfinite(v.json().get<double>()) || v.json().get<double>() < 0 ||
           v.json().get<double>() > 100)
         v.refuse("a clock in GHz from 0 to 100");
       m.clock_ghz = v.json().get<double>();
     }},
};

constexpr Field<HotLoop> kLoopFields[] = {
    {"function", kRequired, "a string", [](const Node& v, HotLoop& h) { h.function = v.text(); }},
    {"instructions", kRequired, "an array of strings",
     [](const Node& v, HotLoop& h) {
       if (v.json().is_array() && v.json().size() > kMaxLoopLines) v.refuse("at most 1000 instructions");
       v.each([&](const Node& i) { h.instructions.push_back(i.text()); });
     }},
    {"mix", kRequired, "an object",
     [](const Node& v, HotLoop& h) {
       v.require_object();
       for (const char* k : kMixCounts)
         if (const std::optional<Node> c = v.find(k)) h.mix[k] = count_of(*c);
       if (const std::optional<Node> w = v.find("width")) h.width = w->one_of({"zmm", "ymm", "xmm", ""});
     }},
    {"stride_bytes", kOptional, "",
     [](const Node& v, HotLoop& h) {
       if (v.json().is_null()) return;
       if (!v.json().is_number_unsigned() || v.json().get<std::uint64_t>() == 0 ||
           v.json().get<std::uint64_t>() > (std::uint64_t{1} << 20))
         v.refuse("null or a stride from 1 to 1048576 bytes");
       h.stride_bytes = v.json().get<std::uint64_t>();
     }},
    {"predictions", kOptional, "",
     [](const Node& v, HotLoop& h) {
       if (v.json().is_array() && v.json().size() > kMaxModels) v.refuse("at most 32 predictions");
       v.each([&](const Node& e) {
         Prediction p;
         input::read_fields(e, kPredictionFields, p);
         h.predictions.push_back(std::move(p));
       });
     }},
};
constexpr Field<HotLoop> kHotLoopFields[] = {
    {"implementation", kRequired, "a string", [](const Node& v, HotLoop& h) { h.implementation = v.text(); }},
    {"family", kRequired, "a string", [](const Node& v, HotLoop& h) { h.family = v.text(); }},
    {"benchmark", kRequired, "a string", [](const Node& v, HotLoop& h) { h.benchmark = v.text(); }},
    {"symbol", kOptional, "", [](const Node& v, HotLoop& h) { h.symbol = v.text(); }},
    {"why", kOptional, "", [](const Node& v, HotLoop& h) { h.why = v.text(); }},
    {"loop", kRequired, "an object or null",
     [](const Node& v, HotLoop& h) {
       if (v.json().is_null()) return;
       input::read_fields(v, kLoopFields, h);
       h.has_loop = true;
     }},
};

// disasm.json, where the directory has one: absent is not an error (the
// run had no binutils, or predates it), malformed is.
void load_disasm(const path& file, ResultsDir& r) {
  std::error_code ec;
  r.mca.skipped = "no disasm.json in the directory";
  if (!std::filesystem::exists(std::filesystem::symlink_status(file, ec))) return;
  const nlohmann::json doc = read_json(file, kDisasmJson);
  const std::string where = file.string();
  const Node root(doc, where);
  root.require_object();
  input::schema_version(root.at(schema::kSchemaMember, schema::expected_tag(schema::Document::disasm)),
                        schema::Document::disasm);
  if (const std::optional<Node> t = root.find("objdump")) r.disasm_tool = t->text();
  r.mca.skipped = "disasm.json was written without llvm-mca's predictions";
  if (const std::optional<Node> m = root.find("mca")) {
    r.mca.skipped.clear();
    input::read_fields(*m, kMcaFields, r.mca);
    if (r.mca.skipped.empty() && r.mca.models.empty()) m->missing("models", "the models predicted for, or skipped");
  }
  root.at("entries", "an array").each([&](const Node& e) {
    HotLoop h;
    input::read_fields(e, kHotLoopFields, h);
    r.hot_loops.push_back(std::move(h));
  });
}

}  // namespace

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
  load_disasm(dir / "disasm.json", r);
  r.index();
  for (Benchmark& b : r.benchmarks) b.peer = r.implementation(b.implementation) == nullptr;
  return r;
}

std::vector<std::string> machine_differences(const ResultsDir& a, const ResultsDir& b) {
  std::vector<std::string> out;
  const auto compare = [&](const std::string& what, const std::string& x, const std::string& y) {
    if (x != y) out.push_back(fmt::format("{}: '{}' vs '{}'", what, x, y));
  };
  const auto field = [&](const char* what, std::initializer_list<const char*> members) {
    compare(what, a.info_text(members), b.info_text(members));
  };
  field("CPU brand", {key::kCpu, key::kBrand});
  field("microarchitecture", {key::kCpu, key::kMicroarchitecture});
  compare("usable features", usable_features(a), usable_features(b));
  field("compiler", {key::kBuild, key::kCompiler});
  field("build flags", {key::kBuild, key::kBaseFlags});
  field("architecture", {key::kCpu, "architecture"});
  return out;
}

std::vector<std::string> condition_differences(const ResultsDir& a, const ResultsDir& b) {
  std::vector<std::string> out;
  const auto compare = [&](const std::string& what, const std::string& x, const std::string& y) {
    if (x != y) out.push_back(fmt::format("{}: '{}' vs '{}'", what, x, y));
  };
  const auto context = [](const ResultsDir& r, const char* k) {
    const auto it = r.context.is_object() ? r.context.find(k) : r.context.end();
    return it != r.context.end() && it->is_string() ? it->get<std::string>() : std::string("(not recorded)");
  };
  compare("benchmark mode", context(a, schema::context::kMode), context(b, schema::context::kMode));
  compare("minimum time per repetition (s)", context(a, schema::context::kMinTime), context(b, schema::context::kMinTime));
  compare("pinning", context(a, schema::context::kPinning), context(b, schema::context::kPinning));
  compare("MASKBENCH_DISABLE", a.info_text({"maskbench_disable"}, "not set"), b.info_text({"maskbench_disable"}, "not set"));
  compare("conformance level", a.conformance_level, b.conformance_level);
  return out;
}

}  // namespace maskbench::results
