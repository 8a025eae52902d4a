#pragma once
// A SAX handler for nlohmann::json that accepts every value and leaves the
// structural events (objects, arrays, keys, errors) to the class deriving
// from it: the safetensors reader's duplicate-key pass and its fuzzer's
// independent key count read a header's structure, never its values.
#include <nlohmann/json.hpp>

namespace maskbench::io {

struct JsonStructureSax : nlohmann::json_sax<nlohmann::json> {
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
};

}  // namespace maskbench::io
