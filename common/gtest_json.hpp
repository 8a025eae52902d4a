#pragma once
// GoogleTest's JSON output (conformance.json), read once for every reader:
// the results loader (report, summary, compare, gate) and `maskbench junit`
// see the same document, so a file one of them refuses, the other refuses
// with the same message.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace maskbench::gtest {

struct Test {
  std::string name;       // "SelectEverySizePatternAndOffset/avx2"
  std::string classname;  // the suite's name where absent
  std::string time = "0";  // seconds, without GoogleTest's trailing s
  std::string result;      // "COMPLETED", "SKIPPED", ...
  std::optional<std::string> value_param;
  std::vector<std::string> failures;  // each failure's full text
  // Why it was skipped: the "skipped" message where GoogleTest writes one,
  // else the skip_reason property that the conformance binary records
  // (GoogleTest 1.12 drops skip messages); "" if neither is there.
  std::string skip_reason;

  bool skipped() const { return failures.empty() && result == "SKIPPED"; }
};

struct Suite {
  std::string name;  // "Impl/Cond"
  std::string time = "0";
  std::vector<Test> tests;
};

struct Document {
  std::string name = "AllTests";
  std::string time = "0";
  std::string timestamp;
  // maskbench's own properties (schema.hpp): the schema version, 1 where
  // absent (written before the tag existed); the level, "unknown" where absent.
  int schema_version = 1;
  std::string maskbench_level = "unknown";
  std::vector<Suite> suites;
};

// Reads and checks every field used; throws input::InputError naming `file`
// and the JSON path ("testsuites[0].testsuite[3].failures").
Document read(const nlohmann::json& document, const std::string& file);

}  // namespace maskbench::gtest
