#include "s3_mock.h"

#include <httplib.h>

#include <algorithm>

#include "sqlflow/connectors/s3/s3_xml.h"
#include "sqlflow/connectors/s3/sigv4.h"

namespace sqlflow::testing {
namespace {

constexpr int64_t kMinPart = 5 * 1024 * 1024;

std::string ErrorXml(const std::string& code, const std::string& message) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message +
         "</Message></Error>";
}

std::string Etag(const std::string& data) {
  return connectors::s3::Sha256Hex(data).substr(0, 32);
}

}  // namespace

struct S3Mock::Impl {
  httplib::Server server;
  std::thread thread;
  mutable std::mutex mutex;
  std::map<std::string, std::map<std::string, Object>> buckets;
  std::map<std::string, Upload> uploads;
  std::map<std::string, std::string> tokens;  // continuation token -> last key returned
  std::vector<Fault> faults;
  std::vector<int> fault_seen;
  std::vector<Logged> log;
  std::vector<std::vector<int64_t>> completed_parts;
  int next_upload = 1;
  int next_token = 1;
};

S3Mock::S3Mock() : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    Impl& m = *impl_;
    std::string query;
    for (const auto& [name, value] : req.params) query += (query.empty() ? "" : "&") + name + "=" + value;
    const std::string target = req.path + (query.empty() ? "" : "?" + query);
    std::string path = req.path.substr(1);
    const size_t slash = path.find('/');
    const std::string bucket = path.substr(0, slash);
    const std::string key = slash == std::string::npos ? "" : path.substr(slash + 1);
    std::unique_lock<std::mutex> lock(m.mutex);
    Logged entry{req.method, req.path, query, req.get_header_value("Range"), req.get_header_value("If-Match"),
                 0};
    // Scripted faults.
    for (size_t i = 0; i < m.faults.size(); ++i) {
      Fault& fault = m.faults[i];
      if (!fault.method.empty() && fault.method != req.method) continue;
      if (target.find(fault.path_contains) == std::string::npos) continue;
      const int seen = m.fault_seen[i]++;
      if (seen < fault.skip || (fault.times >= 0 && seen >= fault.skip + fault.times)) continue;
      if (fault.before) {
        lock.unlock();
        fault.before();
        lock.lock();
      }
      if (fault.delay_ms > 0) {
        const int delay = fault.delay_ms;
        const bool only_delay = fault.status == 0;
        lock.unlock();
        std::this_thread::sleep_for(std::chrono::milliseconds(delay));
        lock.lock();
        if (only_delay) break;
      }
      if (fault.cut_after_bytes >= 0 && req.method == "GET" && m.buckets[bucket].count(key)) {
        auto data = std::make_shared<std::string>(m.buckets[bucket][key].data);
        res.set_header("ETag", "\"" + m.buckets[bucket][key].etag + "\"");
        const int64_t cut = fault.cut_after_bytes;
        auto first = std::make_shared<int64_t>(-1);
        res.set_content_provider(data->size(), "application/octet-stream",
                                 [data, cut, first](size_t offset, size_t length, httplib::DataSink& sink) {
                                   if (*first < 0) *first = static_cast<int64_t>(offset);
                                   const int64_t sent = static_cast<int64_t>(offset) - *first;
                                   if (sent >= cut) return false;  // drop the connection mid-body
                                   const size_t n = std::min<size_t>(length, static_cast<size_t>(cut - sent));
                                   sink.write(data->data() + offset, n);
                                   return true;
                                 });
        entry.status = -1;
        m.log.push_back(entry);
        return;
      }
      const_cast<httplib::Request&>(req).ranges.clear();
      res.status = fault.error_body_with_200 ? 200 : fault.status;
      if (!fault.code.empty()) res.set_content(ErrorXml(fault.code, "scripted fault"), "application/xml");
      entry.status = res.status;
      m.log.push_back(entry);
      return;
    }
    auto& objects = m.buckets[bucket];
    auto reply = [&](int status, const std::string& body = "", const std::string& type = "application/xml") {
      // httplib applies a request's Range to any body; only object bodies may be ranged.
      const_cast<httplib::Request&>(req).ranges.clear();
      res.status = status;
      if (!body.empty()) res.set_content(body, type);
      entry.status = status;
      m.log.push_back(entry);
    };
    if (req.method == "GET" && key.empty() && req.has_param("list-type")) {
      const std::string prefix = req.get_param_value("prefix");
      int max_keys = req.has_param("max-keys") ? std::stoi(req.get_param_value("max-keys")) : 1000;
      max_keys = std::min(max_keys, max_keys_cap_.load());
      std::string after;
      if (req.has_param("continuation-token")) {
        auto it = m.tokens.find(req.get_param_value("continuation-token"));
        if (it == m.tokens.end()) return reply(400, ErrorXml("InvalidArgument", "bad continuation token"));
        after = it->second;
      }
      std::string body =
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult><Name>" + bucket + "</Name>";
      int count = 0;
      std::string last;
      bool truncated = false;
      for (auto it = objects.upper_bound(after); it != objects.end(); ++it) {
        if (it->first.compare(0, prefix.size(), prefix) != 0) continue;
        if (count == max_keys) {
          truncated = true;
          break;
        }
        body += "<Contents><Key>" + connectors::s3::EscapeXml(it->first) + "</Key><LastModified>" +
                it->second.last_modified + "</LastModified><ETag>&quot;" + it->second.etag +
                "&quot;</ETag><Size>" + std::to_string(it->second.data.size()) + "</Size></Contents>";
        last = it->first;
        ++count;
      }
      body += "<KeyCount>" + std::to_string(count) + "</KeyCount><IsTruncated>" +
              (truncated ? "true" : "false") + "</IsTruncated>";
      if (truncated) {
        const std::string token = "a/0+k==" + std::to_string(m.next_token++);
        m.tokens[token] = last;
        body += "<NextContinuationToken>" + token + "</NextContinuationToken>";
      }
      return reply(200, body + "</ListBucketResult>");
    }
    if (req.method == "GET" && key.empty() && req.has_param("uploads")) {
      std::string body = "<ListMultipartUploadsResult>";
      for (const auto& [id, upload] : m.uploads) {
        if (upload.bucket == bucket)
          body += "<Upload><Key>" + upload.key + "</Key><UploadId>" + id + "</UploadId></Upload>";
      }
      return reply(200, body + "</ListMultipartUploadsResult>");
    }
    if (req.method == "GET" || req.method == "HEAD") {
      auto it = objects.find(key);
      if (it == objects.end())
        return reply(404, req.method == "HEAD" ? "" : ErrorXml("NoSuchKey", "no such key"));
      const std::string if_match = req.get_header_value("If-Match");
      if (!if_match.empty() && if_match != "\"" + it->second.etag + "\"") {
        return reply(412, ErrorXml("PreconditionFailed", "etag changed"));
      }
      res.set_header("ETag", "\"" + it->second.etag + "\"");
      res.set_header("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT");
      // Status left unset: httplib answers 206 with Content-Range for a Range request, 200 otherwise.
      res.set_content(it->second.data, "application/octet-stream");
      entry.status = req.ranges.empty() ? 200 : 206;
      m.log.push_back(entry);
      return;
    }
    if (req.method == "PUT" && req.has_param("partNumber")) {
      auto upload = m.uploads.find(req.get_param_value("uploadId"));
      if (upload == m.uploads.end()) return reply(404, ErrorXml("NoSuchUpload", "no such upload"));
      upload->second.parts[std::stoi(req.get_param_value("partNumber"))] = req.body;
      res.set_header("ETag", "\"" + Etag(req.body) + "\"");
      return reply(200);
    }
    if (req.method == "PUT") {
      objects[key] = Object{req.body, Etag(req.body), "2024-06-01T00:00:00.000Z"};
      res.set_header("ETag", "\"" + objects[key].etag + "\"");
      return reply(200);
    }
    if (req.method == "POST" && req.has_param("uploads")) {
      const std::string id = "upload-" + std::to_string(m.next_upload++);
      m.uploads[id] = Upload{bucket, key, {}};
      return reply(200, "<InitiateMultipartUploadResult><Bucket>" + bucket + "</Bucket><Key>" + key +
                            "</Key><UploadId>" + id + "</UploadId></InitiateMultipartUploadResult>");
    }
    if (req.method == "POST" && req.has_param("uploadId")) {
      auto upload = m.uploads.find(req.get_param_value("uploadId"));
      if (upload == m.uploads.end()) return reply(404, ErrorXml("NoSuchUpload", "no such upload"));
      const auto doc = connectors::s3::ParseXml(req.body);
      std::string data;
      std::vector<int64_t> sizes;
      const auto parts = doc.Children("Part");
      for (size_t i = 0; i < parts.size(); ++i) {
        const int number = std::stoi(parts[i]->ChildText("PartNumber"));
        auto part = upload->second.parts.find(number);
        if (number != static_cast<int>(i) + 1 || part == upload->second.parts.end()) {
          return reply(400, ErrorXml("InvalidPartOrder", "parts must be 1..n"));
        }
        if (connectors::s3::StripQuotes(parts[i]->ChildText("ETag")) != Etag(part->second)) {
          return reply(400, ErrorXml("InvalidPart", "etag mismatch for part " + std::to_string(number)));
        }
        if (i + 1 < parts.size() && static_cast<int64_t>(part->second.size()) < kMinPart) {
          return reply(400, ErrorXml("EntityTooSmall", "part " + std::to_string(number) + " is below 5 MiB"));
        }
        sizes.push_back(static_cast<int64_t>(part->second.size()));
        data += part->second;
      }
      objects[key] =
          Object{data, Etag(data) + "-" + std::to_string(parts.size()), "2024-06-01T00:00:00.000Z"};
      m.completed_parts.push_back(sizes);
      m.uploads.erase(upload);
      return reply(200, "<CompleteMultipartUploadResult><Key>" + key + "</Key><ETag>&quot;" +
                            objects[key].etag + "&quot;</ETag></CompleteMultipartUploadResult>");
    }
    if (req.method == "DELETE" && req.has_param("uploadId")) {
      if (!m.uploads.erase(req.get_param_value("uploadId"))) {
        return reply(404, ErrorXml("NoSuchUpload", "no such upload"));
      }
      return reply(204);
    }
    if (req.method == "DELETE") {
      objects.erase(key);
      return reply(204);
    }
    reply(400, ErrorXml("NotImplemented", "mock does not do this"));
  };
  m.server.Get(R"(/.*)", handler);
  m.server.Put(R"(/.*)", handler);
  m.server.Post(R"(/.*)", handler);
  m.server.Delete(R"(/.*)", handler);
  port_ = m.server.bind_to_any_port("127.0.0.1");
  m.thread = std::thread([this] { impl_->server.listen_after_bind(); });
  while (!m.server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

S3Mock::~S3Mock() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

void S3Mock::PutObject(const std::string& bucket, const std::string& key, const std::string& data,
                       const std::string& last_modified) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->buckets[bucket][key] = Object{data, Etag(data), last_modified};
}

bool S3Mock::HasObject(const std::string& bucket, const std::string& key) const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  auto it = impl_->buckets.find(bucket);
  return it != impl_->buckets.end() && it->second.count(key);
}

S3Mock::Object S3Mock::GetObject(const std::string& bucket, const std::string& key) const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->buckets.at(bucket).at(key);
}

std::vector<std::string> S3Mock::Keys(const std::string& bucket) const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  std::vector<std::string> out;
  auto it = impl_->buckets.find(bucket);
  if (it != impl_->buckets.end()) {
    for (const auto& [key, object] : it->second) out.push_back(key);
  }
  return out;
}

size_t S3Mock::PendingUploads() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->uploads.size();
}

void S3Mock::AddFault(Fault fault) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->faults.push_back(std::move(fault));
  impl_->fault_seen.push_back(0);
}

std::vector<S3Mock::Logged> S3Mock::Log() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->log;
}

int S3Mock::Count(const std::string& method, const std::string& path_contains) const {
  int n = 0;
  for (const auto& entry : Log()) {
    const std::string target = entry.path + (entry.query.empty() ? "" : "?" + entry.query);
    if ((method.empty() || entry.method == method) && target.find(path_contains) != std::string::npos) ++n;
  }
  return n;
}

std::vector<std::vector<int64_t>> S3Mock::CompletedPartSizes() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->completed_parts;
}

}  // namespace sqlflow::testing
