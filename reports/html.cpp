#include "html.hpp"

#include "utf8.hpp"

namespace maskbench::html {

namespace {

// What the HTML standard calls a parse error in the input stream: controls
// other than ASCII whitespace (C0, DEL, C1) and noncharacters.
bool parse_error(char32_t cp) {
  const bool whitespace = cp == '\t' || cp == '\n' || cp == '\f' || cp == '\r';
  return (cp < 0x20 && !whitespace) || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0xFDD0 && cp <= 0xFDEF) ||
         (cp & 0xFFFE) == 0xFFFE;
}

}  // namespace

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t start = i;
    const char32_t cp = utf8::next(text, i);
    switch (cp) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        if (cp == utf8::kInvalid || parse_error(cp))
          out += "\xEF\xBF\xBD";  // U+FFFD
        else
          out.append(text.substr(start, i - start));
    }
  }
  return out;
}

std::string script_json(const nlohmann::json& data) {
  const std::string raw = data.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default: out += c;
    }
  return out;
}

}  // namespace maskbench::html
