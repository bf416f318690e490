#include "server/util/query.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"

namespace metamock {

std::string QueryDecode(absl::string_view text) {
  auto hex = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        absl::ascii_isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        absl::ascii_isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out.push_back(
          static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i] == '+' ? ' ' : text[i]);
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> QueryPairs(
    absl::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(pair, absl::MaxSplits('=', 1));
    out.emplace_back(QueryDecode(kv.first), QueryDecode(kv.second));
  }
  return out;
}

std::string QueryValue(absl::string_view query, absl::string_view key) {
  for (const auto& [k, v] : QueryPairs(query)) {
    if (k == key) return v;
  }
  return "";
}

}  // namespace metamock
