#pragma once
// JUnit XML from GoogleTest's JSON output. The conformance binary runs once,
// writing JSON (what the reports read); CI systems want JUnit XML, and
// GoogleTest writes only one of the two per run, so the XML is derived here
// instead of running the whole conformance suite a second time.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace maskbench::junit {

// The JUnit XML document for a GoogleTest JSON document. Every test keeps
// its suite, name, time and result; a failed test carries each failure
// message in full, a skipped one its reason. Characters that XML 1.0 cannot
// hold (control characters other than tab, newline and carriage return,
// U+FFFE, U+FFFF, invalid UTF-8) are written as U+FFFD (escape::xml_text and
// xml_attribute). The document is read by gtest::read, the reader that the
// results loader uses too: it throws input::InputError, naming `source` and
// the JSON path, for whatever the loader would refuse.
std::string from_gtest_json(const nlohmann::json& gtest, const std::filesystem::path& source);

}  // namespace maskbench::junit
