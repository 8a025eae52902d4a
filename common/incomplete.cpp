#include "incomplete.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "maskbench/input.hpp"
#include "results.hpp"

namespace maskbench::results {
namespace {

namespace fs = std::filesystem;

// Only the start of the marker is read: its first line is the reason.
constexpr std::size_t kReasonBytes = 4096, kMaxReason = 300;

const char* entry_kind(fs::file_type t) {
  switch (t) {
    case fs::file_type::directory: return "a directory";
    case fs::file_type::symlink: return "a symbolic link";
    case fs::file_type::fifo: return "a FIFO (named pipe)";
    case fs::file_type::character: return "a character device";
    case fs::file_type::block: return "a block device";
    case fs::file_type::socket: return "a socket";
    default: return "not a regular file";
  }
}

// The first line of a regular marker, cut short and never split inside a
// UTF-8 sequence.
std::string first_line(const fs::path& marker) {
  const input::File f(marker, "the INCOMPLETE marker");
  std::string head(static_cast<std::size_t>(std::min<std::uint64_t>(f.size(), kReasonBytes)), '\0');
  f.read_at(0, head.data(), head.size());
  // A NUL ends the line too: it would end the message where it is printed.
  std::string line = head.substr(0, head.find_first_of(std::string_view("\r\n\0", 3)));
  if (line.size() > kMaxReason) {
    std::size_t cut = kMaxReason;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    line = line.substr(0, cut) + "...";
  }
  return line;
}

}  // namespace

std::optional<std::string> incomplete_reason(const fs::path& dir) {
  // Any entry of that name marks the directory, whatever it is: a dangling
  // or looping symlink, a FIFO or a directory must not pass for "complete".
  const fs::path marker = dir / "INCOMPLETE";
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(marker, ec);
  if (st.type() == fs::file_type::not_found) return std::nullopt;
  if (ec) return fmt::format("INCOMPLETE cannot be examined: {}", ec.message());
  // A symlink is not followed: its target could be any file of the reader's
  // (a secret whose first line would end up in a CI log), or a FIFO.
  if (st.type() != fs::file_type::regular) return fmt::format("INCOMPLETE is {}, not read", entry_kind(st.type()));
  try {
    const std::string why = first_line(marker);
    return why.empty() ? "no reason recorded" : why;
  } catch (const input::InputError& e) {
    return fmt::format("INCOMPLETE could not be read: {}", e.what());
  }
}

void require_complete(const fs::path& dir) {
  if (const std::optional<std::string> why = incomplete_reason(dir))
    throw ResultsError(
        fmt::format("{}: the run that wrote this directory did not finish ({}); rerun it", dir.string(), *why));
}

}  // namespace maskbench::results
