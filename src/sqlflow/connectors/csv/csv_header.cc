#include <fstream>

#include "sqlflow/connectors/csv/csv_connector.h"
#include "sqlflow/connectors/files/file_paths.h"

namespace sqlflow::connectors {
namespace {

bool At(const std::string& text, size_t pos, const std::string& token) {
  return !token.empty() && text.compare(pos, token.size(), token) == 0;
}

}  // namespace

std::string UnescapeDelimiter(const std::string& delimiter) {
  return delimiter == "\\t" ? "\t" : delimiter;
}

std::optional<std::vector<std::string>> ReadCsvHeader(const std::string& path, int64_t skip_rows,
                                                      const CsvDialect& dialect) {
  if (!CompressionFromExtension(path).empty()) return std::nullopt;
  std::ifstream input(path, std::ios::binary);
  if (!input) return std::nullopt;
  // A header longer than 4 MiB is not plausible; reading a bounded prefix keeps this cheap on big files.
  std::string text(4 << 20, '\0');
  input.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(input.gcount()));
  size_t pos = At(text, 0, "\xEF\xBB\xBF") ? 3 : 0;
  for (int64_t line = 0; line < skip_rows && pos < text.size(); ++line) {
    size_t newline = text.find('\n', pos);
    pos = newline == std::string::npos ? text.size() : newline + 1;
  }
  std::vector<std::string> fields;
  if (pos >= text.size()) return fields;
  std::string current;
  bool in_quotes = false;
  const std::string& quote = dialect.quote;
  const std::string& escape = dialect.escape;
  while (pos < text.size()) {
    if (in_quotes) {
      if (escape != quote && At(text, pos, escape) && At(text, pos + escape.size(), quote)) {
        current += quote;
        pos += escape.size() + quote.size();
      } else if (At(text, pos, quote)) {
        if (escape == quote && At(text, pos + quote.size(), quote)) {
          current += quote;
          pos += 2 * quote.size();
        } else {
          in_quotes = false;
          pos += quote.size();
        }
      } else {
        current += text[pos++];
      }
      continue;
    }
    if (At(text, pos, quote)) {
      in_quotes = true;
      pos += quote.size();
    } else if (At(text, pos, dialect.delimiter)) {
      fields.push_back(std::move(current));
      current.clear();
      pos += dialect.delimiter.size();
    } else if (text[pos] == '\n' || text[pos] == '\r') {
      break;
    } else {
      current += text[pos++];
    }
  }
  fields.push_back(std::move(current));
  return fields;
}

}  // namespace sqlflow::connectors
