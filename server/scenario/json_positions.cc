#include "server/scenario/json_positions.h"

#include <set>

#include "absl/strings/str_cat.h"

namespace metamock {
namespace {

// A scanner for text nlohmann already accepted, so it may assume the
// grammar holds; it still never reads past the end.
class Scanner {
 public:
  Scanner(absl::string_view text, std::map<std::string, TextPosition>* out,
          std::vector<std::pair<std::string, TextPosition>>* duplicates)
      : text_(text), out_(out), duplicates_(duplicates) {}

  void Document() { Value(""); }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }

  void Advance() {
    if (AtEnd()) return;
    const unsigned char c = static_cast<unsigned char>(text_[pos_++]);
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if ((c & 0xC0) != 0x80) {  // not a UTF-8 continuation byte
      ++column_;
    }
  }

  // The column of the character at pos_ (continuation bytes were counted
  // with their lead byte).
  TextPosition Here() const { return TextPosition{line_, column_}; }

  void SkipSpaceAndComments() {
    while (!AtEnd()) {
      char c = Peek();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        Advance();
      } else if (c == '/' && pos_ + 1 < text_.size() &&
                 text_[pos_ + 1] == '/') {
        while (!AtEnd() && Peek() != '\n') Advance();
      } else if (c == '/' && pos_ + 1 < text_.size() &&
                 text_[pos_ + 1] == '*') {
        Advance();
        Advance();
        while (!AtEnd() && !(Peek() == '*' && pos_ + 1 < text_.size() &&
                             text_[pos_ + 1] == '/')) {
          Advance();
        }
        Advance();
        Advance();
      } else {
        return;
      }
    }
  }

  // Reads four hex digits (of a \\u escape).
  unsigned Hex4() {
    unsigned code = 0;
    for (int i = 0; i < 4 && !AtEnd(); ++i) {
      char h = Peek();
      code = code * 16 +
             static_cast<unsigned>(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
      Advance();
    }
    return code;
  }

  // Reads a string literal and returns its (roughly) decoded text: escapes
  // other than \uXXXX map to their character; \uXXXX to UTF-8.
  std::string String() {
    std::string out;
    Advance();  // opening quote
    while (!AtEnd() && Peek() != '"') {
      char c = Peek();
      if (c == '\\') {
        Advance();
        char e = Peek();
        Advance();
        switch (e) {
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          case 'r':
            out += '\r';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'u': {
            unsigned code = Hex4();
            // A surrogate pair encodes one character above U+FFFF.
            if (code >= 0xD800 && code < 0xDC00 && Peek() == '\\' &&
                pos_ + 1 < text_.size() && text_[pos_ + 1] == 'u') {
              Advance();
              Advance();
              unsigned low = Hex4();
              code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            }
            if (code < 0x80) {
              out += static_cast<char>(code);
            } else if (code < 0x800) {
              out += static_cast<char>(0xC0 | (code >> 6));
              out += static_cast<char>(0x80 | (code & 0x3F));
            } else if (code < 0x10000) {
              out += static_cast<char>(0xE0 | (code >> 12));
              out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
              out += static_cast<char>(0x80 | (code & 0x3F));
            } else {
              out += static_cast<char>(0xF0 | (code >> 18));
              out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
              out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
              out += static_cast<char>(0x80 | (code & 0x3F));
            }
            break;
          }
          default:
            out += e;
            break;
        }
      } else {
        out += c;
        Advance();
      }
    }
    Advance();  // closing quote
    return out;
  }

  void Value(const std::string& pointer) {
    SkipSpaceAndComments();
    (*out_)[pointer] = Here();
    switch (Peek()) {
      case '{':
        Object(pointer);
        break;
      case '[':
        Array(pointer);
        break;
      case '"':
        String();
        break;
      default:
        while (!AtEnd()) {
          char c = Peek();
          if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' ||
              c == '\t' || c == '\r' || c == '/') {
            break;
          }
          Advance();
        }
    }
  }

  void Object(const std::string& pointer) {
    Advance();  // {
    std::set<std::string> seen;
    while (true) {
      SkipSpaceAndComments();
      if (AtEnd() || Peek() == '}') break;
      if (Peek() == ',') {
        Advance();
        continue;
      }
      TextPosition key_position = Here();
      std::string key = String();
      std::string member = absl::StrCat(pointer, "/", PointerToken(key));
      const bool duplicate = !seen.insert(key).second;
      if (duplicate) {
        duplicates_->emplace_back(member, key_position);
      } else {
        (*out_)[member + "#key"] = key_position;
      }
      SkipSpaceAndComments();
      if (Peek() == ':') Advance();
      if (duplicate) {
        // nlohmann keeps the last value of a repeated key, so its positions
        // replace the first one's.
        const std::string prefix = member + "/";
        for (auto it = out_->lower_bound(prefix);
             it != out_->end() &&
             it->first.compare(0, prefix.size(), prefix) == 0;) {
          it = out_->erase(it);
        }
        (*out_)[member + "#key"] = key_position;
      }
      Value(member);
    }
    Advance();  // }
  }

  void Array(const std::string& pointer) {
    Advance();  // [
    size_t index = 0;
    while (true) {
      SkipSpaceAndComments();
      if (AtEnd() || Peek() == ']') break;
      if (Peek() == ',') {
        Advance();
        continue;
      }
      Value(absl::StrCat(pointer, "/", index++));
    }
    Advance();  // ]
  }

  absl::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
  std::map<std::string, TextPosition>* out_;
  std::vector<std::pair<std::string, TextPosition>>* duplicates_;
};

}  // namespace

JsonPositions JsonPositions::Scan(absl::string_view text) {
  JsonPositions positions;
  Scanner scanner(text, &positions.positions_, &positions.duplicates_);
  scanner.Document();
  return positions;
}

TextPosition JsonPositions::Value(absl::string_view pointer) const {
  std::string p(pointer);
  while (true) {
    auto it = positions_.find(p);
    if (it != positions_.end()) return it->second;
    if (p.empty()) return TextPosition{};
    p = p.substr(0, p.rfind('/'));
  }
}

TextPosition JsonPositions::Key(absl::string_view pointer) const {
  auto it = positions_.find(absl::StrCat(pointer, "#key"));
  if (it != positions_.end()) return it->second;
  return Value(pointer);
}

TextPosition PositionOfOffset(absl::string_view text, size_t offset) {
  TextPosition position;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++position.line;
      position.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++position.column;
    }
  }
  return position;
}

std::string PointerToken(absl::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace metamock
