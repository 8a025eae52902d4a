#include "maskbench/input.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace maskbench::input {

const char* file_type(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::uint64_t cap_bytes(std::uint64_t default_mib) {
  std::uint64_t mib = default_mib;
  if (const char* env = std::getenv("MASKBENCH_MAX_INPUT_MIB"); env != nullptr && *env != '\0') {
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(env, &end, 10);
    if (errno != 0 || *end != '\0' || v == 0 || v > (1ULL << 40) || env[0] == '-')
      throw InputError(fmt::format("MASKBENCH_MAX_INPUT_MIB '{}' is not a positive integer number of MiB", env));
    mib = v;
  }
  return mib << 20;
}

File::File(const std::filesystem::path& file, std::string_view what) : path_(file) {
  const auto not_regular = [&](mode_t mode) {
    return InputError(fmt::format("{}: is {}, expected {} as a regular file", file.string(), file_type(mode), what));
  };
  // A device is refused before it is opened: opening one can have effects
  // (a tape rewinds, a terminal becomes controlling).
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) throw not_regular(st.st_mode);
  // O_NONBLOCK: opening a FIFO for reading must not wait for a writer; the
  // type is checked again on the open descriptor, so a file swapped after
  // the stat cannot slip through.
  fd_ = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd_ < 0) {
    const int err = errno;
    if (err == ENOENT) throw InputError(fmt::format("{}: does not exist, expected {}", file.string(), what));
    if (err == ELOOP) throw InputError(fmt::format("{}: is a symbolic link loop, expected {}", file.string(), what));
    throw InputError(fmt::format("{}: cannot be opened ({}), expected {}", file.string(), std::strerror(err), what));
  }
  if (::fstat(fd_, &st) != 0) {
    const int err = errno;
    ::close(fd_);
    throw InputError(fmt::format("{}: cannot be examined ({})", file.string(), std::strerror(err)));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd_);
    throw not_regular(st.st_mode);
  }
  size_ = static_cast<std::uint64_t>(st.st_size);
}

File::~File() { ::close(fd_); }

void File::read_at(std::uint64_t offset, void* out, std::size_t n) const {
  auto* p = static_cast<char*>(out);
  while (n > 0) {
    const ssize_t got = ::pread(fd_, p, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw InputError(fmt::format("{}: read failed ({})", path_.string(), std::strerror(errno)));
    if (got == 0) throw InputError(fmt::format("{}: ends early, at byte {}", path_.string(), offset));
    p += got;
    offset += static_cast<std::uint64_t>(got);
    n -= static_cast<std::size_t>(got);
  }
}

std::string read_file(const std::filesystem::path& file, std::string_view what, std::uint64_t cap) {
  const File f(file, what);
  const auto too_big = [&] {
    return InputError(fmt::format("{}: is larger than the {} MiB limit for {} (set MASKBENCH_MAX_INPUT_MIB to raise it)",
                                  file.string(), cap >> 20, what));
  };
  if (f.size() > cap) throw too_big();
  // The size from fstat is a hint: a file that grows while it is read is
  // still cut at the cap.
  std::string out;
  out.resize(static_cast<std::size_t>(f.size()));
  std::size_t have = 0;
  for (;;) {
    if (have == out.size()) {
      if (out.size() > cap) throw too_big();
      out.resize(std::max<std::size_t>(out.size() * 2, 4096));
    }
    const ssize_t got = ::read(f.fd(), out.data() + have, out.size() - have);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw InputError(fmt::format("{}: read failed ({})", file.string(), std::strerror(errno)));
    if (got == 0) break;
    have += static_cast<std::size_t>(got);
  }
  if (have > cap) throw too_big();
  out.resize(have);
  return out;
}

}  // namespace maskbench::input
