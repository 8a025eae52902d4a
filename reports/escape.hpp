#pragma once
// Untrusted text (anything read from a results directory, a checkpoint, an
// INCOMPLETE marker or a command line) written into each kind of output.
// One function per sink, applied where the text is written, never earlier:
// a string escaped for one sink is garbage in another. HTML has its own
// (html.hpp). Input is bytes, usually UTF-8; invalid UTF-8 (including encoded
// surrogates, overlong forms and code points above U+10FFFF) is handled by
// every function below, never passed through.
#include <string>
#include <string_view>

namespace maskbench::escape {

// A fragment of one line of a terminal or of a CI log (stdout and stderr,
// GitHub Actions job logs). The result
//  - holds no C0 control, no DEL and no byte of invalid UTF-8: newline,
//    carriage return and tab are written \n, \r and \t, the others \xNN
//    (ESC as \x1b), one per byte;
//  - holds no C1 control (U+0080..U+009F), no bidirectional formatting
//    character (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069), and
//    no invisible or line-breaking space other than U+0020 (U+00A0, U+1680,
//    U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF): each is
//    written \u{XXXX};
//  - writes a backslash as \\, so the escaping reads back unambiguously;
//  - holds no "##[" (the Actions runner's legacy command prefix, which it
//    finds anywhere in a line; '[' after '#' is written \x5b) and does not
//    end with '#' (written \x23), so no "##[" forms where two fragments meet;
//  - does not start with ':' after any run of spaces (written \x3a): the
//    runner takes a line that starts with "::" after whitespace as a
//    workflow command, and this holds however fragments are joined.
// So printed text never ends a line, starts a workflow command, or moves
// the cursor, colours or retitles the terminal. Everything else, printable
// UTF-8 included, passes unchanged.
std::string terminal(std::string_view text);

// Inline code in GitHub-flavoured Markdown, valid in a paragraph, a list
// item or a table cell: "`" + terminal(text) + "`", with each backtick
// written \x60 (it cannot close the span) and each '|' written \| (it cannot
// end a table cell; GitHub shows it as '|' in a cell and as \| elsewhere).
// The result is one line; no HTML tag, entity, link, emphasis or heading in
// it is interpreted. Empty text gives "` `". As for any code span, one
// leading and one trailing space are dropped when both are present.
std::string markdown_code(std::string_view text);

// The message of a GitHub Actions workflow command (the text after the
// final "::"), encoded as the Actions documentation says: % as %25, CR as
// %0D, LF as %0A (the runner decodes these, so the message keeps its
// lines). Then every other character as terminal() writes it: no control
// character reaches the log.
std::string actions_message(std::string_view text);

// A property value of a workflow command (title=..., file=...): as
// actions_message(), and ':' as %3A, ',' as %2C, which would otherwise end
// the value.
std::string actions_property(std::string_view text);

// XML 1.0 element content: &, <, >, " and ' as references, CR as &#13; (a
// parser would turn a raw one into LF); every character XML 1.0 forbids (C0
// controls other than tab, LF and CR; U+FFFE; U+FFFF) and every byte of
// invalid UTF-8 (which is how a lone surrogate arrives) as U+FFFD. The
// document stays well-formed whatever the text.
std::string xml_text(std::string_view text);

// A double-quoted XML 1.0 attribute value: as xml_text(), and tab and LF as
// &#9; and &#10;, which a parser would otherwise normalise to spaces.
std::string xml_attribute(std::string_view text);

}  // namespace maskbench::escape
