#include "junit.hpp"

#include <fmt/format.h>

#include "escape.hpp"
#include "results.hpp"

namespace maskbench::junit {

using escape::xml_attribute;
using results::ResultsError;
namespace {

struct Where {
  const std::filesystem::path& source;
  std::string what;
};

const nlohmann::json& member(const nlohmann::json& j, const char* key, const Where& w) {
  if (!j.is_object() || !j.contains(key))
    throw ResultsError(fmt::format("{}: {} has no field '{}'", w.source.string(), w.what, key));
  return j.at(key);
}

std::string text(const nlohmann::json& j, const char* key, const Where& w, std::string fallback = "") {
  if (!j.contains(key)) return fallback;
  const nlohmann::json& v = j.at(key);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return v.dump();
  throw ResultsError(fmt::format("{}: {} field '{}' is neither a string nor a number", w.source.string(), w.what, key));
}

// GoogleTest writes durations as "0.012s"; JUnit wants seconds as a number.
std::string seconds(const nlohmann::json& j, const Where& w) {
  std::string t = text(j, "time", w, "0s");
  if (t.ends_with('s')) t.pop_back();
  return t.empty() ? "0" : t;
}

struct Counts {
  int tests = 0, failures = 0, skipped = 0;
};

std::string testcase(const nlohmann::json& t, const std::string& suite, const Where& suite_where, Counts& c) {
  const Where w{suite_where.source, suite_where.what + " test"};
  const std::string name = text(t, "name", w);
  if (name.empty()) throw ResultsError(fmt::format("{}: a test of {} has no name", w.source.string(), suite_where.what));
  std::string out = fmt::format("    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"", xml_attribute(name),
                                xml_attribute(text(t, "classname", w, suite)), xml_attribute(seconds(t, w)));
  if (t.contains("value_param")) out += fmt::format(" value_param=\"{}\"", xml_attribute(text(t, "value_param", w)));
  std::string body;
  const nlohmann::json failures = t.value("failures", nlohmann::json::array());
  if (!failures.is_array())
    throw ResultsError(fmt::format("{}: test '{}' field 'failures' is not an array", w.source.string(), name));
  for (const nlohmann::json& f : failures) {
    const std::string message = text(f, "failure", Where{w.source, "a failure of test '" + name + "'"});
    body += fmt::format("      <failure message=\"{}\" type=\"\">{}</failure>\n",
                        xml_attribute(message.substr(0, message.find('\n'))), escape::xml_text(message));
  }
  ++c.tests;
  if (!failures.empty()) {
    ++c.failures;
  } else if (text(t, "result", w) == "SKIPPED") {
    ++c.skipped;
    body += fmt::format("      <skipped message=\"{}\"/>\n", xml_attribute(results::gtest_skip_reason(t)));
  }
  return body.empty() ? out + "/>\n" : out + ">\n" + body + "    </testcase>\n";
}

}  // namespace

std::string from_gtest_json(const nlohmann::json& gtest, const std::filesystem::path& source) {
  const Where top{source, "the document"};
  const nlohmann::json& suites = member(gtest, "testsuites", top);
  if (!suites.is_array())
    throw ResultsError(fmt::format("{}: field 'testsuites' is not an array (not a GoogleTest JSON file)", source.string()));
  Counts total;
  std::string body;
  for (const nlohmann::json& s : suites) {
    const std::string name = text(s, "name", Where{source, "a test suite"});
    const Where w{source, "test suite '" + name + "'"};
    const nlohmann::json& tests = member(s, "testsuite", w);
    if (!tests.is_array()) throw ResultsError(fmt::format("{}: {} field 'testsuite' is not an array", source.string(), w.what));
    Counts c;
    std::string cases;
    for (const nlohmann::json& t : tests) cases += testcase(t, name, w, c);
    body += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" errors=\"0\" time=\"{}\">\n{}  </testsuite>\n",
                        xml_attribute(name), c.tests, c.failures, c.skipped, xml_attribute(seconds(s, w)), cases);
    total.tests += c.tests;
    total.failures += c.failures;
    total.skipped += c.skipped;
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" errors=\"0\" time=\"{}\" timestamp=\"{}\">\n{}</testsuites>\n",
      xml_attribute(text(gtest, "name", top, "AllTests")), total.tests, total.failures, total.skipped,
      xml_attribute(seconds(gtest, top)), xml_attribute(text(gtest, "timestamp", top)), body);
}

}  // namespace maskbench::junit
