#pragma once
// TEMPORARY, minimal escaping for the paired gate's Markdown and terminal
// output, until the shared escaping header (Markdown, Actions, terminal)
// lands; then these go and its functions are used instead.
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace maskbench::paired_escape {

// Bytes outside printable ASCII as \xNN, and the backslash doubled: no
// control sequence, no line break, no C1 control in any encoding.
inline std::string terminal(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\') out += "\\\\";
    else if (u < 0x20 || u >= 0x7f) out += fmt::format("\\x{:02x}", u);
    else out += c;
  }
  return out;
}

// Untrusted text as Markdown code in a table cell: a backtick would end the
// code span and a bar the cell; everything else is literal inside code.
inline std::string markdown_code(std::string_view text) {
  std::string out = "`";
  for (char c : terminal(text)) out += c == '`' ? std::string("'") : c == '|' ? std::string("\\|") : std::string(1, c);
  return out + "`";
}

}  // namespace maskbench::paired_escape
