#include "gtest_json.hpp"

#include <fmt/format.h>

#include "json_fields.hpp"

namespace maskbench::gtest {
namespace {

using input::Field;
using input::kOptional;
using input::kRequired;
using input::Node;

constexpr Field<Test> kTestFields[] = {
    {"name", kRequired, "a string", [](const Node& v, Test& t) { t.name = v.text(); }},
    {"classname", kOptional, "", [](const Node& v, Test& t) { t.classname = v.text(); }},
    {"time", kOptional, "", [](const Node& v, Test& t) { t.time = v.seconds(); }},
    {"result", kOptional, "", [](const Node& v, Test& t) { t.result = v.text(); }},
    {"value_param", kOptional, "", [](const Node& v, Test& t) { t.value_param = v.text(); }},
    {"failures", kOptional, "",
     [](const Node& v, Test& t) {
       v.each([&](const Node& f) {
         f.require_object();
         const std::optional<Node> text = f.find("failure");
         t.failures.push_back(text ? text->text() : std::string());
       });
     }},
    // The message wins over skip_reason: the table is read in order.
    {schema::kSkipReasonProperty, kOptional, "", [](const Node& v, Test& t) { t.skip_reason = v.text(); }},
    {"skipped", kOptional, "",
     [](const Node& v, Test& t) {
       if (const std::optional<Node> m = v.find("message"); m && !m->text().empty()) t.skip_reason = m->text();
     }},
};

constexpr Field<Suite> kSuiteFields[] = {
    {"name", kRequired, "a string", [](const Node& v, Suite& s) { s.name = v.text(); }},
    {"time", kOptional, "", [](const Node& v, Suite& s) { s.time = v.seconds(); }},
    {"testsuite", kRequired, "an array of tests",
     [](const Node& v, Suite& s) {
       v.each([&](const Node& t) {
         Test test;
         test.classname = s.name;
         input::read_fields(t, kTestFields, test);
         s.tests.push_back(std::move(test));
       });
     }},
};

constexpr Field<Document> kDocumentFields[] = {
    {"name", kOptional, "", [](const Node& v, Document& d) { d.name = v.text(); }},
    {"time", kOptional, "", [](const Node& v, Document& d) { d.time = v.seconds(); }},
    {"timestamp", kOptional, "", [](const Node& v, Document& d) { d.timestamp = v.text(); }},
    {schema::kSchemaProperty, kOptional, "",
     [](const Node& v, Document& d) { d.schema_version = input::schema_version(v, schema::Document::conformance); }},
    {schema::kLevelProperty, kOptional, "", [](const Node& v, Document& d) { d.maskbench_level = v.text(); }},
    {"testsuites", kRequired, "an array of test suites",
     [](const Node& v, Document& d) {
       v.each([&](const Node& s) {
         Suite suite;
         input::read_fields(s, kSuiteFields, suite);
         d.suites.push_back(std::move(suite));
       });
     }},
};

}  // namespace

Document read(const nlohmann::json& document, const std::string& file) {
  if (!document.is_object() || !document.contains("testsuites"))
    throw input::InputError(
        fmt::format("{}: not a GoogleTest JSON file (expected an object with a testsuites array)", file));
  Document d;
  input::read_fields(Node(document, file), kDocumentFields, d);
  return d;
}

}  // namespace maskbench::gtest
