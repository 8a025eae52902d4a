// The results schema (common/schema.hpp): names and labels parse back to
// what was formatted, malformed ones are refused with the reason, and the
// version tag decides which results directories are read.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "results.hpp"
#include "schema.hpp"
#include "stable_sort.hpp"

namespace maskbench {
namespace {

const std::filesystem::path kFixtures = MB_FIXTURES;

TEST(Schema, NamesRoundTrip) {
  const schema::Name names[] = {
      {"cond", "select", "avx512-vbmi2", {{"n", "3072"}}},
      {"compress", "compress_f32", "avx2", {{"n", "2048"}, {"sel", "50"}, {"pattern", "random"}, {"variant", "pdep-pext"}}},
      {"vera", "read_bandwidth", "", {{"n", "1048576"}, {"streams", "8"}}},  // a probe: no implementation
      {"f", "k", "i", {}},
  };
  for (const schema::Name& n : names) {
    const std::string text = schema::format_name(n);
    const std::optional<schema::Name> back = schema::parse_name(text);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(*back, n) << text;
  }
  EXPECT_EQ(schema::format_name(names[0]), "cond/select/avx512-vbmi2/n:3072");
  EXPECT_EQ(schema::format_name(names[2]), "vera/read_bandwidth/n:1048576/streams:8");
}

// Every name of the recorded fixtures, written by the benchmark binary before
// the schema had a version, parses and formats back to itself.
TEST(Schema, RecordedNamesParseAndFormatBack) {
  for (const char* dir : {"gate-a", "hostile"})
    for (const results::Benchmark& b : results::load(kFixtures / dir).benchmarks) {
      const std::optional<schema::Name> n = schema::parse_name(b.name);
      ASSERT_TRUE(n) << b.name;
      EXPECT_EQ(schema::format_name(*n), b.name);
    }
}

TEST(Schema, MalformedNamesAreRefusedWithTheReason) {
  const std::pair<const char*, const char*> cases[] = {
      {"lonely", "it has no kernel part"},
      {"cond//avx2/n:1", "part 2 is empty"},
      {"cond/select/avx2/", "part 4 is empty"},
      {"cond/select/avx2/n", "part 4 'n' is not <key>:<value>"},
      {"cond/select/avx2/:3", "part 4 ':3' is not <key>:<value>"},
      {"cond/select/avx2/n:", "part 4 'n:' is not <key>:<value>"},
      {"cond/select/avx2/n:1:2", "part 4 'n:1:2' is not <key>:<value>"},
      {"cond/select/avx2/n:1/n:2", "the key 'n' comes twice"},
      // A '/' inside an implementation's name splits it.
      {"cond/select/<script>alert(1)</script>/n:3072", "part 4 'script>' is not <key>:<value>"},
  };
  for (const auto& [text, why] : cases) {
    std::string problem;
    EXPECT_FALSE(schema::parse_name(text, &problem)) << text;
    EXPECT_EQ(problem, why) << text;
  }
}

TEST(Schema, FormattingANameThatWouldNotParseBackIsABug) {
  EXPECT_THROW(schema::format_name({"cond", "select", "a/b", {}}), std::logic_error);
  EXPECT_THROW(schema::format_name({"cond", "select", "a:b", {}}), std::logic_error);
  EXPECT_THROW(schema::format_name({"", "select", "avx2", {}}), std::logic_error);
  EXPECT_THROW(schema::format_name({"cond", "select", "avx2", {{"n", ""}}}), std::logic_error);
  EXPECT_THROW(schema::format_name({"cond", "select", "avx2", {{"n", "1"}, {"n", "2"}}}), std::logic_error);
}

TEST(Schema, LabelsRoundTrip) {
  const schema::Label labels[] = {{"L1", {}}, {"mem", {}}, {"L1", {{"chosen", "memory"}}}, {"", {}}};
  for (const schema::Label& l : labels) {
    const std::string text = schema::format_label(l);
    const std::optional<schema::Label> back = schema::parse_label(text);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(*back, l) << text;
  }
  EXPECT_EQ(schema::format_label({"L1", {{schema::kLabelChosen, "memory"}}}), "L1 chosen:memory");
  const std::pair<const char*, const char*> bad[] = {
      {"chosen:memory", "it does not start with the level"},
      {"L1  chosen:memory", "word 2 is empty"},
      {"L1 chosen", "word 2 'chosen' is not <key>:<value>"},
      {"L1 a:1 a:2", "the key 'a' comes twice"},
  };
  for (const auto& [text, why] : bad) {
    std::string problem;
    EXPECT_FALSE(schema::parse_label(text, &problem)) << text;
    EXPECT_EQ(problem, why) << text;
  }
  EXPECT_THROW(schema::format_label({"L1 L2", {}}), std::logic_error);
}

TEST(Schema, SkipReasonsAndTestNames) {
  EXPECT_TRUE(schema::is_known_defect(schema::known_defect_reason("KD-1", "masks")));
  EXPECT_EQ(schema::known_defect_reason("KD-1", "masks"), "known defect KD-1: masks (docs/known-defects.md)");
  EXPECT_FALSE(schema::is_known_defect(schema::skipped_reason("CPU lacks avx2")));
  EXPECT_FALSE(schema::is_known_defect("no known defect applies"));
  for (const char* impl : {"scalar", "avx512-vbmi2", "stdsimd-avx2"})
    EXPECT_EQ(schema::implementation_of_test("Select/" + schema::test_name_suffix(impl)), impl);
  EXPECT_EQ(schema::implementation_of_test("NoParameter"), "");
}

TEST(Schema, VersionTags) {
  using schema::Document;
  EXPECT_EQ(schema::tag(Document::bench), "maskbench-bench/" + std::to_string(schema::kVersion));
  EXPECT_EQ(schema::tag(Document::info), "maskbench-info/1");  // info.json has carried it since the first release
  for (Document d : {Document::info, Document::bench, Document::conformance})
    EXPECT_EQ(schema::accepted_version(d, schema::tag(d)), schema::kVersion);
  EXPECT_FALSE(schema::accepted_version(Document::bench, "maskbench-info/1"));
  EXPECT_FALSE(schema::accepted_version(Document::bench, "maskbench-bench/" + std::to_string(schema::kVersion + 1)));
  EXPECT_FALSE(schema::accepted_version(Document::bench, "maskbench-bench/0"));
  EXPECT_FALSE(schema::accepted_version(Document::bench, "maskbench-bench/01"));
  EXPECT_FALSE(schema::accepted_version(Document::bench, "maskbench-bench/1x"));
  EXPECT_FALSE(schema::accepted_version(Document::bench, "maskbench-bench/"));
}

// The hostile fixture, one file's text changed by `edit`, loaded from a
// scratch copy: the refusal's message, or "" where it loads.
std::string load_edited(const std::string& scratch, const std::string& file,
                        const std::function<void(std::string&)>& edit) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / scratch;
  std::filesystem::remove_all(dir);
  std::filesystem::copy(kFixtures / "hostile", dir);
  std::ifstream in(dir / file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  edit(text);
  std::ofstream(dir / file, std::ios::trunc) << text;
  std::string message;
  try {
    results::load(dir);
  } catch (const results::ResultsError& e) {
    message = e.what();
  }
  std::filesystem::remove_all(dir);
  return message;
}

// Puts `member` first in the object that follows `after` in the text.
std::function<void(std::string&)> insert_after(const std::string& after, const std::string& member) {
  return [=](std::string& text) {
    const std::size_t at = text.find(after);
    ASSERT_NE(at, std::string::npos) << after;
    text.insert(at + after.size(), member);
  };
}

std::string future(schema::Document d) {
  const std::string current = schema::tag(d);
  return current.substr(0, current.rfind('/') + 1) + std::to_string(schema::kVersion + 1);
}

// The fixtures predate the tag (version 1, as the paired gate's old base
// binaries write it): they load. The current tag loads; a newer version is
// refused in one line naming the file and the field.
TEST(Schema, OldResultsLoadAndNewerOnesAreRefused) {
  using schema::Document;
  EXPECT_NO_THROW(results::load(kFixtures / "hostile"));
  EXPECT_NO_THROW(results::load(kFixtures / "gate-a"));
  EXPECT_EQ(load_edited("mb-schema-bench-now", "bench.json",
                        insert_after("\"context\":{", "\"maskbench_schema\": \"" + schema::tag(Document::bench) + "\", ")),
            "");
  EXPECT_EQ(load_edited("mb-schema-conformance-now", "conformance.json",
                        insert_after("{", "\"maskbench_schema\": \"" + schema::tag(Document::conformance) + "\", ")),
            "");

  const std::string bench = load_edited("mb-schema-bench-future", "bench.json",
                                        insert_after("\"context\":{", "\"maskbench_schema\": \"" + future(Document::bench) + "\", "));
  EXPECT_NE(bench.find("bench.json: context.maskbench_schema is \"" + future(Document::bench) + "\", expected \"" +
                       schema::tag(Document::bench) + "\""),
            std::string::npos)
      << bench;
  const std::string conformance = load_edited(
      "mb-schema-conformance-future", "conformance.json",
      insert_after("{", "\"maskbench_schema\": \"" + future(Document::conformance) + "\", "));
  EXPECT_NE(conformance.find("conformance.json: maskbench_schema is \"" + future(Document::conformance) + "\", expected"),
            std::string::npos)
      << conformance;
  const std::string info = load_edited("mb-schema-info-future", "info.json", [](std::string& text) {
    const std::string now = "\"schema\": \"" + schema::tag(Document::info) + "\"";
    ASSERT_NE(text.find(now), std::string::npos);
    text.replace(text.find(now), now.size(), "\"schema\": \"" + future(Document::info) + "\"");
  });
  EXPECT_NE(info.find("info.json: schema is \"" + future(Document::info) + "\", expected"), std::string::npos) << info;
  for (const std::string& m : {bench, conformance, info}) EXPECT_EQ(m.find('\n'), std::string::npos) << m;
}

TEST(Schema, MalformedNamesAndLabelsInBenchJsonAreRefused) {
  const std::string name = load_edited("mb-schema-name", "bench.json", [](std::string& text) {
    const std::string good = "cond/select/<script>alert(\\\"bench\\\")/n:3072";
    ASSERT_NE(text.find(good), std::string::npos);
    for (std::size_t at; (at = text.find(good)) != std::string::npos;)
      text.replace(at, good.size(), "cond/select/<script>alert(\\\"bench\\\")</script>/n:3072");
  });
  EXPECT_NE(name.find("bench.json: benchmarks["), std::string::npos) << name;
  EXPECT_NE(name.find("expected <family>/<kernel>[/<implementation>][/<key>:<value>...] (part 4 'script>' is not "
                      "<key>:<value>)"),
            std::string::npos)
      << name;
  const std::string label = load_edited("mb-schema-label", "bench.json", [](std::string& text) {
    const std::string l1 = "\"label\":\"L1\"";
    ASSERT_NE(text.find(l1), std::string::npos);
    text.replace(text.find(l1), l1.size(), "\"label\":\"L1 chosen\"");
  });
  EXPECT_NE(label.find(".label is \"L1 chosen\", expected <level>[ <key>:<value>...] (word 2 'chosen' is not "
                       "<key>:<value>)"),
            std::string::npos)
      << label;
}

// stable_sort_by (common/stable_sort.hpp) keeps equal elements in their
// input order: every permutation of seven elements with repeated keys.
TEST(StableSortBy, EqualKeysKeepTheirOrder) {
  using E = std::pair<int, int>;  // key, tag
  std::vector<E> v{{0, 0}, {0, 1}, {1, 2}, {1, 3}, {2, 4}, {2, 5}, {2, 6}};
  const auto by_tag = [](const E& a, const E& b) { return a.second < b.second; };
  do {
    std::vector<E> got = v;
    stable_sort_by(got, [](const E& a, const E& b) { return a.first < b.first; });
    std::vector<E> want;
    for (int key = 0; key <= 2; ++key)
      for (const E& e : v)
        if (e.first == key) want.push_back(e);
    ASSERT_EQ(got, want);
  } while (std::next_permutation(v.begin(), v.end(), by_tag));
}

}  // namespace
}  // namespace maskbench
