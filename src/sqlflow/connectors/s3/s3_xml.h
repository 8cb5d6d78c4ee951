// A small, bounded XML reader for S3 responses (CONNECTORS.md §3.6): elements, text and entity decoding;
// attributes, comments, processing instructions and CDATA are accepted and ignored (CDATA text is kept).
// Enough for ListBucketResult, Error, InitiateMultipartUploadResult, CompleteMultipartUploadResult and
// ListMultipartUploadsResult; not a general XML parser (no namespaces, no DTDs).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sqlflow::connectors::s3 {

struct XmlElement {
  std::string name;  // local name (a "prefix:" part is dropped)
  std::string text;  // decoded character data directly inside this element
  std::vector<XmlElement> children;

  const XmlElement* Child(std::string_view child_name) const;
  std::vector<const XmlElement*> Children(std::string_view child_name) const;
  // Text of the first child with this name, or `fallback`.
  std::string ChildText(std::string_view child_name, const std::string& fallback = "") const;
};

// Parses `xml` (at most 64 MiB, nesting at most 64). Throws Error(kProtocolError) naming the byte offset.
XmlElement ParseXml(std::string_view xml);

// Decodes &amp; &lt; &gt; &quot; &apos; &#N; &#xH; (UTF-8 output). Throws Error(kProtocolError).
std::string DecodeXmlEntities(std::string_view text);
// Escapes & < > " ' for element text.
std::string EscapeXml(std::string_view text);

// ---- S3 response shapes ----

struct S3ObjectInfo {
  std::string key;
  int64_t size = 0;
  std::string etag;           // with its quotes removed
  std::string last_modified;  // ISO 8601 as sent, e.g. 2024-01-02T03:04:05.000Z
};

struct S3ListPage {
  std::vector<S3ObjectInfo> objects;
  bool truncated = false;
  std::string next_continuation_token;
};

struct S3ErrorInfo {
  std::string code;
  std::string message;
  std::string region;       // <Region> of a wrong-region answer, when present
  std::string server_time;  // <ServerTime> of RequestTimeTooSkewed
};

S3ListPage ParseListObjectsV2(std::string_view xml);
// nullopt when `xml` is not an <Error> document.
std::optional<S3ErrorInfo> ParseS3Error(std::string_view xml);
std::string ParseInitiateMultipartUpload(std::string_view xml);  // the UploadId

struct S3PendingUpload {
  std::string key;
  std::string upload_id;
};
std::vector<S3PendingUpload> ParseListMultipartUploads(std::string_view xml);

std::string StripQuotes(std::string_view etag);

}  // namespace sqlflow::connectors::s3
