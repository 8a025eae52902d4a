#pragma once
// Fields of an untrusted JSON document. Each Node carries its file and JSON
// path, so that a refusal is one line saying where and what was expected:
//   "r/bench.json: benchmarks[12].cpu_time is 0, expected a positive finite
//    number from 1e-09 to 1e+21"
// The scalar fields of a record are read through a table (Field<T>), one
// entry per field, so every field gets the same checks and no raw library
// type error ever reaches the user. Errors are input::InputError.
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "maskbench/input.hpp"
#include "schema.hpp"

namespace maskbench::input {

// A measurement (a time, a rate) must be positive, finite and inside this
// range: far enough from double's limits that the ratios and products of two
// of them stay finite, and wide enough for any real time or rate.
inline constexpr double kMinMeasurement = 1e-9, kMaxMeasurement = 1e21;

class Node {
 public:
  // The document of `file` (the name used in messages).
  Node(const nlohmann::json& document, const std::string& file) : j_(&document), file_(&file) {}

  const nlohmann::json& json() const { return *j_; }
  // "benchmarks[12].cpu_time"; "the document" for the root.
  std::string path() const { return path_.empty() ? "the document" : path_; }
  // What the value is, for messages: "0", "\"text\"", "an object", "null (NaN
  // or infinite in the file)". Strings are JSON-escaped and cut, so the
  // description is always one line.
  std::string describe() const;

  // "<file>: <path> is <describe()>, expected <expected>".
  [[noreturn]] void refuse(std::string_view expected) const;
  // "<file>: <path>.<key> is missing, expected <expected>".
  [[noreturn]] void missing(std::string_view key, std::string_view expected) const;

  // The member `key`, or nullopt where absent; refused unless an object.
  std::optional<Node> find(std::string_view key) const;
  Node at(std::string_view key, std::string_view expected) const;
  // Calls f(Node) for each element; refused unless an array.
  template <class F>
  void each(F&& f) const {
    if (!j_->is_array()) refuse("an array");
    for (std::size_t i = 0; i < j_->size(); ++i) f(Node(&(*j_)[i], file_, path_ + "[" + std::to_string(i) + "]"));
  }

  void require_object() const;
  std::string text() const;
  std::string one_of(std::initializer_list<std::string_view> allowed) const;
  bool flag() const;
  // A measurement in [kMinMeasurement, kMaxMeasurement].
  double measurement() const;
  // A rate: a measurement, or 0 (either sign) for "none reported": Google
  // Benchmark writes bytes_per_second 0 for a benchmark that moves no bytes
  // (the roofline FMA peak).
  std::optional<double> rate() const;
  // GoogleTest's duration text ("0.012s"): a finite, non-negative number of
  // seconds with an optional trailing s; returned without the s.
  std::string seconds() const;

 private:
  Node(const nlohmann::json* j, const std::string* file, std::string path) : j_(j), file_(file), path_(std::move(path)) {}
  std::string child(std::string_view key) const;

  const nlohmann::json* j_;
  const std::string* file_;
  std::string path_;
};

// The version a schema tag states (schema.hpp); refused unless it is a tag
// of `document` in a version this reader accepts.
int schema_version(const Node& tag, schema::Document document);

// One field of a record T: its key, whether it must be present, and how its
// value is read into T (a captureless lambda calling one of Node's readers).
template <class T>
struct Field {
  const char* key;
  bool required;
  const char* expected;  // for the message when a required field is missing
  void (*read)(const Node& value, T& into);
};

inline constexpr bool kRequired = true, kOptional = false;

template <class T, std::size_t N>
void read_fields(const Node& object, const Field<T> (&fields)[N], T& into) {
  object.require_object();
  for (const Field<T>& f : fields) {
    if (const std::optional<Node> v = object.find(f.key))
      f.read(*v, into);
    else if (f.required)
      object.missing(f.key, f.expected);
  }
}

}  // namespace maskbench::input
