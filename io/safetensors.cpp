// The safetensors reader and writer of maskbench/safetensors.hpp.
#include "maskbench/safetensors.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <iterator>
#include <limits>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "json_structure_sax.hpp"
#include "maskbench/json_input.hpp"
#include "maskbench/taskvec.hpp"

namespace maskbench::safetensors {

using input::InputError;

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
constexpr std::string_view kFields[] = {"dtype", "shape", "data_offsets"};

// A name from the file as it appears in a message: quoted, and cut short so
// that a megabyte-long name still gives a readable line.
std::string shown(std::string_view name) {
  constexpr std::size_t kMax = 120;
  if (name.size() <= kMax) return fmt::format("'{}'", name);
  return fmt::format("'{}...' ({} bytes)", name.substr(0, kMax), name.size());
}

// The parsed document keeps the last of duplicate keys in silence, so a
// second pass over the text (already known to be valid JSON within the depth
// limit) refuses any key that appears twice in one object: a tensor name
// given twice, or a field given twice in one tensor.
class DuplicateKeys : public maskbench::io::JsonStructureSax {
 public:
  explicit DuplicateKeys(const std::string& file) : file_(file) {}
  const std::string& error() const { return error_; }

  bool start_object(std::size_t) override {
    open_.emplace_back();
    return true;
  }
  bool end_object() override {
    open_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool key(string_t& k) override {
    if (open_.size() == 1) tensor_ = k;
    if (open_.back().insert(k).second) return true;
    if (open_.size() == 1)
      error_ = fmt::format("{}: tensor {} appears twice in the header, expected unique names", file_, shown(k));
    else
      error_ = fmt::format("{}: {} has the key {} twice, expected each key once", file_,
                           tensor_ == kMetadataKey ? std::string(kMetadataKey) : "tensor " + shown(tensor_), shown(k));
    return false;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    error_ = fmt::format("{}: safetensors header: {}", file_, e.what());
    return false;
  }

 private:
  const std::string& file_;
  std::vector<std::unordered_set<std::string>> open_;  // the keys of each open object, outermost first
  std::string tensor_;
  std::string error_;
};

// A shape for a message, at most 8 dimensions of it.
std::string shown(const std::vector<std::uint64_t>& shape) {
  constexpr std::size_t kMax = 8;
  if (shape.size() <= kMax) return fmt::format("[{}]", fmt::join(shape, ", "));
  return fmt::format("[{}, ...] ({} dimensions)", fmt::join(shape.begin(), shape.begin() + kMax, ", "), shape.size());
}

std::uint64_t as_count(const nlohmann::json& v, const std::string& what) {
  if (!v.is_number_unsigned())
    throw InputError(fmt::format("{} must be a non-negative integer below 2^64, got {} {}", what, v.type_name(),
                                 v.is_primitive() ? v.dump().substr(0, 40) : ""));
  return v.get<std::uint64_t>();
}

Tensor parse_tensor(const std::string& name, const nlohmann::json& info, std::uint64_t data_size, const std::string& file) {
  const std::string where = fmt::format("{}: tensor {}", file, shown(name));
  if (!info.is_object())
    throw InputError(fmt::format("{} must be an object with dtype, shape and data_offsets, got {}", where, info.type_name()));
  for (const auto& field : info.items())
    if (std::find(std::begin(kFields), std::end(kFields), field.key()) == std::end(kFields))
      throw InputError(fmt::format("{} has the unknown field {}, expected only dtype, shape and data_offsets", where,
                                   shown(field.key())));
  for (std::string_view field : kFields)
    if (!info.contains(field)) throw InputError(fmt::format("{} needs dtype, shape and data_offsets; {} is missing", where, field));
  Tensor t;
  t.name = name;
  const nlohmann::json& dtype = info["dtype"];
  if (!dtype.is_string())
    throw InputError(fmt::format("{}: dtype must be a string such as \"F32\", got {}", where, dtype.type_name()));
  const std::string& d = dtype.get_ref<const std::string&>();
  if (d == "F32")
    t.dtype = Dtype::f32;
  else if (d == "BF16")
    t.dtype = Dtype::bf16;
  else if (d == "F16")
    t.dtype = Dtype::f16;
  else
    throw InputError(fmt::format("{} has unknown dtype {} (expected F32, BF16 or F16, the dtypes maskbench reads)", where,
                                 shown(d)));
  const nlohmann::json& shape = info["shape"];
  if (!shape.is_array()) throw InputError(fmt::format("{}: shape must be an array of dimensions, got {}", where, shape.type_name()));
  t.elements = 1;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    t.shape.push_back(as_count(shape[i], fmt::format("{}: shape[{}]", where, i)));
    if (__builtin_mul_overflow(t.elements, t.shape.back(), &t.elements))
      throw InputError(fmt::format("{}: shape {} has 2^64 elements or more", where, shown(t.shape)));
  }
  const nlohmann::json& off = info["data_offsets"];
  if (!off.is_array() || off.size() != 2)
    throw InputError(fmt::format("{}: data_offsets must be [begin, end], got {}", where,
                                 off.is_array() ? fmt::format("{} entries", off.size()) : std::string(off.type_name())));
  t.begin = as_count(off[0], where + ": data_offsets[0]");
  t.end = as_count(off[1], where + ": data_offsets[1]");
  if (t.begin > t.end || t.end > data_size)
    throw InputError(fmt::format("{}: data_offsets [{}, {}] out of range: expected begin <= end <= {}, the size of the data section",
                                 where, t.begin, t.end, data_size));
  std::uint64_t want = 0;
  if (__builtin_mul_overflow(t.elements, dtype_bytes(t.dtype), &want) || want != t.end - t.begin)
    throw InputError(fmt::format("{}: shape {} of {} needs {} x {} bytes but data_offsets span {}", where, shown(t.shape), d,
                                 t.elements, dtype_bytes(t.dtype), t.end - t.begin));
  return t;
}

// The tensors must tile the data section: sorted by offsets, each begins
// where the previous one ended (empty ones included), and the last ends at
// the end of the data.
void require_tiling(const std::vector<Tensor>& tensors, std::uint64_t data_size, const std::string& file) {
  std::vector<const Tensor*> order;
  for (const Tensor& t : tensors) order.push_back(&t);
  std::sort(order.begin(), order.end(), [](const Tensor* a, const Tensor* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  });
  std::uint64_t cursor = 0;
  const Tensor* previous = nullptr;
  for (const Tensor* t : order) {
    if (t->begin < cursor)
      throw InputError(fmt::format("{}: tensor {} at data_offsets [{}, {}] overlaps tensor {} at [{}, {}], expected "
                                   "each byte of the data section in one tensor",
                                   file, shown(t->name), t->begin, t->end, shown(previous->name), previous->begin,
                                   previous->end));
    if (t->begin > cursor)
      throw InputError(fmt::format("{}: bytes [{}, {}) of the data section, before tensor {}, belong to no tensor "
                                   "(a gap), expected the data to be fully indexed",
                                   file, cursor, t->begin, shown(t->name)));
    cursor = t->end;
    previous = t;
  }
  if (cursor != data_size)
    throw InputError(fmt::format("{}: bytes [{}, {}) at the end of the data section belong to no tensor (trailing bytes), "
                                 "expected the data to be fully indexed",
                                 file, cursor, data_size));
}

}  // namespace

std::vector<Tensor> parse_header(std::string_view header, std::uint64_t data_size, const std::string& file) {
  if (header.empty() || header.front() != '{')
    throw InputError(fmt::format("{}: safetensors header must start with '{{', expected a JSON object", file));
  const nlohmann::json doc = input::parse_json(header, fmt::format("{}: safetensors header", file));
  DuplicateKeys dup(file);
  if (!nlohmann::json::sax_parse(header.begin(), header.end(), &dup)) throw InputError(dup.error());
  if (!doc.is_object()) throw InputError(fmt::format("{}: safetensors header must be a JSON object", file));
  std::vector<Tensor> tensors;
  for (const auto& item : doc.items()) {
    // Named copies, not structured bindings: clang 14 cannot capture those.
    const std::string& name = item.key();
    const nlohmann::json& value = item.value();
    if (name == kMetadataKey) {
      if (!value.is_object())
        throw InputError(fmt::format("{}: __metadata__ must be an object of strings, got {}", file, value.type_name()));
      for (const auto& m : value.items())
        if (!m.value().is_string())
          throw InputError(fmt::format("{}: __metadata__ {} must be a string, got {}", file, shown(m.key()),
                                       m.value().type_name()));
      continue;
    }
    tensors.push_back(parse_tensor(name, value, data_size, file));
  }
  require_tiling(tensors, data_size, file);
  std::sort(tensors.begin(), tensors.end(), [](const Tensor& a, const Tensor& b) { return a.name < b.name; });
  return tensors;
}

SafetensorsFile::SafetensorsFile(std::string path) : path_(std::move(path)) {
  const input::File f(path_, "a safetensors checkpoint");
  if (f.size() < 8)
    throw InputError(fmt::format("{}: {} bytes is too short for the 8-byte header length of a safetensors file", path_, f.size()));
  if (f.size() > std::numeric_limits<std::size_t>::max()) throw InputError(fmt::format("{}: too large to map", path_));
  size_ = static_cast<std::size_t>(f.size());
  // The header is read from the same mapping as the data, so that both come
  // from one version of the file.
  map_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, f.fd(), 0);
  if (map_ == MAP_FAILED) {
    map_ = nullptr;
    throw InputError(fmt::format("{}: cannot map: {}", path_, std::strerror(errno)));
  }
  // A constructor that throws runs no destructor: a refused file must not
  // leave its mapping behind (the fuzzer ran out of mappings before this).
  try {
    check_and_index();
  } catch (...) {
    ::munmap(map_, size_);
    map_ = nullptr;
    throw;
  }
}

void SafetensorsFile::check_and_index() {
  const auto* bytes = static_cast<const unsigned char*>(map_);
  std::uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | bytes[i];
  if (header_len > size_ - 8)
    throw InputError(fmt::format("{}: header length {} runs past the end of the file ({} bytes)", path_, header_len, size_));
  if (header_len > kMaxHeaderBytes)
    throw InputError(fmt::format("{}: header length {} is over the format's limit of {} bytes", path_, header_len,
                                 kMaxHeaderBytes));
  data_size_ = size_ - 8 - header_len;
  tensors_ = parse_header({reinterpret_cast<const char*>(bytes + 8), static_cast<std::size_t>(header_len)}, data_size_, path_);
  for (Tensor& t : tensors_) t.data = bytes + 8 + header_len + t.begin;
}

SafetensorsFile::~SafetensorsFile() {
  if (map_ != nullptr) ::munmap(map_, size_);
}

const Tensor* SafetensorsFile::find(std::string_view name) const {
  const auto it = std::lower_bound(tensors_.begin(), tensors_.end(), name,
                                   [](const Tensor& t, std::string_view n) { return t.name < n; });
  return it != tensors_.end() && it->name == name ? &*it : nullptr;
}

void require_same_layout(const SafetensorsFile& base, const SafetensorsFile& other) {
  const std::vector<Tensor>& a = base.tensors();
  const std::vector<Tensor>& b = other.tensors();
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].name < b[j].name))
      throw InputError(fmt::format("{}: tensor {} of the base {} is missing", other.path(), shown(a[i].name), base.path()));
    if (i == a.size() || b[j].name < a[i].name)
      throw InputError(fmt::format("{}: tensor {} is not in the base {}", other.path(), shown(b[j].name), base.path()));
    if (b[j].shape != a[i].shape)
      throw InputError(fmt::format("{}: tensor {} has shape {} but the base {} has {}", other.path(), shown(b[j].name),
                                   shown(b[j].shape), base.path(), shown(a[i].shape)));
    if (b[j].dtype != a[i].dtype)
      throw InputError(fmt::format("{}: tensor {} has dtype {} but the base {} has {}, expected the same dtype", other.path(),
                                   shown(b[j].name), dtype_name(b[j].dtype), base.path(), dtype_name(a[i].dtype)));
    ++i;
    ++j;
  }
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
    out[i] = t.dtype == Dtype::bf16 ? widen(Bf16{h}) : widen(F16{h});
  }
}

SafetensorsWriter::SafetensorsWriter(std::string path, const std::vector<Entry>& entries) : file_(std::move(path)) {
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
  unsigned char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(static_cast<std::uint64_t>(text.size()) >> (8 * i));
  file_.write(len, 8);
  file_.write(text);
}

void SafetensorsWriter::write(const float* data, std::size_t count) {
  const std::uint64_t bytes = count * sizeof(float);
  if (bytes > remaining_) throw std::logic_error("SafetensorsWriter: more data than the header declares");
  file_.write(data, bytes);
  remaining_ -= bytes;
}

void SafetensorsWriter::commit() {
  if (remaining_ != 0) throw std::logic_error("SafetensorsWriter: less data than the header declares");
  file_.commit();
}

}  // namespace maskbench::safetensors
