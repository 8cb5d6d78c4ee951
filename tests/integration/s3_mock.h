// In-process S3 mock (CONNECTORS.md §4.2) on cpp-httplib: path-style ListObjectsV2 with continuation tokens
// (tokens contain '+', '/' and '='), HEAD, GET with Range and If-Match, PUT, multipart create / upload part /
// complete / abort / list, DELETE. Complete validates part numbers (ascending, from 1), the ETag list and
// part sizes (>= 5 MiB except the last) and assembles the object. Scripted faults answer a status or cut a
// body after N bytes; every request is logged. Test utility.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace sqlflow::testing {

class S3Mock {
 public:
  struct Object {
    std::string data;
    std::string etag;           // without quotes
    std::string last_modified;  // ISO 8601
  };
  struct Fault {
    std::string method;         // "" = any
    std::string path_contains;  // matched against "/bucket/key?query" (decoded path, raw query names)
    int skip = 0;               // let this many matching requests through first
    int times = 1;              // then apply to this many (-1 = all)
    int status = 503;
    std::string code = "ServiceUnavailable";  // <Error><Code>; "" = empty body
    int64_t cut_after_bytes = -1;      // >= 0: answer 200/206 normally but close after this many body bytes
    bool error_body_with_200 = false;  // status 200 with an <Error> body (Complete)
    std::function<void()> before;      // runs before the fault is applied (e.g. change the object)
    int delay_ms = 0;                  // wait this long first; with status 0 then answer normally
  };
  // Answer `status` with <Error><Code>code</Code> to matching requests `skip`..`skip + times - 1`.
  static Fault Answer(std::string method, std::string path, int skip, int times, int status,
                      std::string code) {
    Fault fault;
    fault.method = std::move(method);
    fault.path_contains = std::move(path);
    fault.skip = skip;
    fault.times = times;
    fault.status = status;
    fault.code = std::move(code);
    return fault;
  }
  // Cut the body of the first matching GET after `bytes` bytes.
  static Fault Cut(std::string path, int64_t bytes) {
    Fault fault = Answer("GET", std::move(path), 0, 1, 200, "");
    fault.cut_after_bytes = bytes;
    return fault;
  }
  struct Logged {
    std::string method;
    std::string path;   // decoded
    std::string query;  // "k=v&..." decoded values, in order received
    std::string range;
    std::string if_match;
    int status = 0;
  };
  struct Upload {
    std::string bucket, key;
    std::map<int, std::string> parts;  // part number -> data
  };

  S3Mock();
  ~S3Mock();
  S3Mock(const S3Mock&) = delete;
  S3Mock& operator=(const S3Mock&) = delete;

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void PutObject(const std::string& bucket, const std::string& key, const std::string& data,
                 const std::string& last_modified = "2024-01-01T00:00:00.000Z");
  bool HasObject(const std::string& bucket, const std::string& key) const;
  Object GetObject(const std::string& bucket, const std::string& key) const;
  std::vector<std::string> Keys(const std::string& bucket) const;
  size_t PendingUploads() const;
  void AddFault(Fault fault);
  void SetMaxKeys(int max_keys) { max_keys_cap_ = max_keys; }
  std::vector<Logged> Log() const;
  int Count(const std::string& method, const std::string& path_contains) const;
  // Part sizes of every completed multipart upload, in order.
  std::vector<std::vector<int64_t>> CompletedPartSizes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  std::atomic<int> max_keys_cap_{1000};
};

}  // namespace sqlflow::testing
