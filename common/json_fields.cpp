#include "json_fields.hpp"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace maskbench::input {
namespace {

constexpr std::size_t kMaxQuoted = 80;

// JSON text with every non-ASCII and control character escaped: one line of
// plain ASCII whatever the input held.
std::string quoted(const std::string& s) {
  std::string out = nlohmann::json(s.size() > kMaxQuoted ? s.substr(0, kMaxQuoted) : s)
                        .dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
  if (s.size() > kMaxQuoted) out.insert(out.size() - 1, "...");
  return out;
}

}  // namespace

std::string Node::describe() const {
  switch (j_->type()) {
    case nlohmann::json::value_t::string:
      return quoted(j_->get_ref<const std::string&>());
    case nlohmann::json::value_t::number_float:
      // fmt writes the shortest text that reads back: -0, 1e-300.
      return fmt::format("{}", j_->get<double>());
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::boolean:
      return j_->dump();
    case nlohmann::json::value_t::null:
      return "null (NaN or infinite in the file, or null)";
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    default:
      return "not a JSON value";
  }
}

void Node::refuse(std::string_view expected) const {
  throw InputError(fmt::format("{}: {} is {}, expected {}", *file_, path(), describe(), expected));
}

void Node::missing(std::string_view key, std::string_view expected) const {
  throw InputError(fmt::format("{}: {} is missing, expected {}", *file_, child(key), expected));
}

std::string Node::child(std::string_view key) const {
  return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
}

void Node::require_object() const {
  if (!j_->is_object()) refuse("an object");
}

std::optional<Node> Node::find(std::string_view key) const {
  require_object();
  const auto it = j_->find(key);
  if (it == j_->end()) return std::nullopt;
  return Node(&*it, file_, child(key));
}

Node Node::at(std::string_view key, std::string_view expected) const {
  if (std::optional<Node> n = find(key)) return *n;
  missing(key, expected);
}

std::string Node::text() const {
  if (!j_->is_string()) refuse("a string");
  return j_->get<std::string>();
}

std::string Node::one_of(std::initializer_list<std::string_view> allowed) const {
  std::string choices;
  for (std::string_view a : allowed) choices += fmt::format("{}{}", choices.empty() ? "" : ", ", quoted(std::string(a)));
  const std::string expected = allowed.size() == 1 ? choices : "one of " + choices;
  if (!j_->is_string()) refuse(expected);
  const std::string s = j_->get<std::string>();
  for (std::string_view a : allowed)
    if (s == a) return s;
  refuse(expected);
}

bool Node::flag() const {
  if (!j_->is_boolean()) refuse("true or false");
  return j_->get<bool>();
}

double Node::measurement() const {
  const std::string expected = fmt::format("a positive finite number from {} to {}", kMinMeasurement, kMaxMeasurement);
  if (!j_->is_number()) refuse(expected);
  const double v = j_->get<double>();
  if (!(v >= kMinMeasurement && v <= kMaxMeasurement)) refuse(expected);
  return v;
}

std::optional<double> Node::rate() const {
  if (j_->is_number() && j_->get<double>() == 0) return std::nullopt;
  return measurement();
}

std::string Node::seconds() const {
  const char* expected = "a duration in seconds such as \"0.012s\"";
  if (!j_->is_string()) refuse(expected);
  std::string t = j_->get<std::string>();
  if (t.ends_with('s')) t.pop_back();
  char* end = nullptr;
  const double v = t.empty() ? -1 : std::strtod(t.c_str(), &end);
  if (t.empty() || t.find_first_not_of("0123456789.eE+-") != std::string::npos || !(t[0] >= '0' && t[0] <= '9') ||
      end != t.c_str() + t.size() || !std::isfinite(v) || v < 0)
    refuse(expected);
  return t;
}

int schema_version(const Node& tag, schema::Document document) {
  const std::optional<int> v = tag.json().is_string() ? schema::accepted_version(document, tag.text()) : std::nullopt;
  if (!v) tag.refuse(schema::expected_tag(document));
  return *v;
}

}  // namespace maskbench::input
