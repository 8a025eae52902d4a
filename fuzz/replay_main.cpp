// maskbench-fuzz-replay: the fuzz target without libFuzzer, for compilers
// and machines that have none (g++, a cross build under qemu): runs every
// input file named, or every file in a directory named, once, in name
// order. A contract violation aborts with the shrunk case, as under
// libFuzzer; exit 0 means every input held.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "escape.hpp"

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv);
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

// libFuzzer's own default cap (-max_len is 4096 for a fresh corpus); a
// larger file is refused rather than read whole.
constexpr std::uintmax_t kMaxInputBytes = 1 << 20;

// A path as given on the command line, safe for a terminal or a CI log.
std::string shown(const std::filesystem::path& p) { return maskbench::escape::terminal(p.string()); }

bool collect(const std::filesystem::path& p, std::vector<std::filesystem::path>& out) {
  std::error_code ec;
  if (std::filesystem::is_directory(p, ec)) {
    for (const auto& e : std::filesystem::directory_iterator(p, ec))
      if (e.is_regular_file(ec)) out.push_back(e.path());
    if (ec) {
      fmt::print(stderr, "maskbench-fuzz-replay: {}: cannot list the directory ({})\n", shown(p), ec.message());
      return false;
    }
    return true;
  }
  if (!std::filesystem::is_regular_file(p, ec)) {
    fmt::print(stderr, "maskbench-fuzz-replay: {}: expected an input file or a directory of them\n", shown(p));
    return false;
  }
  out.push_back(p);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: maskbench-fuzz-replay INPUT_OR_DIRECTORY...\n");
    return 2;
  }
  LLVMFuzzerInitialize(&argc, &argv);
  std::vector<std::filesystem::path> inputs;
  for (int i = 1; i < argc; ++i)
    if (!collect(argv[i], inputs)) return 2;
  std::sort(inputs.begin(), inputs.end());
  for (const std::filesystem::path& p : inputs) {
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(p, ec);
    if (ec || size > kMaxInputBytes) {
      fmt::print(stderr, "maskbench-fuzz-replay: {}: expected a readable input of at most {} bytes\n", shown(p),
                 kMaxInputBytes);
      return 2;
    }
    std::ifstream f(p, std::ios::binary);
    const std::vector<std::uint8_t> data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(data.data(), data.size());
  }
  fmt::print("maskbench-fuzz-replay: {} inputs held their contracts\n", inputs.size());
  return 0;
}
