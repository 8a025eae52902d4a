// `maskbench taskvec` on generated checkpoints: known cosines in every dtype,
// a TIES merge compared bit for bit with the scalar reference, and malformed
// or mismatched files rejected with one line and exit code 2. Runs the
// maskbench binary that sits beside this one in the build's bin/.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "harness/values.hpp"
#include "maskbench/known_defects.hpp"
#include "maskbench/registry.hpp"
#include "maskbench/taskvec.hpp"

#include <gtest/gtest.h>

namespace maskbench::conformance {
namespace {

namespace fs = std::filesystem;

fs::path cli_binary() { return fs::read_symlink("/proc/self/exe").parent_path() / "maskbench"; }

struct CliRun {
  int rc;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

class TaskvecCli : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(cli_binary())) << cli_binary() << " is missing: build the maskbench target";
    std::string tmpl = (fs::temp_directory_path() / "maskbench-taskvec-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  CliRun run(const std::string& args) const {
    const fs::path out = dir_ / "stdout.txt", err = dir_ / "stderr.txt";
    const std::string cmd = fmt::format("'{}' taskvec {} >'{}' 2>'{}'", cli_binary().string(), args, out.string(), err.string());
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
  }

  // Files in the directory other than the ones the test wrote.
  std::vector<std::string> leftovers(const std::vector<std::string>& expected) const {
    std::vector<std::string> extra;
    for (const auto& e : fs::directory_iterator(dir_)) {
      const std::string name = e.path().filename().string();
      if (name != "stdout.txt" && name != "stderr.txt" &&
          std::find(expected.begin(), expected.end(), name) == expected.end())
        extra.push_back(name);
    }
    return extra;
  }

  fs::path dir_;
};

struct Spec {
  std::string name;
  std::vector<std::uint64_t> shape;
  std::vector<float> values;
};

void write_raw(const std::string& path, const std::string& header, const std::string& data) {
  std::ofstream f(path, std::ios::binary);
  const std::uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) f.put(static_cast<char>(n >> (8 * i)));
  f << header << data;
}

void write_checkpoint(const std::string& path, const std::vector<Spec>& tensors, const std::string& dtype) {
  nlohmann::json header = nlohmann::json::object();
  header["__metadata__"] = {{"format", "pt"}};
  std::string data;
  for (const Spec& t : tensors) {
    const std::size_t begin = data.size();
    for (float v : t.values) {
      if (dtype == "F32") {
        data.append(reinterpret_cast<const char*>(&v), 4);
      } else {
        const std::uint16_t h = dtype == "BF16" ? to_bf16(v).bits : to_f16(v).bits;
        data.append(reinterpret_cast<const char*>(&h), 2);
      }
    }
    header[t.name] = {{"dtype", dtype}, {"shape", t.shape}, {"data_offsets", {begin, data.size()}}};
  }
  write_raw(path, header.dump(), data);
}

// A base and four task vectors over two tensors (168 parameters):
// tau0 = u, tau1 = -u, tau2 = v (orthogonal to u), tau3 = u + v, with u all
// ones and v alternating; every value is exact in f32, bf16 and f16.
std::vector<std::vector<Spec>> known_cosine_model() {
  const std::vector<std::pair<std::string, std::vector<std::uint64_t>>> layout = {{"layer.weight", {16, 8}},
                                                                                 {"layer.bias", {40}}};
  std::vector<std::vector<Spec>> files(5);
  std::size_t index = 0;
  for (const auto& [name, shape] : layout) {
    const std::size_t n = shape.size() == 2 ? shape[0] * shape[1] : shape[0];
    for (auto& f : files) f.push_back({name, shape, std::vector<float>(n)});
    for (std::size_t d = 0; d < n; ++d, ++index) {
      const float pre = static_cast<float>(index % 7) * 0.25f;
      const float u = 1.0f, v = index % 2 ? 1.0f : -1.0f;
      const float tau[4] = {u, -u, v, u + v};
      files[0].back().values[d] = pre;
      for (int t = 0; t < 4; ++t) files[t + 1].back().values[d] = pre + tau[t];
    }
  }
  return files;
}

TEST_F(TaskvecCli, KnownCosinesInEveryDtype) {
  const auto model = known_cosine_model();
  // f32, bf16 and f16: the kernels read the mapping in each (the files of
  // one run must share a dtype).
  const std::vector<std::vector<std::string>> dtypes = {
      {"F32", "F32", "F32", "F32", "F32"}, {"BF16", "BF16", "BF16", "BF16", "BF16"}, {"F16", "F16", "F16", "F16", "F16"}};
  for (const auto& dt : dtypes) {
    std::string args = "--base " + path("pre.safetensors");
    write_checkpoint(path("pre.safetensors"), model[0], dt[0]);
    for (int t = 1; t <= 4; ++t) {
      const std::string p = path(fmt::format("ft{}.safetensors", t));
      write_checkpoint(p, model[t], dt[t]);
      args += fmt::format(" {}", p);
    }
    const CliRun r = run(args);
    const std::string where = fmt::format("dtypes {}: stdout\n{}stderr\n{}", fmt::join(dt, ","), r.out, r.err);
    ASSERT_EQ(r.rc, 0) << where;
    for (const char* want : {"pair 0 1 cos=-1.000000", "pair 0 3 cos=+0.707107", "pair 1 3 cos=-0.707107",
                             "pair 2 3 cos=+0.707107", "norm 0 1.296148e+01", "norm 3 1.833030e+01"})
      EXPECT_NE(r.out.find(want), std::string::npos) << "missing '" << want << "' in " << where;
    for (const char* absent : {"pair 0 2", "pair 1 2"})
      EXPECT_EQ(r.out.find(absent), std::string::npos) << "orthogonal pair reported: " << where;
    const CliRun strict = run(args + " --warn 0.8");
    ASSERT_EQ(strict.rc, 0) << strict.err;
    EXPECT_NE(strict.out.find("pair 0 1"), std::string::npos) << strict.out;
    EXPECT_EQ(strict.out.find("pair 0 3"), std::string::npos) << "--warn 0.8 still reports 0.707: " << strict.out;
  }
}

// Every row usable here, named by --impl, gives the known cosines of bf16
// checkpoints (u and v are small integers, exact as bf16 differences too), and
// says that its bf16 Gram rounds its operands exactly when it does at that
// many tasks (GramOperands::bf16 from gram_rounds_from_tasks on, which the
// gram contract checks), at 4 tasks and at 8 (the 4 given twice).
TEST_F(TaskvecCli, EveryUsableRowByNameAndWhatItsPrecisionIs) {
  const auto model = known_cosine_model();
  std::vector<std::string> files{path("pre.safetensors")};
  for (int t = 1; t <= 4; ++t) files.push_back(path(fmt::format("ft{}.safetensors", t)));
  for (std::size_t f = 0; f < files.size(); ++f) write_checkpoint(files[f], model[f], "BF16");
  for (const std::size_t tasks : {std::size_t{4}, std::size_t{8}}) {
    std::vector<std::string> args{"--base", files[0]};
    for (std::size_t t = 0; t < tasks; ++t) args.push_back(files[1 + t % 4]);
    for (const Implementation* impl : usable_implementations(TaskvecKernels::kFamily)) {
      const CliRun r = run(fmt::format("{} --impl {}", fmt::join(args, " "), impl->name));
      const std::string where = fmt::format("{} tasks, --impl {}: stdout\n{}stderr\n{}", tasks, impl->name, r.out, r.err);
      ASSERT_EQ(r.rc, 0) << where;
      for (const char* want : {"pair 0 1 cos=-1.000000", "pair 0 3 cos=+0.707107", "norm 3 1.833030e+01"})
        EXPECT_NE(r.out.find(want), std::string::npos) << "missing '" << want << "' in " << where;
      const bool rounds = impl->kernels<TaskvecKernels>()->bf16.gram_operands_at(tasks) == GramOperands::bf16;
      EXPECT_EQ(r.out.find("\nprecision bf16 tensors' Gram from differences rounded to bf16") != std::string::npos,
                rounds)
          << where;
    }
  }
}

// Reads an F32 safetensors file the command wrote: name -> (shape, values).
std::map<std::string, std::pair<std::vector<std::uint64_t>, std::vector<float>>> read_f32_file(const std::string& p) {
  const std::string bytes = slurp(p);
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(bytes[i]);
  const nlohmann::json header = nlohmann::json::parse(bytes.substr(8, n));
  std::map<std::string, std::pair<std::vector<std::uint64_t>, std::vector<float>>> out;
  for (const auto& [name, info] : header.items()) {
    EXPECT_EQ(info["dtype"], "F32") << name;
    const std::uint64_t b = info["data_offsets"][0], e = info["data_offsets"][1];
    std::vector<float> v((e - b) / 4);
    if (e > b) std::memcpy(v.data(), bytes.data() + 8 + n + b, e - b);  // v.data() may be null when empty
    out[name] = {info["shape"].get<std::vector<std::uint64_t>>(), v};
  }
  return out;
}

TEST_F(TaskvecCli, TiesMergeMatchesReferenceBitForBit) {
  const std::uint64_t s = seed() + 30;
  Rng rng(s);
  const std::size_t k = 3;
  const std::vector<std::pair<std::string, std::size_t>> layout = {{"a", 1000}, {"b", 77}, {"c", 0}};
  std::vector<std::vector<Spec>> files(k + 1);
  for (const auto& [name, n] : layout) {
    for (auto& f : files) f.push_back({name, {n}, std::vector<float>(n)});
    for (std::size_t d = 0; d < n; ++d) {
      const float pre = random_float(rng, -3, 1);
      files[0].back().values[d] = pre;
      // Few distinct magnitudes: ties at the threshold are certain.
      for (std::size_t t = 1; t <= k; ++t)
        files[t].back().values[d] = pre + static_cast<float>(static_cast<int>(rng() % 9) - 4) * 0.125f;
    }
  }
  std::string args = "--base " + path("pre.safetensors");
  write_checkpoint(path("pre.safetensors"), files[0], "F32");
  std::vector<std::string> written = {"pre.safetensors", "merged.safetensors"};
  for (std::size_t t = 1; t <= k; ++t) {
    const std::string name = fmt::format("ft{}.safetensors", t);
    write_checkpoint(path(name), files[t], "F32");
    written.push_back(name);
    args += fmt::format(" {}", path(name));
  }
  const float lambda = 0.7f;
  const CliRun r = run(args + " --ties 30% --lambda 0.7 --out " + path("merged.safetensors"));
  ASSERT_EQ(r.rc, 0) << r.out << r.err;
  EXPECT_TRUE(leftovers(written).empty()) << "stray file " << leftovers(written)[0];

  // The same merge through the scalar reference, tensors in name order.
  const TaskvecTyped<float>& ref = maskbench::reference().kernels<TaskvecKernels>()->f32;
  std::uint64_t total = 0;
  for (const Spec& t : files[0]) total += t.values.size();
  const auto ft_of = [&](std::size_t i) {
    std::vector<const float*> ft;
    for (std::size_t t = 1; t <= k; ++t) ft.push_back(files[t][i].values.data());
    return ft;
  };
  std::vector<float> thr(k);
  for (std::size_t t = 0; t < k; ++t)
    thr[t] = ties_threshold(30.0, total, [&](std::int32_t prefix, std::uint64_t* hist) {
      for (std::size_t i = 0; i < files[0].size(); ++i)
        ref.ties_histogram(files[0][i].values.data(), ft_of(i)[t], files[0][i].values.size(), prefix, hist);
    });
  std::int64_t votes = 0;
  for (std::size_t i = 0; i < files[0].size(); ++i)
    votes += ref.ties_sign_sum(files[0][i].values.data(), ft_of(i).data(), k, files[0][i].values.size(), thr.data());
  const auto merged = read_f32_file(path("merged.safetensors"));
  ASSERT_EQ(merged.size(), layout.size());
  for (std::size_t i = 0; i < files[0].size(); ++i) {
    const Spec& base = files[0][i];
    std::vector<float> want(base.values.size());
    ref.ties_merge(base.values.data(), ft_of(i).data(), k, want.size(), thr.data(), votes < 0 ? -1.0f : 1.0f, lambda,
                   want.data());
    const auto it = merged.find(base.name);
    ASSERT_NE(it, merged.end()) << "merged file lacks tensor " << base.name;
    EXPECT_EQ(it->second.first, base.shape) << base.name;
    ASSERT_EQ(it->second.second.size(), want.size()) << base.name;
    for (std::size_t d = 0; d < want.size(); ++d)
      ASSERT_TRUE(same_float(it->second.second[d], want[d]))
          << base.name << "[" << d << "]: file " << describe(it->second.second[d]) << ", reference " << describe(want[d])
          << " (seed " << s << ")";
  }
}

struct BadCase {
  const char* what;
  std::string header;  // for the task file; the base is always good
  std::string data;
  const char* message;
};

TEST_F(TaskvecCli, MalformedAndMismatchedFilesExitTwoWithOneLine) {
  const std::string good_header = R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})";
  const std::string data16(16, '\0');
  write_raw(path("pre.safetensors"), good_header, data16);
  const std::vector<BadCase> cases = {
      {"invalid JSON", R"({"w":{"dtype":"F32",)", data16, "not valid JSON"},
      {"offsets past the data", R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,1000]}})", data16, "out of range"},
      {"offsets reversed", R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[16,0]}})", data16, "out of range"},
      {"overlapping tensors",
       R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"x":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
       data16, "overlap"},
      {"unknown dtype", R"({"w":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}})", data16, "unknown dtype"},
      {"shape against offsets", R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}})", data16, "data_offsets span"},
      {"negative dimension", R"({"w":{"dtype":"F32","shape":[-2,2],"data_offsets":[0,16]}})", data16, "non-negative"},
      {"tensor missing", R"({"v":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})", data16, "not in the base"},
      {"tensor missing from the task", R"({})", "", "missing"},
      {"shape mismatch", R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", data16, "has shape"},
  };
  for (const BadCase& c : cases) {
    write_raw(path("ft.safetensors"), c.header, c.data);
    for (const std::string& extra : {std::string(), " --ties 20% --out " + path("merged.safetensors")}) {
      const CliRun r = run("--base " + path("pre.safetensors") + " " + path("ft.safetensors") + extra);
      EXPECT_EQ(r.rc, 2) << c.what << ": stdout " << r.out << " stderr " << r.err;
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.what << ": not one line: " << r.err;
      EXPECT_NE(r.err.find(c.message), std::string::npos) << c.what << ": expected '" << c.message << "' in " << r.err;
      EXPECT_NE(r.err.find("ft.safetensors"), std::string::npos) << c.what << ": file not named: " << r.err;
      EXPECT_FALSE(fs::exists(path("merged.safetensors"))) << c.what << ": output written from bad input";
    }
  }
  // Truncated files: shorter than the length field, and a length past the end.
  write_raw(path("ft.safetensors"), "", "");
  fs::resize_file(path("ft.safetensors"), 3);
  CliRun r = run("--base " + path("pre.safetensors") + " " + path("ft.safetensors"));
  EXPECT_EQ(r.rc, 2) << r.err;
  EXPECT_NE(r.err.find("too short"), std::string::npos) << r.err;
  write_raw(path("ft.safetensors"), good_header, data16);
  fs::resize_file(path("ft.safetensors"), 30);
  r = run("--base " + path("pre.safetensors") + " " + path("ft.safetensors"));
  EXPECT_EQ(r.rc, 2) << r.err;
  EXPECT_NE(r.err.find("runs past the end"), std::string::npos) << r.err;
}

TEST_F(TaskvecCli, UsageErrorsAndUnwritableOutput) {
  const std::string header = R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})";
  write_raw(path("pre.safetensors"), header, std::string(16, '\0'));
  write_raw(path("ft.safetensors"), header, std::string(16, '\x01'));
  const std::string files = "--base " + path("pre.safetensors") + " " + path("ft.safetensors");
  for (const std::string& args : {files + " --ties 20%", files + " --out " + path("m.safetensors"),
                                  files + " --lambda 2", files + " --warn x", files + " --ties 0%", files + " --bogus",
                                  path("ft.safetensors"), files + " --impl no-such-impl"}) {
    const CliRun r = run(args);
    EXPECT_EQ(r.rc, 2) << args << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << ": " << r.err;
  }
  const std::string out = path("no-such-dir/merged.safetensors");
  const CliRun r = run(files + " --ties 20% --out " + out);
  EXPECT_EQ(r.rc, 2) << r.err;
  EXPECT_FALSE(fs::exists(out));
  // A FIFO stands in for a device such as /dev/full: the output must not be
  // renamed over it.
  ASSERT_EQ(mkfifo(path("fifo").c_str(), 0600), 0);
  const CliRun f = run(files + " --ties 20% --out " + path("fifo"));
  EXPECT_EQ(f.rc, 2) << f.err;
  EXPECT_NE(f.err.find("exists and is not a regular file"), std::string::npos) << f.err;
  EXPECT_TRUE(fs::is_fifo(path("fifo")));
  fs::remove(path("fifo"));
  EXPECT_TRUE(leftovers({"pre.safetensors", "ft.safetensors"}).empty());
}

}  // namespace
}  // namespace maskbench::conformance
