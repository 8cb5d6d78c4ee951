// Small text utilities shared by every area: UTF-8, case folding, edit distance and "did you mean".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sqlflow {

std::string ToLower(std::string_view text);  // ASCII only
std::string ToUpper(std::string_view text);  // ASCII only
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// "1 step", "2 steps", "0 steps": a count with its noun in the right number (regular plurals only).
std::string Plural(int64_t count, std::string_view noun);
std::string Trim(std::string_view text);
std::vector<std::string> Split(std::string_view text, char separator);
std::string Join(const std::vector<std::string>& parts, std::string_view separator);
bool StartsWith(std::string_view text, std::string_view prefix);
bool EndsWith(std::string_view text, std::string_view suffix);
bool IsIdentifier(std::string_view text);  // [A-Za-z_][A-Za-z0-9_]*

// Decodes UTF-8; invalid bytes become U+FFFD.
std::u32string DecodeUtf8Lossy(std::string_view text);
std::string EncodeUtf8(char32_t code_point);
// Byte offset of the first invalid UTF-8 sequence, or nullopt when the text is valid.
std::optional<size_t> FindInvalidUtf8(std::string_view text);
// Number of code points in text[0, byte_offset).
int CodePointColumn(std::string_view line_prefix);

size_t Levenshtein(std::string_view a, std::string_view b);
// LANGUAGE.md §6.4: lower-cased Levenshtein distance <= 2 and < the length of `name`; smallest distance
// wins, ties go to the alphabetically first candidate.
std::optional<std::string> DidYouMean(std::string_view name, const std::vector<std::string>& candidates);

// Double-quotes an identifier for DuckDB SQL ("a""b").
std::string QuoteIdent(std::string_view name);
// Single-quotes a SQL string literal ('it''s').
std::string QuoteLiteral(std::string_view value);
// A SQL boolean literal: true / false.
inline std::string SqlBool(bool value) {
  return value ? "true" : "false";
}

}  // namespace sqlflow
