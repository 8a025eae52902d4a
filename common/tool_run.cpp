#include "tool_run.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>

extern char** environ;

namespace maskbench::tool {
namespace {

std::string temp_dir() {
  const char* t = std::getenv("TMPDIR");
  return t != nullptr && *t == '/' ? t : "/tmp";
}

// A new file in the temporary directory, unlinked at once: its descriptor
// is all that is needed.
int anonymous_file() {
  std::string pattern = temp_dir() + "/maskbench-tool-XXXXXX";
  const int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (fd >= 0) ::unlink(pattern.c_str());
  return fd;
}

std::string read_all(int fd, std::size_t cap) {
  std::string out;
  char buf[1 << 16];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) {
    const std::size_t take = std::min(static_cast<std::size_t>(n), cap - std::min(cap, out.size()));
    out.append(buf, take);
  }
  return out;
}

}  // namespace

Run run(const std::vector<std::string>& argv) {
  Run r;
  if (argv.empty()) return r;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return r;
  // Standard error goes to a file, read after the tool exits: reading two
  // pipes in turn could block on the one the tool is not writing.
  const int err = anonymous_file();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (err >= 0)
    posix_spawn_file_actions_adddup2(&actions, err, STDERR_FILENO);
  else
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc == 0) r.out = read_all(fds[0], std::string::npos);
  ::close(fds[0]);
  if (rc == 0) {
    r.started = true;
    int status = 0;
    if (::waitpid(pid, &status, 0) == pid && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    if (err >= 0 && ::lseek(err, 0, SEEK_SET) == 0) r.err = read_all(err, kMaxErr);
  }
  if (err >= 0) ::close(err);
  return r;
}

std::optional<std::string> capture(const std::vector<std::string>& argv) {
  Run r = run(argv);
  if (!r.started || r.exit_code != 0) return std::nullopt;
  return std::move(r.out);
}

TempFile::TempFile(const std::string& contents) {
  std::string pattern = temp_dir() + "/maskbench-tool-XXXXXX";
  const int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(fmt::format("cannot create a temporary file in {}", temp_dir()));
  path_ = pattern;
  std::size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (done != contents.size()) {
    ::unlink(path_.c_str());
    throw std::runtime_error(fmt::format("cannot write the temporary file {}", path_));
  }
}

TempFile::~TempFile() { ::unlink(path_.c_str()); }

}  // namespace maskbench::tool
