// Source positions for a JSON document (with // and /* */ comments).
//
// nlohmann-json 3.11 keeps no positions, so scenario validation scans the
// text once more, after nlohmann has accepted it, and records where each
// value and each key starts, keyed by JSON pointer ("/timeline/2/at"). A
// key's own position is under the pointer plus "#key". Duplicate keys,
// which nlohmann silently collapses to the last one, are reported too, and
// the last one's positions are the ones recorded.

#ifndef METAMOCK_SERVER_SCENARIO_JSON_POSITIONS_H_
#define METAMOCK_SERVER_SCENARIO_JSON_POSITIONS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace metamock {

// A 1-based line and column (columns count characters, not bytes).
struct TextPosition {
  int line = 1;
  int column = 1;
};

class JsonPositions {
 public:
  // Scans `text`, which nlohmann has parsed successfully (with comments
  // ignored). `text` need not outlive the result.
  static JsonPositions Scan(absl::string_view text);

  // The position of the value at `pointer`, or of the nearest enclosing
  // value that has one (the document start at worst).
  TextPosition Value(absl::string_view pointer) const;

  // The position of the key that names the member at `pointer` (the value's
  // position if the pointer names no object member).
  TextPosition Key(absl::string_view pointer) const;

  // Pointers of members whose key repeats an earlier key of the same
  // object, with the repeated key's position (which Key() then returns).
  const std::vector<std::pair<std::string, TextPosition>>& duplicates() const {
    return duplicates_;
  }

 private:
  std::map<std::string, TextPosition> positions_;  // pointer[#key] -> pos
  std::vector<std::pair<std::string, TextPosition>> duplicates_;
};

// The line and column of byte `offset` (0-based) in `text`.
TextPosition PositionOfOffset(absl::string_view text, size_t offset);

// `name` escaped as one JSON pointer reference token (~0, ~1).
std::string PointerToken(absl::string_view name);

}  // namespace metamock

#endif  // METAMOCK_SERVER_SCENARIO_JSON_POSITIONS_H_
