// The contract of each sink's escaper (reports/escape.hpp), on fixed cases
// and on random byte strings (the seed is printed; MB_ESCAPE_SEED repeats a
// run).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

#include "escape.hpp"

namespace maskbench::escape {
namespace {

// Independent of escape.cpp's decoder: true when `s` is well-formed UTF-8
// (shortest forms, no surrogates, nothing above U+10FFFF), and each code
// point passes `ok`.
template <class Ok>
bool utf8_all(const std::string& s, Ok ok) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const int n = b < 0x80 ? 1 : b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    char32_t cp = n == 1 ? b : b & (0x7F >> n);
    for (int k = 1; k < n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = cp << 6 | (c & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF) || !ok(cp))
      return false;
    i += n;
  }
  return true;
}

bool starts_command(const std::string& line) {
  const std::size_t first = line.find_first_not_of(' ');
  return first != std::string::npos && line.compare(first, 2, "::") == 0;
}

bool no_terminal_control(char32_t cp) {
  return cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp <= 0x9F) && cp != 0x2028 && cp != 0x2029 &&
         !(cp >= 0x202A && cp <= 0x202E) && !(cp >= 0x2066 && cp <= 0x2069);
}

TEST(Escape, TerminalFixedCases) {
  EXPECT_EQ(terminal("a\nb\rc\td\x1b[31m\x7f"), "a\\nb\\rc\\td\\x1b[31m\\x7f");
  EXPECT_EQ(terminal("back\\slash"), "back\\\\slash");
  EXPECT_EQ(terminal("::error::x"), "\\x3a:error::x");
  EXPECT_EQ(terminal("  ::x"), "  \\x3a:x");
  EXPECT_EQ(terminal("a ::x"), "a ::x");
  EXPECT_EQ(terminal("x ##[error]y #"), "x ##\\x5berror]y \\x23");
  EXPECT_EQ(terminal("\xff\xc3(\xed\xa0\x80"), "\\xff\\xc3(\\xed\\xa0\\x80");
  EXPECT_EQ(terminal("\u202e\u2028\xc2\xa0\xc2\x85"), "\\u{202E}\\u{2028}\\u{00A0}\\u{0085}");
  EXPECT_EQ(terminal("caf\u00e9 \u4e2d"), "caf\u00e9 \u4e2d");
}

TEST(Escape, MarkdownFixedCases) {
  EXPECT_EQ(markdown_code("a|b`c\nd"), "`a\\|b\\x60c\\nd`");
  EXPECT_EQ(markdown_code(""), "` `");
  EXPECT_EQ(markdown_code("<img src=x>"), "`<img src=x>`");
}

TEST(Escape, ActionsFixedCases) {
  EXPECT_EQ(actions_message("50% done\r\nnext: a,b"), "50%25 done%0D%0Anext: a,b");
  EXPECT_EQ(actions_property("file: a,b%"), "file%3A a%2Cb%25");
  EXPECT_EQ(actions_message("\x1b[31m"), "\\x1b[31m");
}

TEST(Escape, XmlFixedCases) {
  EXPECT_EQ(xml_text("a<b>&\"'\r\n\t\x01\uFFFE\xff"), "a&lt;b&gt;&amp;&quot;&#39;&#13;\n\t\uFFFD\uFFFD\uFFFD");
  EXPECT_EQ(xml_attribute("a\tb\nc"), "a&#9;b&#10;c");
}

// Random bytes, biased towards the characters that matter.
std::string random_text(std::mt19937_64& rng) {
  static const std::string pieces[] = {":", "::", "#", "##", "[", "|", "`", "\\", " ", "\n", "\r", "\x1b", "\x7f",
                                       "\xc2\x85", "\xe2\x80\xa8", "\xe2\x80\xae", "\xef\xbf\xbe", "\xff", "\xed\xa0\x80",
                                       "%", ",", "<", "&", "a", "\xc3\xa9"};
  std::string s;
  const std::size_t n = rng() % 12;
  for (std::size_t i = 0; i < n; ++i)
    s += rng() % 4 == 0 ? std::string(1, static_cast<char>(rng())) : pieces[rng() % std::size(pieces)];
  return s;
}

TEST(Escape, RandomTextKeepsEveryContract) {
  std::uint64_t seed = std::random_device{}();
  if (const char* s = std::getenv("MB_ESCAPE_SEED")) seed = std::strtoull(s, nullptr, 0);
  std::cout << "seed " << seed << " (MB_ESCAPE_SEED repeats it)\n";
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 20000; ++round) {
    const std::string a = random_text(rng), b = random_text(rng);
    const std::string line = terminal(a) + terminal(b);
    ASSERT_TRUE(utf8_all(line, no_terminal_control)) << "seed " << seed << " terminal: " << testing::PrintToString(a + b);
    ASSERT_FALSE(starts_command(line)) << "seed " << seed << ": " << testing::PrintToString(a + b);
    ASSERT_EQ(line.find("##["), std::string::npos) << "seed " << seed << ": " << testing::PrintToString(a + b);

    const std::string md = markdown_code(a);
    ASSERT_TRUE(md.size() >= 3 && md.front() == '`' && md.back() == '`' &&
                md.find('`', 1) == md.size() - 1)
        << "seed " << seed << " markdown: " << testing::PrintToString(a);
    // GFM reads backslashes in pairs: a bar stays in its cell after an odd run.
    for (std::size_t i = md.find('|'); i != std::string::npos; i = md.find('|', i + 1))
      ASSERT_EQ((i - 1 - md.find_last_not_of('\\', i - 1)) % 2, 1u)
          << "seed " << seed << " bare bar: " << testing::PrintToString(a);

    for (const std::string& cmd : {actions_message(a), actions_property(a)})
      ASSERT_TRUE(utf8_all(cmd, no_terminal_control)) << "seed " << seed << " actions: " << testing::PrintToString(a);
    ASSERT_EQ(actions_property(a).find_first_of(":,"), std::string::npos) << "seed " << seed;

    for (const std::string& x : {xml_text(a), xml_attribute(a)})
      ASSERT_TRUE(utf8_all(x, [](char32_t cp) {
        return (cp >= 0x20 || cp == '\t' || cp == '\n') && cp != 0xFFFE && cp != 0xFFFF && cp != '<' && cp != '"';
      })) << "seed " << seed << " xml: " << testing::PrintToString(a);
  }
}

}  // namespace
}  // namespace maskbench::escape
