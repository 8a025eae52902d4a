#pragma once
// Runs an external tool (binutils, llvm-mca) without a shell: arguments are
// passed as they are, never parsed, so a file name from anywhere cannot
// become a command. The tool is looked up in PATH.
#include <optional>
#include <string>
#include <vector>

namespace maskbench::tool {

struct Run {
  bool started = false;  // false where the tool is not in PATH or could not start
  int exit_code = -1;    // -1 where it did not exit normally
  std::string out;       // its standard output
  std::string err;       // its standard error, the first kMaxErr bytes
};
inline constexpr std::size_t kMaxErr = 1 << 16;

Run run(const std::vector<std::string>& argv);

// Standard output of a run that started and exited 0; nullopt otherwise.
std::optional<std::string> capture(const std::vector<std::string>& argv);

// A file for a tool's input in the temporary directory ($TMPDIR or /tmp),
// removed when this goes out of scope.
class TempFile {
 public:
  explicit TempFile(const std::string& contents);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace maskbench::tool
