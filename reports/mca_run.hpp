#pragma once
// Asks llvm-mca (reports/mca.hpp) about hot loops for a set of CPU models:
// finding the tool, the models it knows, and one run per model over all
// loops, split in halves where a run fails so that one loop the tool cannot
// read costs that loop its prediction and no other loop its own.
#include <optional>
#include <string>
#include <vector>

namespace maskbench::mca {

struct Tool {
  std::string command;     // "llvm-mca-19"
  std::string version;     // its version line
  std::string host_model;  // the model llvm-mca takes this CPU for; "" where it does not say
  std::vector<std::string> known_models;
};
// The first of llvm-mca-19 and llvm-mca that runs; nullopt with `why` set
// where none does.
std::optional<Tool> find_tool(std::string& why);

struct Model {
  std::string name;    // an -mcpu value
  bool avx512 = false; // the CPU it models has AVX-512
  bool host = false;   // llvm-mca's model of this machine
};
// skylake-avx512, icelake-server, sapphirerapids, znver3, znver4 and the
// host's model (AVX-512 as `host_avx512` says, unless it is one of those).
std::vector<Model> models(const Tool& tool, bool host_avx512);

struct Loop {
  const std::vector<std::string>* instructions = nullptr;
  std::string unmodelled;  // unmodelled_reason(), or ""
};
struct Prediction {
  std::optional<double> cycles_per_iteration;
  std::string error;  // why there is none: one line
};
// result[loop][model].
std::vector<std::vector<Prediction>> predict(const Tool& tool, const std::vector<Model>& models,
                                             const std::vector<Loop>& loops);

}  // namespace maskbench::mca
