#include "schema.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

namespace maskbench::schema {
namespace {

std::string_view document_name(Document d) {
  switch (d) {
    case Document::info: return "info";
    case Document::bench: return "bench";
    case Document::conformance: return "conformance";
    case Document::disasm: return "disasm";
  }
  return "?";
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// Sets `problem` where the caller asked for it; always false, so that a
// parser can `return fail(...)`.
bool fail(std::string* problem, std::string what) {
  if (problem != nullptr) *problem = std::move(what);
  return false;
}

// "<key>:<value>" with both non-empty and one colon, as Google Benchmark's
// ArgNames writes it.
bool split_pair(std::string_view part, std::string_view& key, std::string_view& value) {
  const std::size_t colon = part.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon + 1 == part.size() ||
      part.find(':', colon + 1) != std::string_view::npos)
    return false;
  key = part.substr(0, colon);
  value = part.substr(colon + 1);
  return true;
}

bool read_name(std::string_view text, Name& n, std::string* problem) {
  const std::vector<std::string_view> parts = split(text, '/');
  if (parts.size() < 2) return fail(problem, "it has no kernel part");
  for (std::size_t i = 0; i < parts.size(); ++i)
    if (parts[i].empty()) return fail(problem, fmt::format("part {} is empty", i + 1));
  n.family = parts[0];
  n.kernel = parts[1];
  std::size_t first_arg = 2;
  if (parts.size() > 2 && parts[2].find(':') == std::string_view::npos) n.implementation = parts[first_arg++];
  for (std::size_t i = first_arg; i < parts.size(); ++i) {
    std::string_view key, value;
    if (!split_pair(parts[i], key, value))
      return fail(problem, fmt::format("part {} '{}' is not <key>:<value>", i + 1, parts[i]));
    if (std::any_of(n.args.begin(), n.args.end(), [&](const auto& a) { return a.first == key; }))
      return fail(problem, fmt::format("the key '{}' comes twice", key));
    n.args.emplace_back(key, value);
  }
  return true;
}

bool read_label(std::string_view text, Label& l, std::string* problem) {
  if (text.empty()) return true;
  const std::vector<std::string_view> words = split(text, ' ');
  for (std::size_t i = 0; i < words.size(); ++i)
    if (words[i].empty()) return fail(problem, fmt::format("word {} is empty", i + 1));
  if (words[0].find(':') != std::string_view::npos) return fail(problem, "it does not start with the level");
  l.level = words[0];
  for (std::size_t i = 1; i < words.size(); ++i) {
    std::string_view key, value;
    if (!split_pair(words[i], key, value))
      return fail(problem, fmt::format("word {} '{}' is not <key>:<value>", i + 1, words[i]));
    if (!l.fields.emplace(key, value).second) return fail(problem, fmt::format("the key '{}' comes twice", key));
  }
  return true;
}

template <class T>
using Reader = bool (*)(std::string_view, T&, std::string*);

template <class T>
std::optional<T> parse(std::string_view text, Reader<T> read, std::string* problem) {
  T out;
  if (!read(text, out, problem)) return std::nullopt;
  return out;
}

// `text` as formatted from `value`; throws unless it reads back as `value`:
// a part held a separator.
template <class T>
std::string read_back(std::string text, const T& value, Reader<T> read, std::string_view what, std::string_view grammar) {
  T back;
  std::string problem;
  if (!read(text, back, &problem) || back != value)
    throw std::logic_error(fmt::format("{} '{}' is not {}: {}", what, text, grammar,
                                       problem.empty() ? "a part holds a separator" : problem));
  return text;
}

}  // namespace

std::string tag(Document d) { return fmt::format("maskbench-{}/{}", document_name(d), kVersion); }

std::optional<int> accepted_version(Document d, std::string_view tag_text) {
  const std::string prefix = fmt::format("maskbench-{}/", document_name(d));
  if (!tag_text.starts_with(prefix)) return std::nullopt;
  const std::string_view digits = tag_text.substr(prefix.size());
  int version = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), version);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.starts_with('0')) return std::nullopt;
  if (version < kOldestVersion || version > kVersion) return std::nullopt;
  return version;
}

std::string expected_tag(Document d) {
  if (kOldestVersion == kVersion)
    return fmt::format("\"maskbench-{}/{}\" (the one schema version this maskbench reads)", document_name(d), kVersion);
  return fmt::format("\"maskbench-{}/<N>\" with N from {} to {} (the schema versions this maskbench reads)",
                     document_name(d), kOldestVersion, kVersion);
}

std::string format_name(const Name& n) {
  std::string out = fmt::format("{}/{}", n.family, n.kernel);
  if (!n.implementation.empty()) out += "/" + n.implementation;
  for (const auto& [key, value] : n.args) out += fmt::format("/{}:{}", key, value);
  return read_back(std::move(out), n, read_name, "benchmark name", kNameGrammar);
}

std::optional<Name> parse_name(std::string_view text, std::string* problem) { return parse(text, read_name, problem); }

std::string format_label(const Label& l) {
  std::string out = l.level;
  for (const auto& [key, value] : l.fields) out += fmt::format(" {}:{}", key, value);
  return read_back(std::move(out), l, read_label, "benchmark label", kLabelGrammar);
}

std::optional<Label> parse_label(std::string_view text, std::string* problem) { return parse(text, read_label, problem); }

std::string skipped_reason(std::string_view reason) { return fmt::format("{}{}", kSkippedMarker, reason); }

std::string known_defect_reason(std::string_view id, std::string_view summary) {
  return fmt::format("{}{}: {} (docs/known-defects.md)", kKnownDefectMarker, id, summary);
}

bool is_known_defect(std::string_view reason) { return reason.starts_with(kKnownDefectMarker); }

std::string test_name_suffix(std::string_view implementation) {
  std::string s(implementation);
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

std::string implementation_of_test(std::string_view test_name) {
  const std::size_t slash = test_name.rfind('/');
  if (slash == std::string_view::npos) return "";
  std::string impl(test_name.substr(slash + 1));
  std::replace(impl.begin(), impl.end(), '_', '-');
  return impl;
}

}  // namespace maskbench::schema
