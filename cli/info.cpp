// `maskbench info [--json] [--measure-caches]`: the CPU, the features that
// matter here, and for each implementation whether it runs on this machine
// and, if not, why; with --measure-caches also the cache sizes the latency
// probe finds (maskbench/cache_probe.hpp) beside the reported ones.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "command.hpp"
#include "maskbench/cache_probe.hpp"
#include "escape.hpp"
#include "machine_info.hpp"

namespace maskbench::cli {
namespace {

// A string of the machine description, for the terminal: the CPU brand and
// vendor come from CPUID, which a hypervisor sets to anything.
std::string text(const nlohmann::json& v) { return escape::terminal(v.get<std::string>()); }

// The probe's curve and levels as info.json's "cache_probe".
nlohmann::json probe_json(const std::vector<LatencyPoint>& curve, const std::vector<CacheLevel>& levels) {
  nlohmann::json j = {{"curve", nlohmann::json::array()}, {"caches", nlohmann::json::array()}};
  for (const LatencyPoint& p : curve) j["curve"].push_back({{"bytes", p.bytes}, {"ns", p.ns}});
  for (const CacheLevel& c : levels)
    j["caches"].push_back({{"level", c.level}, {"type", c.type}, {"size_bytes", c.size_bytes}});
  return j;
}

void print_probe(const nlohmann::json& probe, const nlohmann::json& cpu) {
  std::string line;
  for (const auto& p : probe["curve"]) {
    line += fmt::format(" {}:{:.1f}", human_bytes(static_cast<double>(p["bytes"].get<std::int64_t>())), p["ns"].get<double>());
    if (line.size() > 90) {
      fmt::print("latency     {}\n", line);
      line.clear();
    }
  }
  if (!line.empty()) fmt::print("latency     {}\n", line);
  for (const auto& c : probe["caches"]) {
    const int level = c["level"].get<int>();
    const std::int64_t measured = c["size_bytes"].get<std::int64_t>();
    std::string reported = "none reported";
    if (cpu.contains("caches"))
      for (const auto& r : cpu["caches"])
        if (r["level"].get<int>() == level && r["type"].get<std::string>() != "instruction")
          reported = fmt::format("reported {}, measured/reported {:.2f}", human_bytes(static_cast<double>(r["size_bytes"].get<std::int64_t>())),
                                 static_cast<double>(measured) / static_cast<double>(r["size_bytes"].get<std::int64_t>()));
    fmt::print("measured     L{} {:<12} {} ({})\n", level, text(c["type"]), human_bytes(static_cast<double>(measured)), reported);
  }
  if (probe["caches"].empty()) fmt::print("measured     no cache level: the latency curve shows no step of 1.5x between plateaus\n");
}

int run_info(std::span<const std::string_view> args) {
  bool json = false, measure = false;
  for (std::string_view a : args) {
    if (a == "--json")
      json = true;
    else if (a == "--measure-caches")
      measure = true;
    else
      throw UsageError(fmt::format("unknown option '{}'; usage: maskbench info [--json] [--measure-caches]", a));
  }
  nlohmann::json j = machine_info_json();
  if (measure) {
    const std::vector<LatencyPoint> curve = measure_latency_curve(kCacheProbeBytes);
    j["cache_probe"] = probe_json(curve, caches_from_curve(curve));
  }
  if (json) {
    fmt::print("{}\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return kExitOk;
  }
  const auto& c = j["cpu"];
  fmt::print("CPU          {} ({})\n", text(c["brand"]), text(c["vendor"]));
  const std::string source = text(c["microarchitecture_source"]);
  const bool arm = text(c["architecture"]) == "aarch64";  // MIDR fields, not CPUID's
  fmt::print("             {} {:#x} {} {:#x} {} {}, microarchitecture {}{}\n", arm ? "implementer" : "family",
             c["family"].get<int>(), arm ? "part" : "model", c["model"].get<int>(), arm ? "revision" : "stepping",
             c["stepping"].get<int>(), text(c["microarchitecture"]),
             source == "cpu_features" ? "" : fmt::format(" (from {})", source));
  const int vector_bits = c["vector_bits"].get<int>();
  fmt::print("             architecture {}{}\n", text(c["architecture"]),
             vector_bits > 0 ? fmt::format(", {} vector length {} bits", vector_length_name(text(c["architecture"])), vector_bits)
                             : "");
  if (c.contains("caches"))
    for (const auto& cache : c["caches"])
      fmt::print("cache        L{} {:<12} {}\n", cache["level"].get<int>(), text(cache["type"]),
                 human_bytes(static_cast<double>(cache["size_bytes"].get<std::int64_t>())));
  else
    fmt::print("cache        unknown: nothing reports cache sizes here; the benchmarks measure them (maskbench info --measure-caches)\n");
  if (j.contains("cache_probe")) print_probe(j["cache_probe"], c);
  for (const auto& f : j["features"]) {
    const auto names = [&](const nlohmann::json& a) { return escape::terminal(fmt::format("{}", fmt::join(a.get<std::vector<std::string>>(), " "))); };
    fmt::print("feature      {:<12} {:<9} {}: {}{}\n", text(f["name"]),
               f["disabled"].get<bool>() ? "disabled" : f["detected"].get<bool>() ? "yes" : "no",
               text(f["meaning"]), names(f["checks"]),
               f["missing"].empty() ? "" : fmt::format(" (lacks {})", names(f["missing"])));
  }
  fmt::print("compiler     {}\ncommit       {}\n\n", text(j["build"]["compiler"]),
             text(j["build"]["commit"]));
  fmt::print("{:<16} {:<8} {:<28} {}\n", "implementation", "runs", "requires", "families / why not");
  for (const auto& impl : j["implementations"]) {
    std::string fams;
    for (const auto& f : impl["families"]) {
      if (!fams.empty()) fams += ',';
      fams += text(f);
    }
    if (impl.contains("compress_variant")) fams += fmt::format(" (compress: {})", text(impl["compress_variant"]));
    fmt::print("{:<16} {:<8} {:<28} {}\n", text(impl["name"]), impl["runnable"].get<bool>() ? "yes" : "skipped",
               text(impl["requires"]), impl["runnable"].get<bool>() ? fams : text(impl["reason"]));
  }
  return kExitOk;
}

}  // namespace

MB_COMMAND("info", "[--json] [--measure-caches]", "the CPU, its features and which implementations run here (info.json with --json); --measure-caches adds the cache sizes a latency probe finds", run_info);

}  // namespace maskbench::cli
