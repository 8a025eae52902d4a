#pragma once
// Putting untrusted text into a page. Every string from a results directory
// goes through one of these: escape() for element content and attribute
// values, script_json() for data inside <script>.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace maskbench::html {

// &, <, >, " and ' as character references; every character the HTML
// standard makes a parse error in the input stream (C0 controls other than
// tab, LF, FF and CR; DEL; C1 controls; noncharacters such as U+FFFE) and
// every byte of invalid UTF-8 as U+FFFD, so no escape sequence or
// noncharacter reaches the page.
std::string escape(std::string_view text);

// JSON that is safe inside <script type="application/json">: <, > and & as
// \u escapes (no "</script>" or "<!--" can appear), everything outside ASCII
// as \u escapes (so U+2028 and U+2029 cannot end a line), and invalid UTF-8
// replaced rather than fatal.
std::string script_json(const nlohmann::json& data);

}  // namespace maskbench::html
