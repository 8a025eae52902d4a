#pragma once
// The one way maskbench writes a file: reports, gate summaries, JUnit XML,
// merged checkpoints. The directory written to may have been prepared by
// someone else (a results directory from a pull request, a shared folder),
// so no name in it is trusted:
//  - the data goes to a temporary file created beside the target with an
//    unpredictable name, O_CREAT | O_EXCL | O_NOFOLLOW: a file or symbolic
//    link planted under any name is never opened, never written through;
//  - the temporary is fsynced and renamed over the target, then the
//    directory is fsynced: the target holds the old content or the new,
//    never part of it, even after a power cut;
//  - on any error, on destruction before commit(), and on SIGINT, SIGTERM
//    or SIGHUP (a handler installed where the signal's action is the
//    default) the temporary is removed;
//  - a target that is a symbolic link is replaced by the new file (rename
//    replaces the link, it never writes to what the link names), provided
//    the link leads to a regular file or nowhere; a target that is, or whose
//    link leads to, a directory, device, FIFO or socket is refused, since
//    renaming over it would replace it (e.g. -o /dev/full or /dev/stdout run
//    as root).
// Errors are OutputError, one line naming the target and the reason.
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include "maskbench/export.hpp"

namespace maskbench::output {

struct MB_API OutputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A file being written: write() any number of times (streaming writers
// such as the safetensors merge write tensor by tensor), then commit().
class MB_API AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  // Removes the temporary unless commit() succeeded.
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view bytes);
  void write(const void* data, std::size_t n) { write(std::string_view(static_cast<const char*>(data), n)); }
  // fsync, rename over the target, fsync the directory. At most once.
  void commit();

  const std::filesystem::path& target() const { return target_; }

 private:
  void discard() noexcept;
  [[noreturn]] void fail(std::string_view what, int err);

  std::filesystem::path target_;
  std::string name_;       // the target's file name in its directory
  std::string temp_name_;  // the temporary's file name in the same directory
  int dir_fd_ = -1;
  int fd_ = -1;
  int slot_ = -1;  // the signal handler's record of the temporary
};

// The whole content at once.
MB_API void write_atomically(const std::filesystem::path& target, std::string_view content);

}  // namespace maskbench::output
