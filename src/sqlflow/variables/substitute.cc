#include "sqlflow/variables/substitute.h"

#include <algorithm>
#include <cstdio>

#include "sqlflow/sqltext/scanner.h"

namespace sqlflow::variables {

namespace {

// Walks text[begin, end) with the region rules of the one SQL-text scanner (LANGUAGE.md §2.2) and calls
// visit(ref, in_json_string) for every reference outside comments (escaped and malformed ones included),
// in text order. Offsets are absolute; nothing at or after `end` is read.
void ScanReferences(std::string_view full_text, size_t begin, size_t end,
                    const sqltext::RegionScanner::VarRefSink& visit) {
  std::string_view text = full_text.substr(0, std::min(end, full_text.size()));
  sqltext::RegionScanner scanner(text, sqltext::RegionScanner::VarRefs::kAtomic, nullptr);
  scanner.set_var_ref_sink(visit);  // comments hold no references: the scanner steps over them whole
  size_t i = begin;
  while (i < text.size()) {
    sqltext::RegionKind kind = scanner.KindAt(i);
    i = kind == sqltext::RegionKind::kNone ? i + 1 : scanner.Skip(i);
  }
}

std::string JsonEscape(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof(buffer), "\\u%04x",
                        static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace

SubstitutedText Substitute(SourceFilePtr file, size_t begin, size_t end, const Resolver& resolver) {
  SubstitutedText out;
  const std::string& source = file->text();
  end = std::min(end, source.size());
  size_t literal_begin = begin;  // start of the source run not yet copied

  auto copy_literal = [&](size_t upto) {
    if (upto <= literal_begin) return;
    size_t out_begin = out.text.size();
    out.text.append(source, literal_begin, upto - literal_begin);
    out.segments.push_back(Segment{out_begin, out.text.size(), literal_begin, upto, false, ""});
  };

  ScanReferences(source, begin, end, [&](const VarRef& ref, bool in_json_string) {
    if (ref.error != VarRefError::kNone) return;  // copied unchanged; the parser reports it
    copy_literal(ref.begin);
    if (ref.escaped) {  // "$${x}" -> "${x}": drop the first '$', the rest is copied as it is
      literal_begin = ref.begin + 1;
      return;
    }
    std::string value = resolver(ref, ref.begin).value_or("");
    if (in_json_string) value = JsonEscape(value);
    size_t out_begin = out.text.size();
    out.text += value;
    out.segments.push_back(Segment{out_begin, out.text.size(), ref.begin, ref.end, true, ref.name});
    literal_begin = ref.end;
  });
  copy_literal(end);
  out.file = std::move(file);
  return out;
}

std::vector<VarRef> FindReferences(std::string_view text, size_t begin, size_t end) {
  std::vector<VarRef> refs;
  ScanReferences(text, begin, end, [&](const VarRef& ref, bool) {
    if (ref.error == VarRefError::kNone && !ref.escaped) refs.push_back(ref);
  });
  return refs;
}

}  // namespace sqlflow::variables
