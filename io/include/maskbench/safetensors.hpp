#pragma once
// safetensors files (https://github.com/huggingface/safetensors), read
// strictly to the format's specification: an 8-byte little-endian header
// length N (at most kMaxHeaderBytes and within the file), N bytes of JSON
// starting with '{' that map each unique tensor name to {dtype, shape,
// data_offsets: [begin, end)} relative to the data section (plus an optional
// "__metadata__" map of strings to strings), then the data section, which
// the tensors must index completely: no overlaps, no gaps, no trailing bytes.
// A checkpoint comes from the internet: the file is opened through
// input::File (regular files only, never blocking), the header is parsed with
// the input layer's depth limit, and a bad field throws input::InputError,
// one line naming the file, the tensor or field and what was expected.
// Part of the installed library (maskbench::io): another program reads
// checkpoints with it and runs the task-vector kernels
// (maskbench/taskvec.hpp) on the tensors.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "maskbench/export.hpp"
#include "maskbench/output.hpp"

namespace maskbench::safetensors {

enum class Dtype { f32, bf16, f16 };
MB_API std::string_view dtype_name(Dtype d);
MB_API std::size_t dtype_bytes(Dtype d);

// The reference implementation's limit on the header length.
inline constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;

struct Tensor {
  std::string name;
  Dtype dtype;
  std::vector<std::uint64_t> shape;
  std::uint64_t elements = 0;
  std::uint64_t begin = 0, end = 0;     // data_offsets: bytes [begin, end) of the data section
  const unsigned char* data = nullptr;  // inside the mapping, maybe unaligned
};

class MB_API SafetensorsFile {
 public:
  explicit SafetensorsFile(std::string path);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::string& path() const { return path_; }
  // Sorted by name.
  const std::vector<Tensor>& tensors() const { return tensors_; }
  const Tensor* find(std::string_view name) const;
  std::uint64_t data_size() const { return data_size_; }

 private:
  // Reads the header from the mapping, checks it and sets tensors_.
  void check_and_index();

  std::string path_;
  void* map_ = nullptr;
  std::size_t size_ = 0;
  std::uint64_t data_size_ = 0;
  std::vector<Tensor> tensors_;
};

// The tensors of a header (the N bytes after the length field) whose data
// section holds `data_size` bytes, checked against the specification and
// sorted by name, with `data` unset; `file` names the source in errors.
MB_API std::vector<Tensor> parse_header(std::string_view header, std::uint64_t data_size, const std::string& file);

// A fine-tuned checkpoint must hold exactly the base's tensors, each with
// the base's shape and dtype; otherwise an error names `other`, the first
// tensor that differs and how.
MB_API void require_same_layout(const SafetensorsFile& base, const SafetensorsFile& other);

// Elements [from, from + count) of t as f32 (bf16 and f16 widened exactly).
MB_API void read_as_f32(const Tensor& t, std::uint64_t from, std::size_t count, float* out);

// Writes an F32 safetensors file without ever leaving a partial one at `path`:
// the data goes to a temporary file in the same directory, which commit()
// renames over `path`; destroying the writer before commit() removes it.
class MB_API SafetensorsWriter {
 public:
  struct Entry {
    std::string name;
    std::vector<std::uint64_t> shape;
  };
  // The file is written through output::AtomicFile: the target holds the
  // whole merge or its old content, and a temporary left by an error or a
  // signal is removed.
  SafetensorsWriter(std::string path, const std::vector<Entry>& entries);

  // Appends data in entry order.
  void write(const float* data, std::size_t count);
  void commit();

 private:
  output::AtomicFile file_;
  std::uint64_t remaining_ = 0;
};

}  // namespace maskbench::safetensors
