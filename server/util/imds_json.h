// Renders JSON the way IMDS prints its documents.
//
// IMDS documents (iam/info, the role credentials, the instance identity
// document) are laid out with a two-space indent, a space on both sides of
// each colon, `{` and `}` on their own lines and no trailing newline:
//
//   {
//     "Code" : "Success",
//     "LastUpdated" : "2026-11-23T10:00:00Z"
//   }
//
// nlohmann's dump() puts no space before the colon, so the layout is done
// here; keys keep their insertion order (nlohmann::ordered_json), which is
// how AWS's key order is reproduced.

#ifndef METAMOCK_SERVER_UTIL_IMDS_JSON_H_
#define METAMOCK_SERVER_UTIL_IMDS_JSON_H_

#include <nlohmann/json.hpp>
#include <string>

namespace metamock {

// Renders `value` in the IMDS layout. Arrays print on one line as
// `[ "a", "b" ]` (`[ ]` when empty); scalars print as JSON. Strings that are
// not valid UTF-8 are rendered with U+FFFD replacements, never an exception.
std::string RenderImdsJson(const nlohmann::ordered_json& value);

}  // namespace metamock

#endif  // METAMOCK_SERVER_UTIL_IMDS_JSON_H_
