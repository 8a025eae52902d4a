#include "paired_gate.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "maskbench/json_input.hpp"
#include "schema.hpp"
#include "paired_stats.hpp"
#include "stats.hpp"

namespace maskbench::paired {
namespace {

using input::InputError;
using std::filesystem::path;

constexpr std::uint64_t kSampleCapMib = 256;

// Google Benchmark writes a non-finite number as a bare NaN or inf, which is
// not JSON. Outside strings those tokens become null, so that the file
// parses and the field holding one is refused by its JSON path.
// (The same conversion as results.cpp's null_non_finite, which is private
// there: the two should become one function of the input layer, io/.)
std::string null_non_finite(const std::string& text) {
  static const char* const kTokens[] = {"-Infinity", "Infinity", "-NaN", "NaN", "-nan", "nan", "-inf", "inf"};
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (std::size_t i = 0; i < text.size();) {
    if (in_string) {
      if (text[i] == '\\' && i + 1 < text.size()) out += text[i++];
      else if (text[i] == '"') in_string = false;
      out += text[i++];
      continue;
    }
    in_string = text[i] == '"';
    const auto* token = std::find_if(std::begin(kTokens), std::end(kTokens),
                                     [&](const char* t) { return text.compare(i, std::strlen(t), t) == 0; });
    if (token != std::end(kTokens)) {
      out += "null";
      i += std::strlen(*token);
    } else {
      out += text[i++];
    }
  }
  return out;
}

nlohmann::json read_json(const path& file, std::string_view what) {
  const std::string text = input::read_file(file, what, input::cap_bytes(kSampleCapMib));
  if (text.empty()) throw InputError(fmt::format("{}: is empty, expected {}", file.string(), what));
  return input::parse_json(null_non_finite(text), file.string());
}

// A member of an object, or null where absent or not an object.
const nlohmann::json* member(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) ? &j.at(key) : nullptr;
}

std::string text_field(const nlohmann::json& j, const char* key, const path& file, const std::string& where, bool required) {
  const nlohmann::json* v = member(j, key);
  if (v == nullptr) {
    if (required) throw InputError(fmt::format("{}: {}.{} is missing, expected a string", file.string(), where, key));
    return {};
  }
  if (!v->is_string()) throw InputError(fmt::format("{}: {}.{} is not a string", file.string(), where, key));
  return v->get<std::string>();
}

// A benchmark name goes into a filter line, Markdown and a terminal: no
// control characters.
std::string name_field(const nlohmann::json& row, const char* key, const path& file, const std::string& where, bool required) {
  std::string name = text_field(row, key, file, where, required);
  if (required && name.empty()) throw InputError(fmt::format("{}: {}.{} is empty, expected a benchmark name", file.string(), where, key));
  if (std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    throw InputError(fmt::format("{}: {}.{} contains a control character, expected a benchmark name", file.string(), where, key));
  return name;
}

// A schema tag (schema.hpp) where `object` has one; absent, the file was
// written before the tag existed, in version 1's format.
void require_accepted_tag(const nlohmann::json& object, const char* key, schema::Document document, const path& file,
                          std::string_view where) {
  const nlohmann::json* tag = member(object, key);
  if (tag != nullptr && !(tag->is_string() && schema::accepted_version(document, tag->get<std::string>())))
    throw InputError(fmt::format("{}: {}{} is {}, expected {}", file.string(), where, key,
                                 tag->dump(-1, ' ', true, nlohmann::json::error_handler_t::replace),
                                 schema::expected_tag(document)));
}

double time_ns(const nlohmann::json& row, const path& file, const std::string& where) {
  const nlohmann::json* v = member(row, "cpu_time");
  if (v == nullptr) throw InputError(fmt::format("{}: {}.cpu_time is missing, expected a positive number", file.string(), where));
  if (v->is_null()) throw InputError(fmt::format("{}: {}.cpu_time is NaN or infinite, expected a positive number", file.string(), where));
  if (!v->is_number()) throw InputError(fmt::format("{}: {}.cpu_time is not a number", file.string(), where));
  const double t = v->get<double>();
  if (!std::isfinite(t) || t <= 0)
    throw InputError(fmt::format("{}: {}.cpu_time is {}, expected a positive number", file.string(), where, t));
  const std::string unit = text_field(row, "time_unit", file, where, false);
  static const std::pair<const char*, double> kUnits[] = {{"", 1.0}, {"ns", 1.0}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
  for (const auto& [u, scale] : kUnits)
    if (unit == u) return t * scale;
  throw InputError(fmt::format("{}: {}.time_unit is '{}', expected ns, us, ms or s", file.string(), where, unit));
}

// The repetition's iteration count, where the row has one.
std::optional<double> iterations(const nlohmann::json& row, const path& file, const std::string& where) {
  const nlohmann::json* v = member(row, "iterations");
  if (v == nullptr) return std::nullopt;
  if (!v->is_number() || !(v->get<double>() >= 1))
    throw InputError(fmt::format("{}: {}.iterations is {}, expected a positive integer", file.string(), where,
                                 v->dump(-1, ' ', true, nlohmann::json::error_handler_t::replace)));
  return v->get<double>();
}

// gate-run.json's min_time_s, absent in records written before it was.
std::optional<double> min_time_ns(const nlohmann::json& run, const path& file) {
  const nlohmann::json* v = member(run, "min_time_s");
  if (v == nullptr) return std::nullopt;
  if (!v->is_number() || !(v->get<double>() > 0 && v->get<double>() <= 3600))
    throw InputError(fmt::format("{}: $.min_time_s is {}, expected seconds in (0, 3600]", file.string(),
                                 v->dump(-1, ' ', true, nlohmann::json::error_handler_t::replace)));
  return v->get<double>() * 1e9;
}

struct SampleName {
  bool current = false;
  long long round = 0, chunk = 0;
};

// "<side>-r<round>-c<chunk>.json", any width of digits (at most 9).
std::optional<SampleName> parse_sample_name(const std::string& name) {
  SampleName s;
  std::string rest;
  if (name.starts_with("base-")) rest = name.substr(5);
  else if (name.starts_with("current-")) rest = name.substr(8), s.current = true;
  else return std::nullopt;
  const auto number = [&](char tag, long long& out) {
    if (rest.empty() || rest[0] != tag) return false;
    std::size_t i = 1;
    while (i < rest.size() && i <= 9 && std::isdigit(static_cast<unsigned char>(rest[i]))) ++i;
    if (i == 1 || (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i])))) return false;
    out = std::stoll(rest.substr(1, i - 1));
    rest = rest.substr(i);
    return true;
  };
  if (!number('r', s.round) || rest.empty() || rest[0] != '-') return std::nullopt;
  rest = rest.substr(1);
  if (!number('c', s.chunk) || rest != ".json") return std::nullopt;
  return s;
}

// What makes the two sides' measurements comparable: the same machine and
// compiler. Fields a base binary predating them does not write are skipped.
constexpr const char* kIdentity[] = {schema::context::kHostName,          schema::context::kNumCpus,
                                     schema::context::kCpuBrand,          schema::context::kMicroarchitecture,
                                     schema::context::kFeatures,          schema::context::kCompiler};

struct Bench {
  std::map<long long, std::vector<double>> side[2];  // round -> repetitions
  std::map<long long, long long> chunk_of[2];        // round -> chunk that measured it
};

std::vector<std::string> read_conformance(const path& file) {
  const nlohmann::json j = read_json(file, "GoogleTest JSON (conformance.json)");
  require_accepted_tag(j, schema::kSchemaProperty, schema::Document::conformance, file, "");
  const nlohmann::json* suites = member(j, "testsuites");
  if (suites == nullptr || !suites->is_array())
    throw InputError(fmt::format("{}: testsuites is missing or not an array, expected GoogleTest JSON", file.string()));
  std::vector<std::string> out;
  for (std::size_t s = 0; s < suites->size(); ++s) {
    const std::string where = fmt::format("testsuites[{}]", s);
    const nlohmann::json& suite = (*suites)[s];
    const std::string suite_name = text_field(suite, "name", file, where, true);
    const nlohmann::json* tests = member(suite, "testsuite");
    if (tests == nullptr) continue;
    if (!tests->is_array()) throw InputError(fmt::format("{}: {}.testsuite is not an array", file.string(), where));
    for (std::size_t t = 0; t < tests->size(); ++t) {
      const std::string at = fmt::format("{}.testsuite[{}]", where, t);
      const std::string name = text_field((*tests)[t], "name", file, at, true);
      const nlohmann::json* failures = member((*tests)[t], "failures");
      if (failures == nullptr) continue;
      if (!failures->is_array()) throw InputError(fmt::format("{}: {}.failures is not an array", file.string(), at));
      if (failures->empty()) continue;
      const std::string impl = schema::implementation_of_test(name);
      std::string message = text_field((*failures)[0], "failure", file, at + ".failures[0]", false);
      std::replace(message.begin(), message.end(), '\n', ' ');
      if (message.size() > 300) message = message.substr(0, 300) + "...";
      out.push_back(fmt::format("{}: {}.{}: {}", impl, suite_name, name, message));
    }
  }
  return out;
}

Spread spread(const std::map<long long, std::vector<double>>& rounds, const std::vector<long long>& paired_rounds) {
  Spread s;
  std::vector<double> values, within;
  for (long long r : paired_rounds) {
    const std::vector<double>& reps = rounds.at(r);
    std::vector<double> logs(reps.size());
    std::transform(reps.begin(), reps.end(), logs.begin(), [](double v) { return std::log(v); });
    values.push_back(*std::min_element(logs.begin(), logs.end()));
    if (logs.size() >= 3) within.push_back(paired_stats::robust_sd(logs));
  }
  s.between = paired_stats::robust_sd(values);
  if (!within.empty()) s.within = stats::median(within);
  return s;
}

}  // namespace

GateInput load_gate(const path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw InputError(fmt::format("{}: not a gate directory (it does not exist or is not a directory)", dir.string()));
  const path samples = dir / "samples";
  if (!std::filesystem::is_directory(samples, ec))
    throw InputError(fmt::format("{}: missing, expected the gate's samples directory", samples.string()));
  GateInput in;
  in.run = read_json(dir / "gate-run.json", "the gate's run record (gate-run.json)");
  if (text_field(in.run, "schema", dir / "gate-run.json", "$", true) != "maskbench-gate-run/1")
    throw InputError(fmt::format("{}: $.schema is not \"maskbench-gate-run/1\"", (dir / "gate-run.json").string()));
  for (const char* key : {"base_ref", "base_commit", "current_commit"})
    name_field(in.run, key, dir / "gate-run.json", "$", false);
  in.min_time_ns = min_time_ns(in.run, dir / "gate-run.json");
  in.conformance_failures = read_conformance(dir / "conformance.json");

  std::vector<std::pair<path, SampleName>> files;
  for (const auto& entry : std::filesystem::directory_iterator(samples, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(".")) continue;  // a writer's temporary
    const std::optional<SampleName> s = parse_sample_name(name);
    if (!s)
      throw InputError(fmt::format("{}: unexpected file name, expected base-r<round>-c<chunk>.json or current-r<round>-c<chunk>.json",
                                   entry.path().string()));
    files.emplace_back(entry.path(), *s);
  }
  if (ec) throw InputError(fmt::format("{}: cannot be listed ({})", samples.string(), ec.message()));
  if (files.empty()) throw InputError(fmt::format("{}: holds no sample files", samples.string()));
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  in.sample_files = files.size();

  std::unordered_map<std::string, Bench> benches;
  std::map<std::tuple<bool, long long, long long>, path> seen_files;
  std::map<std::string, std::string> identity[2];  // field -> value and the file it came from
  std::map<std::string, path> identity_file[2];
  for (const auto& [file, s] : files) {
    if (const auto [it, fresh] = seen_files.try_emplace({s.current, s.round, s.chunk}, file); !fresh)
      throw InputError(fmt::format("{}: the same side, round and chunk as {}", file.string(), it->second.string()));
    const nlohmann::json j = read_json(file, "Google Benchmark JSON");
    const nlohmann::json* rows = member(j, "benchmarks");
    if (rows == nullptr || !rows->is_array())
      throw InputError(fmt::format("{}: benchmarks is missing or not an array, expected Google Benchmark JSON", file.string()));
    const int side = s.current ? 1 : 0;
    if (const nlohmann::json* context = member(j, "context")) {
      // A base binary older than the tag writes none.
      require_accepted_tag(*context, schema::kSchemaContextKey, schema::Document::bench, file, "context.");
      for (const char* key : kIdentity)
        if (const nlohmann::json* v = member(*context, key)) {
          const std::string value = v->is_string() ? v->get<std::string>() : v->dump();
          const auto [it, fresh] = identity[side].try_emplace(key, value);
          identity_file[side].try_emplace(key, file);
          if (!fresh && it->second != value)
            throw InputError(fmt::format("{}: context.{} is '{}' where {} has '{}': one side ran on two machines or builds",
                                         file.string(), key, value, identity_file[side][key].string(), it->second));
        }
    }
    for (std::size_t k = 0; k < rows->size(); ++k) {
      const nlohmann::json& row = (*rows)[k];
      const std::string where = fmt::format("benchmarks[{}]", k);
      if (!row.is_object()) throw InputError(fmt::format("{}: {} is not an object", file.string(), where));
      std::string name = name_field(row, "name", file, where, true);
      const std::string run_type = text_field(row, "run_type", file, where, false);
      if (!run_type.empty() && run_type != "iteration") continue;
      std::string name_key = "name";
      if (const std::string run_name = name_field(row, "run_name", file, where, false); !run_name.empty()) {
        name = run_name;
        name_key = "run_name";
      }
      std::string problem;
      if (!schema::parse_name(name, &problem))
        throw InputError(fmt::format("{}: {}.{} is {}, expected {} ({})", file.string(), where, name_key,
                                     nlohmann::json(name).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace),
                                     schema::kNameGrammar, problem));
      if (const nlohmann::json* e = member(row, "error_occurred")) {
        if (!e->is_boolean()) throw InputError(fmt::format("{}: {}.error_occurred is not a boolean", file.string(), where));
        if (e->get<bool>()) continue;  // skipped on this side: measured nothing
      }
      const double t = time_ns(row, file, where);
      if (const std::optional<double> n = iterations(row, file, where); n && in.min_time_ns && schema::under_iterated(*n, t, *in.min_time_ns))
        ++in.under_iterated;
      Bench& b = benches[name];
      if (const auto [it, fresh] = b.chunk_of[side].try_emplace(s.round, s.chunk); !fresh && it->second != s.chunk)
        throw InputError(fmt::format("{}: {} '{}' was also measured in chunk {} of the same side and round", file.string(), where,
                                     name, it->second));
      b.side[side][s.round].push_back(t);
    }
  }
  for (const char* key : kIdentity)
    if (identity[0].contains(key) && identity[1].contains(key) && identity[0][key] != identity[1][key])
      in.machine_differences.push_back(fmt::format("{}: '{}' vs '{}'", key, identity[0][key], identity[1][key]));

  std::vector<std::string> names;
  names.reserve(benches.size());
  for (const auto& [name, b] : benches) names.push_back(name);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    const Bench& b = benches.at(name);
    if (b.side[1].empty()) { in.only_in_base.push_back(name); continue; }
    if (b.side[0].empty()) { in.only_in_current.push_back(name); continue; }
    Pairs p;
    p.name = name;
    p.family = schema::parse_name(name)->family;
    for (const auto& [round, reps] : b.side[0]) {
      const auto other = b.side[1].find(round);
      if (other == b.side[1].end()) continue;
      p.rounds.push_back(round);
      p.log_ratios.push_back(std::log(*std::min_element(other->second.begin(), other->second.end()) /
                                      *std::min_element(reps.begin(), reps.end())));
    }
    in.unpaired_samples += b.side[0].size() + b.side[1].size() - 2 * p.rounds.size();
    if (p.rounds.empty()) { in.unpaired.push_back(name); continue; }
    in.base_spread.push_back(spread(b.side[0], p.rounds));
    in.current_spread.push_back(spread(b.side[1], p.rounds));
    in.pairs.push_back(std::move(p));
  }
  return in;
}

}  // namespace maskbench::paired
