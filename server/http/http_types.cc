#include "server/http/http_types.h"

#include <algorithm>

#include "absl/strings/match.h"

namespace metamock {

void HttpHeaders::Add(absl::string_view name, absl::string_view value) {
  fields_.emplace_back(std::string(name), std::string(value));
}

void HttpHeaders::Set(absl::string_view name, absl::string_view value) {
  fields_.erase(std::remove_if(fields_.begin(), fields_.end(),
                               [name](const auto& field) {
                                 return absl::EqualsIgnoreCase(field.first,
                                                               name);
                               }),
                fields_.end());
  Add(name, value);
}

std::optional<std::string> HttpHeaders::Get(absl::string_view name) const {
  for (const auto& field : fields_) {
    if (absl::EqualsIgnoreCase(field.first, name)) return field.second;
  }
  return std::nullopt;
}

bool HttpHeaders::Has(absl::string_view name) const {
  return Get(name).has_value();
}

}  // namespace metamock
