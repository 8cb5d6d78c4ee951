#include "sqlflow/connectors/s3/s3_xml.h"

#include <cstdlib>
#include <cstring>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"

namespace sqlflow::connectors::s3 {
namespace {

constexpr size_t kMaxXmlBytes = 64u << 20;
constexpr int kMaxDepth = 64;

[[noreturn]] void Fail(const std::string& what, size_t offset) {
  throw Error(ErrorKind::kProtocolError,
              "S3 response: invalid XML at byte " + std::to_string(offset) + ": " + what);
}

class Parser {
 public:
  explicit Parser(std::string_view xml) : xml_(xml) {}

  XmlElement Document() {
    SkipProlog();
    if (pos_ >= xml_.size() || xml_[pos_] != '<') Fail("expected the root element", pos_);
    XmlElement root = Element(0);
    SkipMisc();
    if (pos_ != xml_.size()) Fail("text after the root element", pos_);
    return root;
  }

 private:
  bool StartsWith(std::string_view token) const { return xml_.substr(pos_, token.size()) == token; }

  void SkipUntil(std::string_view end) {
    const size_t found = xml_.find(end, pos_);
    if (found == std::string_view::npos) Fail("unterminated '" + std::string(end) + "'", pos_);
    pos_ = found + end.size();
  }

  void SkipSpace() {
    while (pos_ < xml_.size() &&
           (xml_[pos_] == ' ' || xml_[pos_] == '\n' || xml_[pos_] == '\r' || xml_[pos_] == '\t')) {
      ++pos_;
    }
  }

  // Whitespace, comments and processing instructions between elements.
  void SkipMisc() {
    for (;;) {
      SkipSpace();
      if (StartsWith("<?")) {
        SkipUntil("?>");
      } else if (StartsWith("<!--")) {
        SkipUntil("-->");
      } else {
        return;
      }
    }
  }

  void SkipProlog() {
    SkipMisc();
    if (StartsWith("<!DOCTYPE")) Fail("DOCTYPE is not accepted", pos_);
  }

  std::string Name() {
    const size_t start = pos_;
    while (pos_ < xml_.size() && !std::strchr(" \t\r\n/>=", xml_[pos_])) ++pos_;
    if (pos_ == start) Fail("expected a name", pos_);
    std::string name(xml_.substr(start, pos_ - start));
    if (auto colon = name.find(':'); colon != std::string::npos) name = name.substr(colon + 1);
    return name;
  }

  // Skips attributes; returns true for a self-closing tag.
  bool Attributes() {
    for (;;) {
      SkipSpace();
      if (pos_ >= xml_.size()) Fail("unterminated tag", pos_);
      if (xml_[pos_] == '>') return ++pos_, false;
      if (StartsWith("/>")) return pos_ += 2, true;
      Name();
      SkipSpace();
      if (pos_ >= xml_.size() || xml_[pos_] != '=') Fail("expected '=' in an attribute", pos_);
      ++pos_;
      SkipSpace();
      if (pos_ >= xml_.size() || (xml_[pos_] != '"' && xml_[pos_] != '\'')) Fail("expected a quote", pos_);
      const char quote = xml_[pos_++];
      const size_t end = xml_.find(quote, pos_);
      if (end == std::string_view::npos) Fail("unterminated attribute value", pos_);
      pos_ = end + 1;
    }
  }

  XmlElement Element(int depth) {
    if (depth > kMaxDepth) Fail("nesting deeper than " + std::to_string(kMaxDepth), pos_);
    ++pos_;  // '<'
    XmlElement element;
    element.name = Name();
    if (Attributes()) return element;
    for (;;) {
      if (pos_ >= xml_.size()) Fail("unterminated element <" + element.name + ">", pos_);
      if (StartsWith("</")) {
        pos_ += 2;
        const size_t at = pos_;
        if (Name() != element.name) Fail("mismatched end tag for <" + element.name + ">", at);
        SkipSpace();
        if (pos_ >= xml_.size() || xml_[pos_] != '>') Fail("expected '>'", pos_);
        ++pos_;
        return element;
      }
      if (StartsWith("<!--")) {
        SkipUntil("-->");
      } else if (StartsWith("<![CDATA[")) {
        const size_t start = pos_ + 9;
        SkipUntil("]]>");
        element.text.append(xml_.substr(start, pos_ - 3 - start));
      } else if (StartsWith("<?")) {
        SkipUntil("?>");
      } else if (xml_[pos_] == '<') {
        element.children.push_back(Element(depth + 1));
      } else {
        const size_t end = std::min(xml_.find('<', pos_), xml_.size());
        element.text += DecodeXmlEntities(xml_.substr(pos_, end - pos_));
        pos_ = end;
      }
    }
  }

  std::string_view xml_;
  size_t pos_ = 0;
};

}  // namespace

const XmlElement* XmlElement::Child(std::string_view child_name) const {
  for (const auto& child : children) {
    if (child.name == child_name) return &child;
  }
  return nullptr;
}

std::vector<const XmlElement*> XmlElement::Children(std::string_view child_name) const {
  std::vector<const XmlElement*> out;
  for (const auto& child : children) {
    if (child.name == child_name) out.push_back(&child);
  }
  return out;
}

std::string XmlElement::ChildText(std::string_view child_name, const std::string& fallback) const {
  const XmlElement* child = Child(child_name);
  return child ? child->text : fallback;
}

std::string DecodeXmlEntities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out.push_back(text[i]);
      continue;
    }
    const size_t end = text.find(';', i);
    if (end == std::string_view::npos || end - i > 12) Fail("unterminated entity", i);
    const std::string_view entity = text.substr(i + 1, end - i - 1);
    if (entity == "amp")
      out.push_back('&');
    else if (entity == "lt")
      out.push_back('<');
    else if (entity == "gt")
      out.push_back('>');
    else if (entity == "quot")
      out.push_back('"');
    else if (entity == "apos")
      out.push_back('\'');
    else if (entity.size() > 1 && entity[0] == '#') {
      const bool hex = entity[1] == 'x' || entity[1] == 'X';
      const std::string digits(entity.substr(hex ? 2 : 1));
      char* parse_end = nullptr;
      const unsigned long cp = std::strtoul(digits.c_str(), &parse_end, hex ? 16 : 10);
      if (digits.empty() || *parse_end != '\0' || cp == 0 || cp > 0x10FFFF)
        Fail("bad character reference", i);
      out += EncodeUtf8(static_cast<char32_t>(cp));
    } else {
      Fail("unknown entity '&" + std::string(entity) + ";'", i);
    }
    i = end;
  }
  return out;
}

std::string EscapeXml(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

XmlElement ParseXml(std::string_view xml) {
  if (xml.size() > kMaxXmlBytes) Fail("document larger than 64 MiB", kMaxXmlBytes);
  return Parser(xml).Document();
}

std::string StripQuotes(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  return std::string(etag);
}

S3ListPage ParseListObjectsV2(std::string_view xml) {
  const XmlElement root = ParseXml(xml);
  if (root.name != "ListBucketResult") {
    throw Error(ErrorKind::kProtocolError, "S3 response: expected ListBucketResult, got <" + root.name + ">");
  }
  S3ListPage page;
  for (const XmlElement* contents : root.Children("Contents")) {
    S3ObjectInfo object;
    object.key = contents->ChildText("Key");
    object.etag = StripQuotes(contents->ChildText("ETag"));
    object.last_modified = contents->ChildText("LastModified");
    const std::string size = contents->ChildText("Size", "0");
    char* end = nullptr;
    object.size = std::strtoll(size.c_str(), &end, 10);
    if (object.key.empty() || *end != '\0') {
      throw Error(ErrorKind::kProtocolError, "S3 response: a Contents entry without Key or with a bad Size");
    }
    page.objects.push_back(std::move(object));
  }
  page.truncated = root.ChildText("IsTruncated") == "true";
  page.next_continuation_token = root.ChildText("NextContinuationToken");
  if (page.truncated && page.next_continuation_token.empty()) {
    throw Error(ErrorKind::kProtocolError, "S3 response: IsTruncated without NextContinuationToken");
  }
  return page;
}

std::optional<S3ErrorInfo> ParseS3Error(std::string_view xml) {
  if (xml.find("<Error") == std::string_view::npos) return std::nullopt;
  try {
    const XmlElement root = ParseXml(xml);
    if (root.name != "Error") return std::nullopt;
    return S3ErrorInfo{root.ChildText("Code"), root.ChildText("Message"), root.ChildText("Region"),
                       root.ChildText("ServerTime")};
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::string ParseInitiateMultipartUpload(std::string_view xml) {
  const XmlElement root = ParseXml(xml);
  const std::string id = root.ChildText("UploadId");
  if (root.name != "InitiateMultipartUploadResult" || id.empty()) {
    throw Error(ErrorKind::kProtocolError, "S3 response: CreateMultipartUpload without an UploadId");
  }
  return id;
}

std::vector<S3PendingUpload> ParseListMultipartUploads(std::string_view xml) {
  const XmlElement root = ParseXml(xml);
  std::vector<S3PendingUpload> out;
  for (const XmlElement* upload : root.Children("Upload")) {
    out.push_back({upload->ChildText("Key"), upload->ChildText("UploadId")});
  }
  return out;
}

}  // namespace sqlflow::connectors::s3
