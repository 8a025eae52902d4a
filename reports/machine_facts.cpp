#include "machine_facts.hpp"

#include <fmt/format.h>

#include "machine_info.hpp"

namespace maskbench::report {
namespace {

namespace key = schema::info;

const nlohmann::json* at(const nlohmann::json& j, std::initializer_list<const char*> path) {
  const nlohmann::json* p = &j;
  for (const char* key : path) {
    if (!p->is_object() || !p->contains(key)) return nullptr;
    p = &(*p)[key];
  }
  return p;
}

std::string text(const nlohmann::json* j) {
  if (j == nullptr) return "unknown";
  if (j->is_string()) return j->get<std::string>();
  if (j->is_number() || j->is_boolean()) return j->dump();
  return "unknown";
}

std::string joined(const nlohmann::json* j, const std::string& separator) {
  if (j == nullptr || !j->is_array()) return "unknown";
  std::string out;
  for (const nlohmann::json& e : *j) out += (out.empty() ? "" : separator) + (e.is_number() ? fmt::format("{:.2f}", e.get<double>()) : text(&e));
  return out;
}

std::string caches(const nlohmann::json& info) {
  const nlohmann::json* c = at(info, {key::kCpu, "caches"});
  if (c == nullptr || !c->is_array()) return "unknown";
  std::string out;
  for (const nlohmann::json& e : *c) {
    const nlohmann::json* size = at(e, {"size_bytes"});
    out += fmt::format("{}L{} {} {}", out.empty() ? "" : ", ", text(at(e, {"level"})), text(at(e, {"type"})),
                       size != nullptr && size->is_number() ? human_bytes(size->get<double>()) : "?");
  }
  return out;
}

std::string features(const nlohmann::json& info) {
  const nlohmann::json* f = at(info, {key::kFeatures});
  if (f == nullptr || !f->is_array()) return "unknown";
  std::string out;
  for (const nlohmann::json& e : *f) {
    const bool detected = text(at(e, {key::kDetected})) == "true", disabled = text(at(e, {key::kDisabled})) == "true";
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ", text(at(e, {key::kName})),
                       disabled ? "(disabled)" : detected ? "yes" : "no");
  }
  return out;
}

std::string cpuid_flags(const nlohmann::json& info) {
  const nlohmann::json* f = at(info, {key::kCpu, "cpuid_flags"});
  if (f == nullptr || !f->is_object()) return "unknown";
  std::string out;
  for (const auto& [name, on] : f->items())
    if (on.is_boolean() && on.get<bool>()) out += (out.empty() ? "" : " ") + name;
  return out;
}

// ", SVE 256 bits" (or ", VLEN 256 bits") where the machine has a scalable vector length.
std::string vector_length(const nlohmann::json& info) {
  const nlohmann::json* v = at(info, {key::kCpu, "vector_bits"});
  if (v == nullptr || !v->is_number_integer() || v->get<std::int64_t>() <= 0) return "";
  return fmt::format(", {} {} bits", vector_length_name(text(at(info, {key::kCpu, "architecture"}))), v->get<std::int64_t>());
}

std::string context(const results::ResultsDir& r, const char* key) { return text(at(r.context, {key})); }

}  // namespace

std::vector<std::pair<std::string, std::string>> machine_facts(const results::ResultsDir& r) {
  const nlohmann::json& i = r.info;
  std::vector<std::pair<std::string, std::string>> facts = {
      {"CPU", fmt::format("{} ({})", text(at(i, {key::kCpu, key::kBrand})), text(at(i, {key::kCpu, "vendor"})))},
      {"microarchitecture", fmt::format("{}, family {} model {} stepping {}", text(at(i, {key::kCpu, key::kMicroarchitecture})),
                                        text(at(i, {key::kCpu, "family"})), text(at(i, {key::kCpu, "model"})),
                                        text(at(i, {key::kCpu, "stepping"})))},
      {"architecture", fmt::format("{}{}", text(at(i, {key::kCpu, "architecture"})), vector_length(i))},
      {"feature levels", features(i)},
      {"CPUID flags", cpuid_flags(i)},
      {"caches", context(r, schema::context::kCacheSource) == "measured"
                     ? fmt::format("measured by the latency probe: {} (the CPU reports: {})",
                                   context(r, schema::context::kCacheMeasured), caches(i))
                     : caches(i)},
      {"cores online", text(at(i, {"conditions", "online_cpus"}))},
      {"host", text(at(i, {key::kHostname}))},
      {"OS", fmt::format("{}, kernel {}", text(at(i, {"os", "pretty_name"})), text(at(i, {"os", "release"})))},
      {"compiler", text(at(i, {key::kBuild, key::kCompiler}))},
      {"build flags", fmt::format("{} ({})", text(at(i, {key::kBuild, key::kBaseFlags})), text(at(i, {key::kBuild, "build_type"})))},
      {"commit", text(at(i, {key::kBuild, key::kCommit}))},
      {"date", text(at(i, {"date"}))},
      {"frequency scaling", text(at(i, {key::kConditions, key::kScalingGovernor}))},
      {"load average", joined(at(i, {key::kConditions, "load_average"}), " ")},
      {"pinning", context(r, schema::context::kPinning)},
      {"benchmark mode", context(r, schema::context::kMode)},
      {"OpenBLAS kernels", context(r, schema::context::kOpenblasKernels)},
      {"MASKBENCH_DISABLE", at(i, {"maskbench_disable"}) ? text(at(i, {"maskbench_disable"})) : "not set"},
  };
  if (at(r.context, {schema::context::kCacheLatency}) != nullptr)
    facts.insert(facts.begin() + 6, {"cache latency (ns per load)", context(r, schema::context::kCacheLatency)});
  return facts;
}

}  // namespace maskbench::report
