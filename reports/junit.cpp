#include "junit.hpp"

#include <fmt/format.h>

#include "gtest_json.hpp"
#include "html.hpp"

namespace maskbench::junit {
namespace {

// Text for XML element content or a double-quoted attribute value: HTML's
// escaping is XML's, once the control characters XML 1.0 forbids are gone.
std::string xml(std::string_view text) {
  std::string clean(text);
  for (char& c : clean)
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') c = '?';
  return html::escape(clean);
}

std::string testcase(const gtest::Test& t) {
  std::string out = fmt::format("    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"", xml(t.name), xml(t.classname),
                                xml(t.time));
  if (t.value_param) out += fmt::format(" value_param=\"{}\"", xml(*t.value_param));
  std::string body;
  for (const std::string& message : t.failures)
    body += fmt::format("      <failure message=\"{}\" type=\"\">{}</failure>\n",
                        xml(message.substr(0, message.find('\n'))), xml(message));
  if (t.skipped()) body += fmt::format("      <skipped message=\"{}\"/>\n", xml(t.skip_reason));
  return body.empty() ? out + "/>\n" : out + ">\n" + body + "    </testcase>\n";
}

}  // namespace

std::string from_gtest_json(const nlohmann::json& json, const std::filesystem::path& source) {
  const gtest::Document d = gtest::read(json, source.string());
  std::size_t tests = 0, failures = 0, skipped = 0;
  std::string body;
  for (const gtest::Suite& s : d.suites) {
    std::size_t suite_failures = 0, suite_skipped = 0;
    std::string cases;
    for (const gtest::Test& t : s.tests) {
      cases += testcase(t);
      suite_failures += !t.failures.empty();
      suite_skipped += t.skipped();
    }
    body += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" errors=\"0\" time=\"{}\">\n{}  </testsuite>\n",
                        xml(s.name), s.tests.size(), suite_failures, suite_skipped, xml(s.time), cases);
    tests += s.tests.size();
    failures += suite_failures;
    skipped += suite_skipped;
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" errors=\"0\" time=\"{}\" timestamp=\"{}\">\n{}</testsuites>\n",
      xml(d.name), tests, failures, skipped, xml(d.time), xml(d.timestamp), body);
}

}  // namespace maskbench::junit
