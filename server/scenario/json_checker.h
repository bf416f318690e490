// Typed, position-aware reads of a JSON document for validation.
//
// Each read takes the JSON pointer of the object being read and a key;
// a missing required key, a wrong type or a bad value is recorded as an
// issue at the exact line and column (of the value, or of the key for an
// unknown key), and validation goes on so that one run reports every
// error in a file.
//
// Thread-compatible.

#ifndef METAMOCK_SERVER_SCENARIO_JSON_CHECKER_H_
#define METAMOCK_SERVER_SCENARIO_JSON_CHECKER_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/scenario/json_positions.h"

namespace metamock {

struct JsonIssue {
  TextPosition position;
  std::string message;
};

class JsonChecker {
 public:
  // "*positions", "*issues" and "*warnings" (may be null) must outlive the
  // checker.
  JsonChecker(const JsonPositions* positions, std::vector<JsonIssue>* issues,
              std::vector<JsonIssue>* warnings = nullptr)
      : positions_(positions), issues_(issues), warnings_(warnings) {}

  // Records a warning at the key of `pointer` (no effect without a sink).
  void WarnAtKey(absl::string_view pointer, std::string message);

  // Records an issue at the value at `pointer` (or at its key).
  void AtValue(absl::string_view pointer, std::string message);
  void AtKey(absl::string_view pointer, std::string message);

  // Checks that `value` (at `pointer`, described as `what` in messages) is
  // an object with only `allowed` keys. False if it is not an object.
  bool Object(const nlohmann::json& value, const std::string& pointer,
              absl::string_view what, const std::set<std::string>& allowed);

  // Reads member `key` of `object` (at `pointer`). Absent: nullopt, and an
  // issue when `required`. Wrong type or bad value: an issue and nullopt.
  std::optional<std::string> String(const nlohmann::json& object,
                                    const std::string& pointer,
                                    const std::string& key, bool required);
  std::optional<bool> Bool(const nlohmann::json& object,
                           const std::string& pointer, const std::string& key);
  // A number in [min, max].
  std::optional<double> Number(const nlohmann::json& object,
                               const std::string& pointer,
                               const std::string& key, double min, double max);
  // A duration such as "90s", "5m", "6h20m"; must be >= `min`.
  std::optional<absl::Duration> Duration(const nlohmann::json& object,
                                         const std::string& pointer,
                                         const std::string& key, bool required,
                                         absl::Duration min);
  // A list of strings.
  std::optional<std::vector<std::string>> StringList(
      const nlohmann::json& object, const std::string& pointer,
      const std::string& key);

  // `pointer` + "/" + `key`.
  static std::string Child(const std::string& pointer, absl::string_view key);

 private:
  const JsonPositions* const positions_;    // not owned
  std::vector<JsonIssue>* const issues_;    // not owned
  std::vector<JsonIssue>* const warnings_;  // not owned; may be null
};

// A JSON type's name for messages ("a string", "an object", ...).
std::string JsonTypeName(const nlohmann::json& value);

}  // namespace metamock

#endif  // METAMOCK_SERVER_SCENARIO_JSON_CHECKER_H_
