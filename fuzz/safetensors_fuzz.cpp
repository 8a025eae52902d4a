// maskbench-fuzz-safetensors: the safetensors reader of `maskbench taskvec`
// (io/safetensors.cpp) on arbitrary bytes, through the real path: the input
// becomes a file in memory (memfd) that SafetensorsFile opens by name.
// An input holding kSplit is two files, a base and a fine-tuned checkpoint.
// A refusal must be an error naming the file; every accepted file is checked
// against the specification by code independent of the reader's (the header
// parsed again, every byte range, the tiling of the data section, names
// unique, the values read), and for two accepted files require_same_layout
// must refuse exactly when their names, shapes or dtypes differ.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "maskbench/input.hpp"
#include "json_structure_sax.hpp"
#include "maskbench/safetensors.hpp"

namespace {

using maskbench::safetensors::SafetensorsFile;
using maskbench::safetensors::Tensor;

constexpr std::string_view kSplit = "\n--8<--\n";

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "maskbench-fuzz-safetensors: %s\n", what.c_str());
  std::abort();
}

// An in-memory file and the /proc name that opens it.
struct MemFile {
  int fd;
  std::string path;
  explicit MemFile(std::string_view bytes) : fd(::memfd_create("safetensors", MFD_CLOEXEC)) {
    if (fd < 0) finding("memfd_create failed");
    for (std::size_t at = 0; at < bytes.size();) {
      const ssize_t w = ::write(fd, bytes.data() + at, bytes.size() - at);
      if (w <= 0) finding("writing the memfd failed");
      at += static_cast<std::size_t>(w);
    }
    path = fmt::format("/proc/self/fd/{}", fd);
  }
  ~MemFile() { ::close(fd); }
};

std::unique_ptr<SafetensorsFile> load(const MemFile& f) {
  try {
    return std::make_unique<SafetensorsFile>(f.path);
  } catch (const maskbench::input::InputError& e) {
    if (!std::string_view(e.what()).starts_with(f.path)) finding(fmt::format("an error that does not name the file: {}", e.what()));
  }
  return nullptr;  // any other exception escapes: libFuzzer reports it
}

std::uint64_t le64(std::string_view b) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[i]);
  return v;
}

// Counts the keys of the outermost object as the text has them, duplicates
// included.
struct TopKeys : maskbench::io::JsonStructureSax {
  int depth = 0;
  std::size_t keys = 0;
  bool start_object(std::size_t) override { return ++depth, true; }
  bool end_object() override { return --depth, true; }
  bool start_array(std::size_t) override { return ++depth, true; }
  bool end_array() override { return --depth, true; }
  bool key(string_t&) override { return keys += depth == 1, true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }
};

void check_accepted(const SafetensorsFile& f, std::string_view bytes) {
  const auto fail = [&](const std::string& what) { finding(fmt::format("accepted a file that breaks the format: {}", what)); };
  if (bytes.size() < 8) fail("shorter than the length field");
  const std::uint64_t n = le64(bytes);
  if (n > 100'000'000 || n > bytes.size() - 8) fail(fmt::format("header length {} in {} bytes", n, bytes.size()));
  const std::string_view header = bytes.substr(8, n);
  const std::uint64_t data_size = bytes.size() - 8 - n;
  if (f.data_size() != data_size) fail("data section size");
  if (header.empty() || header[0] != '{') fail("header does not start with '{'");
  TopKeys top;
  if (!nlohmann::json::sax_parse(header.begin(), header.end(), &top)) fail("header is not JSON");
  const nlohmann::json doc = nlohmann::json::parse(header);  // within the depth limit: the reader accepted it
  if (top.keys != doc.size()) fail("a duplicate key");
  const std::size_t metadata = doc.contains("__metadata__") ? 1 : 0;
  if (f.tensors().size() + metadata != doc.size()) fail("tensor count");
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data()) + 8 + n;
  std::set<std::uint64_t> boundaries = {0, data_size};
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  std::uint64_t covered = 0;
  for (std::size_t i = 0; i < f.tensors().size(); ++i) {
    const Tensor& t = f.tensors()[i];
    if (i > 0 && !(f.tensors()[i - 1].name < t.name)) fail("names not unique and sorted");
    if (!doc.contains(t.name)) fail("a tensor not in the header");
    const nlohmann::json& info = doc[t.name];
    if (info.size() != 3 || info["dtype"] != nlohmann::json(std::string(maskbench::safetensors::dtype_name(t.dtype))) ||
        info["shape"] != nlohmann::json(t.shape) || info["data_offsets"] != nlohmann::json{t.begin, t.end})
      fail("a tensor that differs from its header entry: " + t.name);
    std::uint64_t elements = 1;
    for (std::uint64_t d : t.shape)
      if (__builtin_mul_overflow(elements, d, &elements)) fail("shape overflows");
    if (elements != t.elements || elements * maskbench::safetensors::dtype_bytes(t.dtype) != t.end - t.begin) fail("shape vs range");
    if (t.begin > t.end || t.end > data_size) fail("range outside the data");
    if (t.end > t.begin) {
      ranges.emplace_back(t.begin, t.end);
      boundaries.insert(t.begin);
      boundaries.insert(t.end);
      covered += t.end - t.begin;
    }
    if (std::equal(t.data, t.data + (t.end - t.begin), data + t.begin) == false) fail("tensor data is not its bytes");
  }
  std::sort(ranges.begin(), ranges.end());
  for (std::size_t i = 1; i < ranges.size(); ++i)
    if (ranges[i].first < ranges[i - 1].second) fail("overlapping ranges");
  if (covered != data_size) fail("data not fully indexed");
  for (const Tensor& t : f.tensors())
    if (t.begin == t.end && !boundaries.contains(t.begin)) fail("an empty tensor inside another");
  // Every value read, as taskvec reads them (bounded: the data is the input).
  std::vector<float> out(1024);
  for (const Tensor& t : f.tensors())
    for (std::uint64_t from = 0; from < t.elements; from += out.size())
      maskbench::safetensors::read_as_f32(t, from, static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), t.elements - from)),
                                  out.data());
}

void check_agreement(const SafetensorsFile& base, const SafetensorsFile& other) {
  const auto layout = [](const SafetensorsFile& f) {
    std::map<std::string, std::tuple<std::vector<std::uint64_t>, maskbench::safetensors::Dtype>> m;
    for (const Tensor& t : f.tensors()) m[t.name] = {t.shape, t.dtype};
    return m;
  };
  const bool same = layout(base) == layout(other);
  bool refused = false;
  try {
    maskbench::safetensors::require_same_layout(base, other);
  } catch (const maskbench::input::InputError& e) {
    refused = true;
    if (!std::string_view(e.what()).starts_with(other.path())) finding(fmt::format("mismatch not naming the file: {}", e.what()));
  }
  if (refused == same) finding(same ? "refused two checkpoints of one layout" : "accepted checkpoints whose layouts differ");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t split = input.find(kSplit);
  const std::string_view first = input.substr(0, split);
  const MemFile a(first);
  const std::unique_ptr<SafetensorsFile> base = load(a);
  if (base) check_accepted(*base, first);
  if (split == std::string_view::npos) return 0;
  const std::string_view second = input.substr(split + kSplit.size());
  const MemFile b(second);
  const std::unique_ptr<SafetensorsFile> other = load(b);
  if (other) check_accepted(*other, second);
  if (base && other) check_agreement(*base, *other);
  return 0;
}
