#pragma once
// JSON from an untrusted file (maskbench/input.hpp), parsed with the depth
// limit: nesting deeper than max_depth is refused while parsing, before any
// part of the document is built, so nothing that walks a parsed document can
// recurse deeper than that. Header-only, so that the nlohmann_json of the
// includer is the one used: the installed libraries do not depend on it.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "maskbench/input.hpp"

namespace maskbench::input {

// `where` names the source in messages ("bench.json", "the safetensors
// header of x.safetensors").
inline nlohmann::json parse_json(std::string_view text, const std::string& where, int max_depth = kMaxJsonDepth) {
  struct DepthExceeded {};
  // The callback sees each container open with the depth of its parent:
  // refusing there stops the parser before the deep part is built.
  const nlohmann::json::parser_callback_t limit = [max_depth](int depth, nlohmann::json::parse_event_t event,
                                                              nlohmann::json&) {
    if ((event == nlohmann::json::parse_event_t::object_start || event == nlohmann::json::parse_event_t::array_start) &&
        depth >= max_depth)
      throw DepthExceeded{};
    return true;
  };
  const std::string depth = std::to_string(max_depth);
  try {
    return nlohmann::json::parse(text.begin(), text.end(), limit);
  } catch (const DepthExceeded&) {
    throw InputError(where + ": JSON nested more than " + depth + " levels deep, expected at most " + depth);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(where + ": not valid JSON (" + e.what() + ")");
  }
}

}  // namespace maskbench::input
