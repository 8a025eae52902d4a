// The safetensors reader and writer of safetensors.hpp (no subcommand here).
#include "safetensors.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "maskbench/taskvec.hpp"

namespace maskbench::cli {

std::string_view dtype_name(Dtype d) {
  switch (d) {
    case Dtype::f32: return "F32";
    case Dtype::bf16: return "BF16";
    case Dtype::f16: return "F16";
  }
  return "?";
}

std::size_t dtype_bytes(Dtype d) { return d == Dtype::f32 ? 4 : 2; }

namespace {

constexpr std::string_view kMetadataKey = "__metadata__";

std::uint64_t as_count(const nlohmann::json& v, const std::string& what) {
  if (!v.is_number_unsigned()) throw UsageError(fmt::format("{} must be a non-negative integer, got {}", what, v.dump()));
  return v.get<std::uint64_t>();
}

float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const int exp = (h >> 10) & 0x1F;
  const std::uint32_t mant = h & 0x3FFu;
  if (exp == 0x1F) return std::bit_cast<float>(sign | 0x7F800000u | (mant << 13));
  if (exp == 0) {
    const float v = std::ldexp(static_cast<float>(mant), -24);  // subnormal or zero, exact in f32
    return sign ? -v : v;
  }
  return std::bit_cast<float>(sign | (static_cast<std::uint32_t>(exp + 112) << 23) | (mant << 13));
}

}  // namespace

SafetensorsFile::SafetensorsFile(std::string path) : path_(std::move(path)) {
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw UsageError(fmt::format("{}: cannot open: {}", path_, std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    throw UsageError(fmt::format("{}: cannot stat: {}", path_, std::strerror(errno)));
  }
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ < 8) {
    ::close(fd);
    throw UsageError(fmt::format("{}: {} bytes is too short for the 8-byte header length", path_, size_));
  }
  map_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map_ == MAP_FAILED) {
    map_ = nullptr;
    throw UsageError(fmt::format("{}: cannot map: {}", path_, std::strerror(errno)));
  }
  const auto* bytes = static_cast<const unsigned char*>(map_);
  std::uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | bytes[i];
  if (header_len > size_ - 8)
    throw UsageError(fmt::format("{}: header length {} runs past the end of the file ({} bytes)", path_, header_len, size_));
  const unsigned char* data = bytes + 8 + header_len;
  const std::uint64_t data_size = size_ - 8 - header_len;

  nlohmann::json header;
  try {
    header = nlohmann::json::parse(bytes + 8, data);
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(fmt::format("{}: header is not valid JSON ({})", path_, e.what()));
  }
  if (!header.is_object()) throw UsageError(fmt::format("{}: header must be a JSON object", path_));

  for (const auto& item : header.items()) {
    // Named copies, not structured bindings: clang 14 cannot capture those.
    const std::string name = item.key();
    const nlohmann::json& info = item.value();
    if (name == kMetadataKey) continue;
    const auto where = [&] { return fmt::format("{}: tensor '{}'", path_, name); };
    if (!info.is_object() || !info.contains("dtype") || !info.contains("shape") || !info.contains("data_offsets"))
      throw UsageError(fmt::format("{} needs dtype, shape and data_offsets", where()));
    Tensor t;
    t.name = name;
    const std::string dtype = info["dtype"].is_string() ? info["dtype"].get<std::string>() : info["dtype"].dump();
    if (dtype == "F32")
      t.dtype = Dtype::f32;
    else if (dtype == "BF16")
      t.dtype = Dtype::bf16;
    else if (dtype == "F16")
      t.dtype = Dtype::f16;
    else
      throw UsageError(fmt::format("{} has unknown dtype '{}' (expected F32, BF16 or F16)", where(), dtype));
    if (!info["shape"].is_array()) throw UsageError(fmt::format("{}: shape must be an array", where()));
    t.elements = 1;
    for (const auto& dim : info["shape"]) {
      t.shape.push_back(as_count(dim, where() + " shape entry"));
      if (__builtin_mul_overflow(t.elements, t.shape.back(), &t.elements))
        throw UsageError(fmt::format("{}: shape overflows 64 bits", where()));
    }
    const auto& off = info["data_offsets"];
    if (!off.is_array() || off.size() != 2)
      throw UsageError(fmt::format("{}: data_offsets must be [begin, end]", where()));
    const std::uint64_t begin = as_count(off[0], where() + " data_offsets begin");
    const std::uint64_t end = as_count(off[1], where() + " data_offsets end");
    if (begin > end || end > data_size)
      throw UsageError(fmt::format("{}: data_offsets [{}, {}] out of range of the {}-byte data section", where(), begin,
                                   end, data_size));
    std::uint64_t want = 0;
    if (__builtin_mul_overflow(t.elements, dtype_bytes(t.dtype), &want) || want != end - begin)
      throw UsageError(fmt::format("{}: shape {} of {} needs {} bytes but data_offsets span {}", where(),
                                   info["shape"].dump(), dtype, want, end - begin));
    t.data = data + begin;
    tensors_.push_back(std::move(t));
  }
  std::sort(tensors_.begin(), tensors_.end(), [](const Tensor& a, const Tensor& b) { return a.name < b.name; });
  struct Span {
    std::uint64_t begin, end;
    const std::string* name;
  };
  std::vector<Span> spans;
  for (const Tensor& t : tensors_) {
    const std::uint64_t begin = static_cast<std::uint64_t>(t.data - data);
    const std::uint64_t len = t.elements * dtype_bytes(t.dtype);
    if (len != 0) spans.push_back({begin, begin + len, &t.name});
  }
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
  for (std::size_t i = 1; i < spans.size(); ++i)
    if (spans[i].begin < spans[i - 1].end)
      throw UsageError(fmt::format("{}: tensors '{}' and '{}' overlap in the data section", path_, *spans[i - 1].name,
                                   *spans[i].name));
}

SafetensorsFile::~SafetensorsFile() {
  if (map_ != nullptr) ::munmap(map_, size_);
}

const Tensor* SafetensorsFile::find(std::string_view name) const {
  const auto it = std::lower_bound(tensors_.begin(), tensors_.end(), name,
                                   [](const Tensor& t, std::string_view n) { return t.name < n; });
  return it != tensors_.end() && it->name == name ? &*it : nullptr;
}

void read_as_f32(const Tensor& t, std::uint64_t from, std::size_t count, float* out) {
  const unsigned char* p = t.data + from * dtype_bytes(t.dtype);
  if (t.dtype == Dtype::f32) {
    std::memcpy(out, p, count * sizeof(float));
    return;
  }
  for (std::size_t i = 0; i < count; ++i) {
    std::uint16_t h;
    std::memcpy(&h, p + 2 * i, 2);
    out[i] = t.dtype == Dtype::bf16 ? widen(Bf16{h}) : half_to_float(h);
  }
}

SafetensorsWriter::SafetensorsWriter(std::string path, const std::vector<Entry>& entries) : path_(std::move(path)) {
  // The finished file is renamed into place, which would replace a device or
  // FIFO (e.g. --out /dev/full, as root) instead of writing to it.
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    throw UsageError(fmt::format("{}: exists and is not a regular file; name a file to write", path_));
  nlohmann::json header = nlohmann::json::object();
  std::uint64_t offset = 0;
  for (const Entry& e : entries) {
    std::uint64_t n = 1;
    for (std::uint64_t d : e.shape) n *= d;
    header[e.name] = {{"dtype", "F32"}, {"shape", e.shape}, {"data_offsets", {offset, offset + n * 4}}};
    offset += n * 4;
  }
  remaining_ = offset;
  std::string text = header.dump();
  // The data section starts 8-byte aligned, as the format recommends.
  text.append((8 - text.size() % 8) % 8, ' ');
  const std::size_t slash = path_.find_last_of('/');
  temp_ = (slash == std::string::npos ? std::string() : path_.substr(0, slash + 1)) + ".maskbench-tmp-XXXXXX";
  fd_ = ::mkstemp(temp_.data());
  if (fd_ < 0) throw UsageError(fmt::format("{}: cannot create a temporary file beside it: {}", path_, std::strerror(errno)));
  // mkstemp creates the file 0600; the result should get the usual mode.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd_, 0666 & ~mask);
  unsigned char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(static_cast<std::uint64_t>(text.size()) >> (8 * i));
  put(len, 8);
  put(text.data(), text.size());
}

SafetensorsWriter::~SafetensorsWriter() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(temp_.c_str());
  }
}

void SafetensorsWriter::put(const void* p, std::size_t n) {
  const auto* c = static_cast<const char*>(p);
  while (n > 0) {
    const ssize_t w = ::write(fd_, c, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) throw UsageError(fmt::format("{}: write failed: {}", path_, std::strerror(errno)));
    c += w;
    n -= static_cast<std::size_t>(w);
  }
}

void SafetensorsWriter::write(const float* data, std::size_t count) {
  const std::uint64_t bytes = count * sizeof(float);
  if (bytes > remaining_) throw std::logic_error("SafetensorsWriter: more data than the header declares");
  put(data, bytes);
  remaining_ -= bytes;
}

void SafetensorsWriter::commit() {
  if (remaining_ != 0) throw std::logic_error("SafetensorsWriter: less data than the header declares");
  if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
    fd_ = -1;
    ::unlink(temp_.c_str());
    throw UsageError(fmt::format("{}: cannot flush the output: {}", path_, std::strerror(errno)));
  }
  fd_ = -1;
  if (::rename(temp_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp_.c_str());
    throw UsageError(fmt::format("{}: cannot rename the finished output into place: {}", path_, std::strerror(err)));
  }
}

}  // namespace maskbench::cli
