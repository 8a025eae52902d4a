#pragma once
// safetensors files (https://github.com/huggingface/safetensors): an 8-byte
// little-endian header length N, N bytes of JSON mapping each tensor name to
// {dtype, shape, data_offsets: [begin, end)} relative to the data section,
// then the data section. Readers memory-map the file; every field is checked
// and a bad one throws UsageError naming the file, the tensor and the problem.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace maskbench::cli {

enum class Dtype { f32, bf16, f16 };
std::string_view dtype_name(Dtype d);
std::size_t dtype_bytes(Dtype d);

struct Tensor {
  std::string name;
  Dtype dtype;
  std::vector<std::uint64_t> shape;
  std::uint64_t elements = 0;
  const unsigned char* data = nullptr;  // inside the mapping, maybe unaligned
};

class SafetensorsFile {
 public:
  explicit SafetensorsFile(std::string path);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::string& path() const { return path_; }
  // Sorted by name.
  const std::vector<Tensor>& tensors() const { return tensors_; }
  const Tensor* find(std::string_view name) const;

 private:
  std::string path_;
  void* map_ = nullptr;
  std::size_t size_ = 0;
  std::vector<Tensor> tensors_;
};

// Elements [from, from + count) of t as f32 (bf16 and f16 widened exactly).
void read_as_f32(const Tensor& t, std::uint64_t from, std::size_t count, float* out);

// Writes an F32 safetensors file without ever leaving a partial one at `path`:
// the data goes to a temporary file in the same directory, which commit()
// renames over `path`; destroying the writer before commit() removes it.
class SafetensorsWriter {
 public:
  struct Entry {
    std::string name;
    std::vector<std::uint64_t> shape;
  };
  SafetensorsWriter(std::string path, const std::vector<Entry>& entries);
  ~SafetensorsWriter();
  SafetensorsWriter(const SafetensorsWriter&) = delete;
  SafetensorsWriter& operator=(const SafetensorsWriter&) = delete;

  // Appends data in entry order.
  void write(const float* data, std::size_t count);
  void commit();

 private:
  void put(const void* p, std::size_t n);

  std::string path_, temp_;
  int fd_ = -1;
  std::uint64_t remaining_ = 0;
};

}  // namespace maskbench::cli
