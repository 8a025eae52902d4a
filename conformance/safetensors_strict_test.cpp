// The safetensors reader of `maskbench taskvec` held to the format's
// specification: every malformed checkpoint (duplicate names, gaps, trailing
// bytes, an oversized header length, nesting that would crash a recursive
// reader, special files, a dtype that differs from the base) exits 2 with one
// line naming the file and what was expected; well-formed edge cases pass.
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "harness/cli_run.hpp"

namespace maskbench::conformance {
namespace {

namespace fs = std::filesystem;

class SafetensorsStrict : public CliScratch {
 protected:
  void SetUp() override {
    CliScratch::SetUp();
    write_safetensors("pre.safetensors", kGood, std::string(16, '\0'));
  }
  CliResult taskvec(const std::string& ft) const {
    return run(fmt::format("taskvec --base '{}' '{}'", path("pre.safetensors"), ft));
  }
  static constexpr const char* kGood = R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})";
};

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

struct Bad {
  const char* what;
  std::string header, data;
  const char* expected;
};

TEST_F(SafetensorsStrict, MalformedHeadersExitTwoWithOneLine) {
  const std::string d16(16, '\0');
  const std::vector<Bad> cases = {
      {"duplicate tensor name",
       R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})",
       d16, "appears twice"},
      {"duplicate field", R"({"w":{"dtype":"I64","dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})", d16, "twice"},
      {"duplicate __metadata__", R"({"__metadata__":{},"__metadata__":{},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})",
       d16, "appears twice"},
      {"gap before a tensor", R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})", d16, "gap"},
      {"gap between tensors",
       R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"x":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}})",
       d16, "gap"},
      {"trailing bytes", kGood, std::string(20, '\0'), "trailing bytes"},
      {"empty tensor inside another",
       R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}})",
       d16, "overlaps"},
      {"header not an object", R"(["w"])", "", "must start with '{'"},
      {"header with leading space", std::string(" ") + kGood, d16, "must start with '{'"},
      {"empty header", "", "", "must start with '{'"},
      {"metadata not strings", R"({"__metadata__":{"a":1},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})", d16,
       "must be a string"},
      {"metadata not an object", R"({"__metadata__":"x","w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})", d16,
       "__metadata__ must be an object"},
      {"unknown field", R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16],"extra":1}})", d16, "unknown field"},
      {"missing field", R"({"w":{"dtype":"F32","shape":[2,2]}})", d16, "data_offsets is missing"},
      {"dtype not a string", R"({"w":{"dtype":32,"shape":[2,2],"data_offsets":[0,16]}})", d16, "dtype must be a string"},
      {"dtype of the format that maskbench does not read", R"({"w":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}})", d16,
       "unknown dtype 'F64'"},
      {"fractional dimension", R"({"w":{"dtype":"F32","shape":[2.0,2],"data_offsets":[0,16]}})", d16, "shape[0]"},
      {"dimension past 2^64", R"({"w":{"dtype":"F32","shape":[18446744073709551616],"data_offsets":[0,16]}})", d16, "shape[0]"},
      {"shape product overflows", R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}})", d16,
       "2^64 elements"},
      {"shape times dtype size overflows", R"({"w":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,16]}})",
       d16, "data_offsets span"},
      {"three offsets", R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16,16]}})", d16, "[begin, end]"},
      {"negative offset", R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[-16,0]}})", d16, "data_offsets[0]"},
      {"tensor not an object", R"({"w":[1,2]})", d16, "must be an object"},
      {"deep dtype", R"({"w":{"dtype":)" + nested(100000) + R"(,"shape":[2,2],"data_offsets":[0,16]}})", d16,
       "nested more than 64 levels"},
      {"deep shape", R"({"w":{"dtype":"F32","shape":)" + nested(100000) + R"(,"data_offsets":[0,16]}})", d16,
       "nested more than 64 levels"},
      {"deep data_offsets", R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,)" + nested(100000) + "]}}", d16,
       "nested more than 64 levels"},
      {"deep metadata", R"({"__metadata__":{"a":)" + nested(100000) + R"(},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})",
       d16, "nested more than 64 levels"},
      {"dtype differs from the base", R"({"w":{"dtype":"BF16","shape":[2,2],"data_offsets":[0,8]}})", std::string(8, '\0'),
       "has dtype BF16 but the base"},
  };
  for (const Bad& c : cases) {
    write_safetensors("ft.safetensors", c.header, c.data);
    EXPECT_TRUE(refused(taskvec(path("ft.safetensors")), {"ft.safetensors", c.expected})) << c.what;
  }
}

TEST_F(SafetensorsStrict, HeaderLengthPastTheFormatsLimitOrTheFile) {
  // 100,000,001 bytes of header in a sparse file long enough to hold them.
  write_safetensors("ft.safetensors", "", "");
  {
    std::fstream f(path("ft.safetensors"), std::ios::in | std::ios::out | std::ios::binary);
    const std::uint64_t n = 100'000'001;
    for (int i = 0; i < 8; ++i) f.put(static_cast<char>(n >> (8 * i)));
  }
  fs::resize_file(path("ft.safetensors"), 100'000'100);
  EXPECT_TRUE(refused(taskvec(path("ft.safetensors")), {"ft.safetensors", "limit of 100000000 bytes"}));
  write_safetensors("ft.safetensors", kGood, std::string(16, '\0'));
  fs::resize_file(path("ft.safetensors"), 30);
  EXPECT_TRUE(refused(taskvec(path("ft.safetensors")), {"ft.safetensors", "runs past the end"}));
  fs::resize_file(path("ft.safetensors"), 5);
  EXPECT_TRUE(refused(taskvec(path("ft.safetensors")), {"ft.safetensors", "too short"}));
}

TEST_F(SafetensorsStrict, SpecialFilesAreRefusedWithoutBlocking) {
  ASSERT_EQ(::mkfifo(path("fifo").c_str(), 0600), 0);
  fs::create_directory(path("dir"));
  EXPECT_TRUE(refused(taskvec(path("fifo")), {"fifo", "FIFO"}));
  EXPECT_TRUE(refused(taskvec(path("dir")), {"dir", "directory"}));
  EXPECT_TRUE(refused(taskvec("/dev/zero"), {"/dev/zero", "character device"}));
  EXPECT_TRUE(refused(taskvec(path("absent")), {"absent", "does not exist"}));
}

TEST_F(SafetensorsStrict, WellFormedEdgeCasesAreRead) {
  // Metadata, header padding with spaces, empty tensors at both ends and
  // between two others, tensors listed out of offset order.
  const std::string header =
      R"({"__metadata__":{"format":"pt"},"z":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]},)"
      R"("b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},"e":{"dtype":"F32","shape":[0],"data_offsets":[8,8]},)"
      R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"t":{"dtype":"F32","shape":[1,0],"data_offsets":[16,16]}}   )";
  write_safetensors("pre.safetensors", header, std::string(16, '\0'));
  write_safetensors("ft.safetensors", header, std::string(16, '\x01'));
  const CliResult r = taskvec(path("ft.safetensors"));
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.out.find("(5 tensors, 4 parameters)"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace maskbench::conformance
