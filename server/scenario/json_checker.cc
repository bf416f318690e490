#include "server/scenario/json_checker.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace metamock {

namespace {

// 1000000 rather than 1e+06.
std::string NumberText(double v) {
  if (v == static_cast<double>(static_cast<int64_t>(v))) {
    return absl::StrCat(static_cast<int64_t>(v));
  }
  return absl::StrCat(v);
}

}  // namespace

std::string JsonTypeName(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "a list";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::boolean:
      return "true or false";
    case nlohmann::json::value_t::null:
      return "null";
    default:
      return "a number";
  }
}

std::string JsonChecker::Child(const std::string& pointer,
                               absl::string_view key) {
  return absl::StrCat(pointer, "/", PointerToken(key));
}

void JsonChecker::AtValue(absl::string_view pointer, std::string message) {
  issues_->push_back(JsonIssue{positions_->Value(pointer), std::move(message)});
}

void JsonChecker::WarnAtKey(absl::string_view pointer, std::string message) {
  if (warnings_ != nullptr) {
    warnings_->push_back(
        JsonIssue{positions_->Key(pointer), std::move(message)});
  }
}

void JsonChecker::AtKey(absl::string_view pointer, std::string message) {
  issues_->push_back(JsonIssue{positions_->Key(pointer), std::move(message)});
}

bool JsonChecker::Object(const nlohmann::json& value,
                         const std::string& pointer, absl::string_view what,
                         const std::set<std::string>& allowed) {
  if (!value.is_object()) {
    AtValue(pointer, absl::StrCat(what, " must be an object, not ",
                                  JsonTypeName(value)));
    return false;
  }
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (allowed.count(it.key()) == 0) {
      AtKey(Child(pointer, it.key()),
            absl::StrCat("unknown key \"", it.key(), "\" in ", what,
                         " (expected one of: ", absl::StrJoin(allowed, ", "),
                         ")"));
    }
  }
  return true;
}

std::optional<std::string> JsonChecker::String(const nlohmann::json& object,
                                               const std::string& pointer,
                                               const std::string& key,
                                               bool required) {
  auto it = object.find(key);
  if (it == object.end()) {
    if (required) AtValue(pointer, absl::StrCat("missing \"", key, "\""));
    return std::nullopt;
  }
  if (!it->is_string()) {
    AtValue(Child(pointer, key),
            absl::StrCat("\"", key, "\" must be a string, not ",
                         JsonTypeName(*it)));
    return std::nullopt;
  }
  return it->get<std::string>();
}

std::optional<bool> JsonChecker::Bool(const nlohmann::json& object,
                                      const std::string& pointer,
                                      const std::string& key) {
  auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (!it->is_boolean()) {
    AtValue(Child(pointer, key),
            absl::StrCat("\"", key, "\" must be true or false, not ",
                         JsonTypeName(*it)));
    return std::nullopt;
  }
  return it->get<bool>();
}

std::optional<double> JsonChecker::Number(const nlohmann::json& object,
                                          const std::string& pointer,
                                          const std::string& key, double min,
                                          double max) {
  auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (!it->is_number()) {
    AtValue(Child(pointer, key),
            absl::StrCat("\"", key, "\" must be a number, not ",
                         JsonTypeName(*it)));
    return std::nullopt;
  }
  double v = it->get<double>();
  if (!std::isfinite(v) || v < min || v > max) {
    AtValue(Child(pointer, key),
            absl::StrCat("\"", key, "\" must be from ", NumberText(min), " to ",
                         NumberText(max)));
    return std::nullopt;
  }
  return v;
}

std::optional<absl::Duration> JsonChecker::Duration(
    const nlohmann::json& object, const std::string& pointer,
    const std::string& key, bool required, absl::Duration min) {
  std::optional<std::string> text = String(object, pointer, key, required);
  if (!text) return std::nullopt;
  absl::Duration d;
  if (!absl::ParseDuration(*text, &d) || d == absl::InfiniteDuration() ||
      d == -absl::InfiniteDuration()) {
    AtValue(Child(pointer, key),
            absl::StrCat("\"", key, "\" is not a duration: \"", *text,
                         "\" (use e.g. \"90s\", \"5m\", \"6h20m\")"));
    return std::nullopt;
  }
  if (d < min) {
    AtValue(Child(pointer, key),
            absl::StrCat("\"", key, "\" must be at least ",
                         absl::FormatDuration(min), ", not ", *text));
    return std::nullopt;
  }
  return d;
}

std::optional<std::vector<std::string>> JsonChecker::StringList(
    const nlohmann::json& object, const std::string& pointer,
    const std::string& key) {
  auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  const std::string child = Child(pointer, key);
  if (!it->is_array()) {
    AtValue(child, absl::StrCat("\"", key, "\" must be a list of strings, not ",
                                JsonTypeName(*it)));
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < it->size(); ++i) {
    const nlohmann::json& item = (*it)[i];
    if (!item.is_string()) {
      AtValue(absl::StrCat(child, "/", i),
              absl::StrCat("items of \"", key, "\" must be strings, not ",
                           JsonTypeName(item)));
      return std::nullopt;
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace metamock
