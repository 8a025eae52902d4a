#include "junit.hpp"

#include <fmt/format.h>

#include "escape.hpp"
#include "gtest_json.hpp"

namespace maskbench::junit {

using escape::xml_attribute;
namespace {

std::string testcase(const gtest::Test& t) {
  std::string out = fmt::format("    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"", xml_attribute(t.name),
                                xml_attribute(t.classname), xml_attribute(t.time));
  if (t.value_param) out += fmt::format(" value_param=\"{}\"", xml_attribute(*t.value_param));
  std::string body;
  for (const std::string& message : t.failures)
    body += fmt::format("      <failure message=\"{}\" type=\"\">{}</failure>\n",
                        xml_attribute(message.substr(0, message.find('\n'))), escape::xml_text(message));
  if (t.skipped()) body += fmt::format("      <skipped message=\"{}\"/>\n", xml_attribute(t.skip_reason));
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
                        xml_attribute(s.name), s.tests.size(), suite_failures, suite_skipped, xml_attribute(s.time),
                        cases);
    tests += s.tests.size();
    failures += suite_failures;
    skipped += suite_skipped;
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" errors=\"0\" time=\"{}\" timestamp=\"{}\">\n{}</testsuites>\n",
      xml_attribute(d.name), tests, failures, skipped, xml_attribute(d.time), xml_attribute(d.timestamp), body);
}

}  // namespace maskbench::junit
