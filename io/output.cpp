#include "maskbench/output.hpp"

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>
#include <random>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "maskbench/input.hpp"

namespace maskbench::output {
namespace {

// The temporaries alive now, for the signal handler. A handler may run at
// any instruction, so it reads only lock-free atomics and fixed arrays, and
// calls only async-signal-safe functions (unlinkat, sigaction, raise).
struct Slot {
  enum : int { kFree, kFilling, kLive };
  std::atomic<int> state{kFree};
  int dir_fd = -1;
  char name[NAME_MAX + 1] = {};
};
static_assert(std::atomic<int>::is_always_lock_free);
std::array<Slot, 16> g_slots;

constexpr std::array<int, 3> kSignals = {SIGINT, SIGTERM, SIGHUP};

extern "C" void remove_temporaries_and_die(int sig) {
  for (Slot& s : g_slots)
    if (s.state.load() == Slot::kLive) ::unlinkat(s.dir_fd, s.name, 0);
  // Die of the same signal, as the default action would have: the exit
  // status tells the parent (a shell, run_all.sh) what happened.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  ::sigaction(sig, &dfl, nullptr);
  ::raise(sig);  // blocked until the handler returns, then fatal
}

// Only where the action is still the default: a signal the parent told us to
// ignore stays ignored, and a handler someone else installed stays theirs.
void install_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int sig : kSignals) {
      struct sigaction old {};
      if (::sigaction(sig, nullptr, &old) != 0 || (old.sa_flags & SA_SIGINFO) != 0 || old.sa_handler != SIG_DFL) continue;
      struct sigaction act {};
      act.sa_handler = remove_temporaries_and_die;
      sigemptyset(&act.sa_mask);
      for (int other : kSignals) sigaddset(&act.sa_mask, other);
      ::sigaction(sig, &act, nullptr);
    }
  });
}

// Blocks the signals above for its lifetime: creating a temporary and
// recording it, or renaming it and forgetting it, happen as one step for
// the handler.
class SignalsBlocked {
 public:
  SignalsBlocked() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : kSignals) sigaddset(&set, sig);
    ::pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  ~SignalsBlocked() { ::pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  SignalsBlocked(const SignalsBlocked&) = delete;
  SignalsBlocked& operator=(const SignalsBlocked&) = delete;

 private:
  sigset_t old_;
};

int record(int dir_fd, const std::string& name) {
  for (std::size_t i = 0; i < g_slots.size(); ++i) {
    int expected = Slot::kFree;
    if (!g_slots[i].state.compare_exchange_strong(expected, Slot::kFilling)) continue;
    g_slots[i].dir_fd = dir_fd;
    std::memcpy(g_slots[i].name, name.c_str(), name.size() + 1);
    g_slots[i].state.store(Slot::kLive);
    return static_cast<int>(i);
  }
  return -1;
}

void forget(int slot) {
  if (slot >= 0) g_slots[static_cast<std::size_t>(slot)].state.store(Slot::kFree);
}

// ".<target name>.<12 random letters and digits>": hidden, recognisably
// ours, and not guessable by whoever prepared the directory.
std::string temporary_name(const std::string& target_name) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::string out(1, '.');
  out.append(target_name, 0, 200);
  out += '.';
  for (int i = 0; i < 12; ++i) out += kAlphabet[rd() % kAlphabet.size()];
  return out;
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path target) : target_(std::move(target)) {
  const std::string shown = target_.string();
  name_ = target_.filename().string();
  if (name_.empty() || name_ == "." || name_ == "..")
    throw OutputError(fmt::format("{}: names a directory; name a file to write", shown));
  const std::filesystem::path dir = target_.has_parent_path() ? target_.parent_path() : ".";
  dir_fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd_ < 0)
    throw OutputError(fmt::format("{}: cannot be written: directory {}: {}", shown, dir.string(), std::strerror(errno)));
  // Renaming over a directory, device, FIFO or socket would replace it; a
  // link is replaced, never followed, but not when it leads to one of those.
  struct stat st {};
  if (::fstatat(dir_fd_, name_.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    std::string problem;
    if (S_ISLNK(st.st_mode)) {
      if (::fstatat(dir_fd_, name_.c_str(), &st, 0) == 0 && !S_ISREG(st.st_mode))
        problem = fmt::format("is a symbolic link to {}", input::file_type(st.st_mode));
    } else if (!S_ISREG(st.st_mode)) {
      problem = fmt::format("exists and is not a regular file ({})", input::file_type(st.st_mode));
    }
    if (!problem.empty()) {
      ::close(dir_fd_);
      throw OutputError(fmt::format("{}: {}; name a file to write", shown, problem));
    }
  }
  install_handlers();
  const SignalsBlocked blocked;
  int err = 0;
  for (int attempt = 0; attempt < 100 && fd_ < 0; ++attempt) {
    temp_name_ = temporary_name(name_);
    fd_ = ::openat(dir_fd_, temp_name_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    err = errno;
    if (fd_ < 0 && err != EEXIST) break;
  }
  if (fd_ < 0) {
    ::close(dir_fd_);
    dir_fd_ = -1;
    throw OutputError(fmt::format("{}: cannot be written: no temporary file can be created in {}: {}", shown,
                                  dir.string(), std::strerror(err)));
  }
  slot_ = record(dir_fd_, temp_name_);
  if (slot_ < 0) {
    discard();
    throw OutputError(fmt::format("{}: cannot be written: too many files are being written at once", shown));
  }
}

AtomicFile::~AtomicFile() { discard(); }

void AtomicFile::discard() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (slot_ >= 0) ::unlinkat(dir_fd_, temp_name_.c_str(), 0);
  forget(slot_);
  slot_ = -1;
  if (dir_fd_ >= 0) ::close(dir_fd_);
  dir_fd_ = -1;
}

void AtomicFile::fail(std::string_view what, int err) {
  discard();
  throw OutputError(fmt::format("{}: {}: {}", target_.string(), what, std::strerror(err)));
}

void AtomicFile::write(std::string_view bytes) {
  if (fd_ < 0) throw std::logic_error("AtomicFile::write after commit or failure");
  while (!bytes.empty()) {
    const ssize_t w = ::write(fd_, bytes.data(), bytes.size());
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) fail("writing failed", w < 0 ? errno : EIO);
    bytes.remove_prefix(static_cast<std::size_t>(w));
  }
}

void AtomicFile::commit() {
  if (fd_ < 0) throw std::logic_error("AtomicFile::commit twice or after a failure");
  if (::fsync(fd_) != 0) fail("cannot be flushed to disk", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail("cannot be flushed to disk", errno);
  int err = 0;
  {
    const SignalsBlocked blocked;
    if (::renameat(dir_fd_, temp_name_.c_str(), dir_fd_, name_.c_str()) == 0) {
      forget(slot_);
      slot_ = -1;
    } else {
      err = errno;
    }
  }
  if (err != 0) fail("cannot be renamed into place", err);
  // The rename itself is durable only once the directory is; a file system
  // that cannot sync directories (EINVAL) has nothing more to offer.
  if (::fsync(dir_fd_) != 0 && errno != EINVAL) fail("was written, but its directory cannot be flushed to disk", errno);
  discard();
}

void write_atomically(const std::filesystem::path& target, std::string_view content) {
  AtomicFile f(target);
  f.write(content);
  f.commit();
}

}  // namespace maskbench::output
