#include "sqlflow/parser/json_object.h"

#include <set>

#include "sqlflow/common/text.h"

namespace sqlflow::parser {

size_t JsonObject::KeyOffset(const std::string& key) const {
  for (const auto& [name, key_offset] : key_offsets)
    if (name == key) return key_offset;
  return offset;
}

namespace {

constexpr int kMaxDepth = 256;

struct JsonFailure {
  sqltext::TextError error;
};

class JsonParser {
 public:
  JsonParser(std::string_view text, size_t begin, size_t end, std::string_view label)
      : text_(text), begin_(begin), end_(std::min(end, text.size())), label_(label), pos_(begin) {}

  JsonObject Parse() {
    JsonObject object;
    object.offset = begin_;
    object.value = ParseObject(0, &object.key_offsets);
    SkipWhitespace();
    if (pos_ < end_) Fail("unexpected " + Found() + " after the object", pos_);
    object.length = pos_ - begin_;
    return object;
  }

 private:
  [[noreturn]] void Fail(const std::string& detail, size_t offset, size_t length = 1, std::string hint = "") {
    throw JsonFailure{sqltext::TextError{"SF107", "invalid JSON in " + std::string(label_) + ": " + detail,
                                         std::move(hint), offset, length}};
  }

  char At(size_t i) const { return i < end_ ? text_[i] : '\0'; }

  void SkipWhitespace() {
    while (pos_ < end_ &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }

  // The text at pos_, for "found ..." messages.
  std::string Found() const {
    if (pos_ >= end_) return "end of object";
    size_t end = pos_ + 1;
    if (sqltext::IsIdentChar(text_[pos_])) {
      while (end < end_ && sqltext::IsIdentChar(text_[end])) ++end;
    } else {
      while (end < end_ && (static_cast<unsigned char>(text_[end]) & 0xC0) == 0x80) ++end;
    }
    return "'" + std::string(text_.substr(pos_, end - pos_)) + "'";
  }

  // Fails for the token at pos_, which is not what `expected` describes.
  [[noreturn]] void Unexpected(const std::string& expected) {
    char c = At(pos_);
    if (c == '/' && (At(pos_ + 1) == '/' || At(pos_ + 1) == '*'))
      Fail("comments are not allowed", pos_, 2, "remove the comment");
    if (c == '\'') Fail("strings must use double quotes", pos_);
    Fail("expected " + expected + ", found " + Found(), pos_);
  }

  nlohmann::ordered_json ParseValue(int depth) {
    SkipWhitespace();
    char c = At(pos_);
    if (c == '{') return ParseObject(depth + 1, nullptr);
    if (c == '[') return ParseArray(depth + 1);
    if (c == '"') return ParseString();
    if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber();
    for (const char* literal : {"true", "false", "null"}) {
      std::string_view word(literal);
      if (text_.substr(pos_, word.size()) == word && !sqltext::IsIdentChar(At(pos_ + word.size()))) {
        pos_ += word.size();
        if (word == "true") return true;
        if (word == "false") return false;
        return nullptr;
      }
    }
    Unexpected("a value");
  }

  nlohmann::ordered_json ParseObject(int depth, std::vector<std::pair<std::string, size_t>>* key_offsets) {
    if (depth > kMaxDepth) Fail("nesting is too deep", pos_);
    SkipWhitespace();
    if (At(pos_) != '{') Unexpected("'{'");
    ++pos_;
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    std::set<std::string> seen;
    SkipWhitespace();
    if (At(pos_) == '}') {
      ++pos_;
      return object;
    }
    size_t comma = std::string_view::npos;
    while (true) {
      SkipWhitespace();
      if (At(pos_) == '}' && comma != std::string_view::npos)
        Fail("trailing ',' before '}'", comma, 1, "remove the trailing ','");
      if (At(pos_) != '"')
        Unexpected(comma == std::string_view::npos ? "a string key or '}'" : "a string key");
      size_t key_begin = pos_;
      std::string key = ParseString();
      if (!seen.insert(key).second)
        throw JsonFailure{sqltext::TextError{"SF125", "duplicate key '" + key + "' in JSON object", "",
                                             key_begin, pos_ - key_begin}};
      if (key_offsets) key_offsets->emplace_back(key, key_begin);
      SkipWhitespace();
      if (At(pos_) != ':') Unexpected("':' after key \"" + key + "\"");
      ++pos_;
      object[key] = ParseValue(depth);
      SkipWhitespace();
      if (At(pos_) == ',') {
        comma = pos_++;
        continue;
      }
      if (At(pos_) == '}') {
        ++pos_;
        return object;
      }
      Unexpected("',' or '}' after the value of \"" + key + "\"");
    }
  }

  nlohmann::ordered_json ParseArray(int depth) {
    if (depth > kMaxDepth) Fail("nesting is too deep", pos_);
    ++pos_;  // '['
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    SkipWhitespace();
    if (At(pos_) == ']') {
      ++pos_;
      return array;
    }
    while (true) {
      array.push_back(ParseValue(depth));
      SkipWhitespace();
      if (At(pos_) == ',') {
        size_t comma = pos_++;
        SkipWhitespace();
        if (At(pos_) == ']') Fail("trailing ',' before ']'", comma, 1, "remove the trailing ','");
        continue;
      }
      if (At(pos_) == ']') {
        ++pos_;
        return array;
      }
      Unexpected("',' or ']' in the array");
    }
  }

  unsigned ParseHex4(size_t at) {
    unsigned value = 0;
    for (size_t k = 0; k < 4; ++k) {
      char c = At(at + k);
      value <<= 4;
      if (c >= '0' && c <= '9') {
        value |= static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        value |= static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        value |= static_cast<unsigned>(c - 'A' + 10);
      } else {
        Fail("invalid \\u escape (expected 4 hex digits)", at - 2, 2);
      }
    }
    return value;
  }

  std::string ParseString() {
    size_t open = pos_;
    ++pos_;  // '"'
    std::string out;
    while (true) {
      if (pos_ >= end_) Fail("unterminated string", open);
      char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        break;
      }
      if (static_cast<unsigned char>(c) < 0x20)
        Fail("control character in string (write it as an escape such as \\n or \\t)", pos_);
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      char e = At(pos_ + 1);
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          unsigned code = ParseHex4(pos_ + 2);
          if (code >= 0xDC00 && code <= 0xDFFF) Fail("invalid \\u escape (unpaired surrogate)", pos_, 6);
          if (code >= 0xD800 && code <= 0xDBFF) {
            if (At(pos_ + 6) != '\\' || At(pos_ + 7) != 'u')
              Fail("invalid \\u escape (unpaired surrogate)", pos_, 6);
            unsigned low = ParseHex4(pos_ + 8);
            if (low < 0xDC00 || low > 0xDFFF) Fail("invalid \\u escape (unpaired surrogate)", pos_, 12);
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            pos_ += 6;
          }
          out += EncodeUtf8(static_cast<char32_t>(code));
          pos_ += 4;
          break;
        }
        default:
          Fail("invalid escape '\\" + std::string(1, e) + "' in string", pos_, 2);
      }
      pos_ += 2;
    }
    if (FindInvalidUtf8(out)) Fail("string is not valid UTF-8", open, pos_ - open);
    return out;
  }

  nlohmann::ordered_json ParseNumber() {
    size_t start = pos_;
    size_t i = pos_;
    auto digits = [&]() {
      size_t from = i;
      while (At(i) >= '0' && At(i) <= '9') ++i;
      return i > from;
    };
    bool ok = true;
    if (At(i) == '-') ++i;
    if (At(i) == '0') {
      ++i;
    } else {
      ok = digits();
    }
    if (ok && At(i) == '.') {
      ++i;
      ok = digits();
    }
    if (ok && (At(i) == 'e' || At(i) == 'E')) {
      ++i;
      if (At(i) == '+' || At(i) == '-') ++i;
      ok = digits();
    }
    // Whatever still looks like part of the number makes it invalid ("01", "1.", "0x1", "1e").
    size_t run_end = i;
    while (run_end < end_ && (sqltext::IsIdentChar(text_[run_end]) || text_[run_end] == '.' ||
                              text_[run_end] == '+' || text_[run_end] == '-'))
      ++run_end;
    if (!ok || run_end != i)
      Fail("invalid number '" + std::string(text_.substr(start, run_end - start)) + "'", start,
           run_end - start);
    pos_ = i;
    auto value = nlohmann::ordered_json::parse(text_.substr(start, i - start), nullptr, false);
    if (value.is_discarded())
      Fail("invalid number '" + std::string(text_.substr(start, i - start)) + "'", start);
    return value;
  }

  std::string_view text_;
  size_t begin_;
  size_t end_;
  std::string_view label_;
  size_t pos_;
};

}  // namespace

std::variant<JsonObject, sqltext::TextError> ParseJsonObject(std::string_view text, size_t begin, size_t end,
                                                             std::string_view label) {
  try {
    return JsonParser(text, begin, end, label).Parse();
  } catch (const JsonFailure& failure) {
    return failure.error;
  }
}

}  // namespace sqlflow::parser
