#include "server/util/imds_json.h"

namespace metamock {
namespace {

using Json = nlohmann::ordered_json;

std::string Scalar(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void Render(const Json& value, int indent, std::string* out) {
  if (value.is_object()) {
    if (value.empty()) {
      out->append("{ }");
      return;
    }
    const std::string pad(static_cast<size_t>(indent + 2), ' ');
    out->append("{\n");
    bool first = true;
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (!first) out->append(",\n");
      first = false;
      out->append(pad);
      out->append(Scalar(Json(it.key())));
      out->append(" : ");
      Render(it.value(), indent + 2, out);
    }
    out->append("\n");
    out->append(static_cast<size_t>(indent), ' ');
    out->append("}");
  } else if (value.is_array()) {
    if (value.empty()) {
      out->append("[ ]");
      return;
    }
    out->append("[ ");
    bool first = true;
    for (const Json& item : value) {
      if (!first) out->append(", ");
      first = false;
      Render(item, indent, out);
    }
    out->append(" ]");
  } else {
    out->append(Scalar(value));
  }
}

}  // namespace

std::string RenderImdsJson(const nlohmann::ordered_json& value) {
  std::string out;
  Render(value, 0, &out);
  return out;
}

}  // namespace metamock
