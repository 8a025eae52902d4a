#include "escape.hpp"

#include <fmt/format.h>

#include "utf8.hpp"

namespace maskbench::escape {
namespace {

using utf8::kInvalid;
using utf8::next;

// C1 controls, bidirectional formatting, and spaces that are invisible or
// break lines (what .NET's TrimStart, and so the Actions runner, skips).
bool hidden(char32_t cp) {
  return (cp >= 0x80 && cp <= 0xA0) || cp == 0x061C || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x200E ||
         cp == 0x200F || (cp >= 0x2028 && cp <= 0x202F) || cp == 0x205F || (cp >= 0x2066 && cp <= 0x2069) ||
         cp == 0x3000 || cp == 0xFEFF;
}

enum class Line { terminal, message, property };

// How a control character reads in a terminal: C's escapes where it has
// them, else \xNN.
std::string control(unsigned char c) {
  switch (c) {
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    default: return fmt::format("\\x{:02x}", c);
  }
}

// The percent-encoding of a workflow command, or nullptr.
const char* actions_code(char32_t cp, Line sink) {
  if (sink == Line::terminal) return nullptr;
  switch (cp) {
    case '%': return "%25";
    case '\r': return "%0D";
    case '\n': return "%0A";
    case ':': return sink == Line::property ? "%3A" : nullptr;
    case ',': return sink == Line::property ? "%2C" : nullptr;
    default: return nullptr;
  }
}

std::string line(std::string_view text, Line sink) {
  std::string out;
  out.reserve(text.size());
  bool leading = true;  // nothing but spaces so far
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t start = i;
    const char32_t cp = next(text, i);
    if (const char* code = actions_code(cp, sink))
      out += code;
    else if (cp == kInvalid || cp < 0x20 || cp == 0x7F)
      out += control(static_cast<unsigned char>(text[start]));
    else if (hidden(cp))
      out += fmt::format("\\u{{{:04X}}}", static_cast<unsigned>(cp));
    else if (cp == '\\')
      out += "\\\\";
    else if ((cp == ':' && leading) || (cp == '[' && out.ends_with('#')))
      out += fmt::format("\\x{:02x}", static_cast<unsigned>(cp));
    else
      out.append(text.substr(start, i - start));
    leading = leading && cp == ' ';
  }
  if (out.ends_with('#')) {
    out.pop_back();
    out += "\\x23";
  }
  return out;
}

std::string xml(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t start = i;
    const char32_t cp = next(text, i);
    switch (cp) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\r': out += "&#13;"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      default:
        if (cp == kInvalid || cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF)
          out += "\xEF\xBF\xBD";  // U+FFFD
        else
          out.append(text.substr(start, i - start));
    }
  }
  return out;
}

}  // namespace

std::string terminal(std::string_view text) { return line(text, Line::terminal); }

std::string actions_message(std::string_view text) { return line(text, Line::message); }

std::string actions_property(std::string_view text) { return line(text, Line::property); }

std::string markdown_code(std::string_view text) {
  if (text.empty()) return "` `";
  std::string out = "`";
  for (char c : terminal(text)) out += c == '`' ? "\\x60" : c == '|' ? "\\|" : std::string(1, c);
  return out + "`";
}

std::string xml_text(std::string_view text) { return xml(text, false); }

std::string xml_attribute(std::string_view text) { return xml(text, true); }

}  // namespace maskbench::escape
