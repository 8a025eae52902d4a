#include "mca_run.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

#include <fmt/format.h>

#include "mca.hpp"
#include "tool_run.hpp"

namespace maskbench::mca {
namespace {

struct KnownModel {
  const char* name;
  bool avx512;
};
constexpr KnownModel kModels[] = {
    {"skylake-avx512", true}, {"icelake-server", true}, {"sapphirerapids", true}, {"znver3", false}, {"znver4", true}};

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// The tool's first "error:" line without the input file's name, at most 200
// bytes.
std::string error_line(const tool::Run& r) {
  if (!r.started) return "llvm-mca did not start";
  std::size_t at = r.err.find("error:");
  std::string line = at == std::string::npos ? first_line(r.err) : first_line(r.err.substr(at));
  if (line.empty()) line = fmt::format("llvm-mca exited with {}", r.exit_code);
  if (line.size() > 200) line = line.substr(0, 200) + "...";
  return line;
}

class Runner {
 public:
  Runner(const Tool& t, const Model& m, const std::vector<Loop>& loops, std::vector<std::vector<Prediction>>& out,
         std::size_t column)
      : tool_(t), model_(m), loops_(loops), out_(out), column_(column) {}

  // Predictions for `which`; where the run fails, each half on its own.
  void run(const std::vector<std::size_t>& which) {
    if (which.empty()) return;
    std::vector<const std::vector<std::string>*> text;
    for (const std::size_t i : which) text.push_back(loops_[i].instructions);
    const tool::TempFile input(source(text));
    const auto simulate = [&](unsigned iterations) {
      return tool::run({tool_.command, "-mtriple=x86_64-unknown-linux-gnu", "-mcpu=" + model_.name,
                        fmt::format("-iterations={}", iterations), "-resource-pressure=0", "-instruction-info=0",
                        input.path()});
    };
    const tool::Run r = simulate(kShortRun);
    if (r.started && r.exit_code == 0) {
      const tool::Run r2 = simulate(kLongRun);
      const std::vector<std::optional<double>> a = total_cycles(r.out, which.size());
      const std::vector<std::optional<double>> b = total_cycles(r2.out, which.size());
      for (std::size_t k = 0; k < which.size(); ++k) {
        Prediction& p = out_[which[k]][column_];
        p.cycles_per_iteration = steady_cycles(a[k], b[k]);
        if (!p.cycles_per_iteration) p.error = "llvm-mca gave no cycle count for this loop";
      }
      return;
    }
    if (which.size() == 1) {
      out_[which[0]][column_].error = error_line(r);
      return;
    }
    const auto mid = which.begin() + static_cast<std::ptrdiff_t>(which.size() / 2);
    run({which.begin(), mid});
    run({mid, which.end()});
  }

 private:
  const Tool& tool_;
  const Model& model_;
  const std::vector<Loop>& loops_;
  std::vector<std::vector<Prediction>>& out_;
  std::size_t column_;
};

}  // namespace

std::optional<Tool> find_tool(std::string& why) {
  for (const char* command : {"llvm-mca-19", "llvm-mca"}) {
    const tool::Run v = tool::run({command, "--version"});
    if (!v.started || v.exit_code != 0) continue;
    Tool t;
    t.command = command;
    std::string text = v.out;
    const std::size_t at = text.find("LLVM version");
    t.version = at == std::string::npos ? first_line(text) : first_line(text.substr(at));
    t.host_model = host_cpu(text);
    // -mcpu=help lists the models on standard error; an unknown -mcpu is
    // only a warning, after which llvm-mca models a generic CPU, so every
    // model is checked against this list first.
    const tool::Run help = tool::run({command, "-mtriple=x86_64-unknown-linux-gnu", "-mcpu=help"});
    const std::string list = help.err + help.out;
    for (std::size_t p = 0; p < list.size();) {
      const std::size_t nl = std::min(list.find('\n', p), list.size());
      const std::string line = list.substr(p, nl - p);
      p = nl + 1;
      const std::size_t b = line.find_first_not_of(" \t");
      if (b == std::string::npos || b == 0) continue;
      const std::size_t e = line.find_first_of(" \t", b);
      if (e != std::string::npos && line.find(" - Select the ", e) != std::string::npos)
        t.known_models.push_back(line.substr(b, e - b));
    }
    return t;
  }
  why = "llvm-mca is not installed (Debian package llvm-19)";
  return std::nullopt;
}

std::vector<Model> models(const Tool& tool, bool host_avx512) {
  std::vector<Model> out;
  for (const KnownModel& k : kModels) out.push_back({k.name, k.avx512, k.name == tool.host_model});
  if (!tool.host_model.empty() && std::none_of(out.begin(), out.end(), [](const Model& m) { return m.host; }))
    out.push_back({tool.host_model, host_avx512, true});
  return out;
}

namespace {

void predict_model(const Tool& tool, const Model& model, const std::vector<Loop>& loops,
                   std::vector<std::vector<Prediction>>& out, std::size_t m) {
  const bool known = std::find(tool.known_models.begin(), tool.known_models.end(), model.name) != tool.known_models.end();
  std::vector<std::size_t> ask;
  for (std::size_t i = 0; i < loops.size(); ++i) {
    Prediction& p = out[i][m];
    if (!loops[i].unmodelled.empty())
      p.error = loops[i].unmodelled;
    else if (!known)
      p.error = fmt::format("{} does not know the model {}", tool.version, model.name);
    else if (!model.avx512 && needs_avx512(*loops[i].instructions))
      p.error = fmt::format("uses AVX-512, which {} does not have", model.name);
    else
      ask.push_back(i);
  }
  Runner(tool, model, loops, out, m).run(ask);
}

}  // namespace

std::vector<std::vector<Prediction>> predict(const Tool& tool, const std::vector<Model>& models,
                                             const std::vector<Loop>& loops) {
  std::vector<std::vector<Prediction>> out(loops.size(), std::vector<Prediction>(models.size()));
  // The models in turn, on this thread and one more (two cores are what the
  // suite's machines have); each model writes its own column.
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t m; (m = next++) < models.size();) predict_model(tool, models[m], loops, out, m);
  };
  std::thread helper(work);
  work();
  helper.join();
  return out;
}

}  // namespace maskbench::mca
