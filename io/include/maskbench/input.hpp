#pragma once
// The one way maskbench reads a file it did not write itself: results files
// from other machines, checkpoints from the internet, markers left by an
// interrupted run. Every such file is untrusted:
//  - only a regular file is read; a FIFO, device, socket or directory is
//    refused by name, and opening never blocks (O_NONBLOCK, then fstat);
//  - each kind of file has a size cap, refused before anything is allocated
//    (MASKBENCH_MAX_INPUT_MIB raises every cap);
//  - JSON nesting deeper than kMaxJsonDepth is refused while parsing, before
//    any part of the document is built, so nothing that walks a parsed
//    document can recurse deeper than that.
// Errors are InputError, one line naming the file and what was expected.
// The JSON parser with the depth limit is maskbench/json_input.hpp.
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include <sys/types.h>

#include "maskbench/export.hpp"

namespace maskbench::input {

struct MB_API InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline constexpr int kMaxJsonDepth = 64;

// What a file that is not a regular file is, for messages: "a directory",
// "a FIFO (named pipe)", "a character device", ...
MB_API const char* file_type(mode_t mode);

// The cap of one kind of file, in bytes: `default_mib` MiB unless
// MASKBENCH_MAX_INPUT_MIB (a positive integer) is set. A malformed
// MASKBENCH_MAX_INPUT_MIB is an InputError, not a silent default.
MB_API std::uint64_t cap_bytes(std::uint64_t default_mib);

// An open regular file: read-only, close-on-exec.
class MB_API File {
 public:
  // Throws InputError "<file>: is a FIFO (named pipe), expected a regular
  // file" and the like; `what` names the kind of file in messages
  // ("bench.json", "a safetensors checkpoint").
  File(const std::filesystem::path& file, std::string_view what);
  ~File();
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  int fd() const { return fd_; }
  std::uint64_t size() const { return size_; }
  const std::filesystem::path& path() const { return path_; }
  // Reads exactly n bytes at `offset`; a short file is an InputError.
  void read_at(std::uint64_t offset, void* out, std::size_t n) const;

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

// The whole content of a regular file of at most `cap` bytes; an empty file
// is returned as "" (the caller says what that means).
MB_API std::string read_file(const std::filesystem::path& file, std::string_view what, std::uint64_t cap);

}  // namespace maskbench::input
