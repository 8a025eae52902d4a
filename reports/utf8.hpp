#pragma once
// Decoding untrusted bytes as UTF-8, one code point at a time, for the
// escaping of each sink (escape.hpp, html.hpp): a sink replaces or spells
// out what it cannot hold, and never passes invalid UTF-8 through.
#include <cstddef>
#include <string_view>

namespace maskbench::utf8 {

inline constexpr char32_t kInvalid = 0xFFFFFFFF;

// The code point at text[i], advancing i past it; kInvalid, advancing one
// byte, where no shortest-form UTF-8 sequence of a Unicode scalar value
// starts there.
inline char32_t next(std::string_view text, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return ++i, lead;
  std::size_t len = 0;
  char32_t cp = 0, min = 0;
  if ((lead & 0xE0) == 0xC0) {
    len = 2, cp = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    len = 3, cp = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    len = 4, cp = lead & 0x07, min = 0x10000;
  } else {
    return ++i, kInvalid;
  }
  if (len > text.size() - i) return ++i, kInvalid;
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return ++i, kInvalid;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return ++i, kInvalid;
  i += len;
  return cp;
}

}  // namespace maskbench::utf8
