#!/usr/bin/python3
"""Reference SigV4 checker for the s3 connector (CONNECTORS.md §4.2, fault case F26).

A loopback HTTP server that recomputes the signature of every request with python3-botocore's S3SigV4Auth
from the raw request line (path and query exactly as sent) and the signed headers, and answers 200 with a
minimal S3-shaped body when it matches, or 403 SignatureDoesNotMatch with the canonical request when not.
It also checks that x-amz-content-sha256 is the SHA-256 of the body received.

  /usr/bin/python3 tests/tools/sigv4_check_server.py PORT [--port-file F] [--key ID=SECRET ...] [--log F]

PORT 0 picks a free port (written to --port-file). Default key: AKIDCHECK=check/secret+key=.
"""
import argparse
import hashlib
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

KEYS = {}
LOG = None
LOCK = threading.Lock()


def parse_authorization(value):
    if not value.startswith("AWS4-HMAC-SHA256 "):
        raise ValueError("not a SigV4 Authorization header")
    fields = {}
    for part in value[len("AWS4-HMAC-SHA256 "):].split(","):
        name, _, text = part.strip().partition("=")
        fields[name] = text
    access_key, date, region, service, terminal = fields["Credential"].split("/")
    return access_key, date, region, service, fields["SignedHeaders"].split(";"), fields["Signature"]


def shape_body(method, path, query):
    """A minimal successful answer for the request shape."""
    params = dict(parse_qsl(query, keep_blank_values=True))
    if method == "GET" and "list-type" in params:
        key = (params.get("prefix") or "") + "object.csv"
        if "continuation-token" in params:
            more = "<IsTruncated>false</IsTruncated>"
        else:
            more = "<IsTruncated>true</IsTruncated><NextContinuationToken>a/0+k==</NextContinuationToken>"
        return 200, {}, ("<ListBucketResult><Contents><Key>%s</Key><ETag>&quot;e1&quot;</ETag><Size>5</Size>"
                         "<LastModified>2024-01-01T00:00:00.000Z</LastModified></Contents>%s</ListBucketResult>"
                         % (key, more)).encode()
    if method == "POST" and "uploads" in params:
        return 200, {}, b"<InitiateMultipartUploadResult><UploadId>up/1+2=</UploadId></InitiateMultipartUploadResult>"
    if method == "POST" and "uploadId" in params:
        return 200, {}, b"<CompleteMultipartUploadResult><ETag>&quot;x-1&quot;</ETag></CompleteMultipartUploadResult>"
    if method == "DELETE":
        return 204, {}, b""
    if method == "HEAD":
        return 200, {"ETag": '"e1"', "Content-Length": "5"}, b""
    if method == "GET":
        return 200, {"ETag": '"e1"'}, b"id\n1\n"
    return 200, {"ETag": '"e1"'}, b""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        verdict, detail = "ok", ""
        try:
            access_key, date, region, service, signed, signature = parse_authorization(
                self.headers.get("Authorization", ""))
            if access_key not in KEYS:
                raise ValueError("unknown access key " + access_key)
            declared = self.headers.get("x-amz-content-sha256", "")
            if declared != "UNSIGNED-PAYLOAD" and declared != hashlib.sha256(body).hexdigest():
                raise ValueError("x-amz-content-sha256 is not the SHA-256 of the body")
            headers = {name: self.headers.get(name, "") for name in signed}
            request = AWSRequest(method=self.command, url="http://" + self.headers["Host"] + self.path,
                                 headers=headers, data=body)
            request.context["timestamp"] = self.headers["x-amz-date"]
            auth = S3SigV4Auth(Credentials(access_key, KEYS[access_key]), service, region)
            canonical = auth.canonical_request(request)
            expected = auth.signature(auth.string_to_sign(request, canonical), request)
            if expected != signature:
                verdict, detail = "mismatch", canonical
        except Exception as error:  # a malformed request is a failed check too
            verdict, detail = "error", str(error)
        if verdict == "ok":
            status, extra, payload = shape_body(self.command, unquote(split.path), split.query)
        else:
            status, extra = 403, {}
            payload = ("<Error><Code>SignatureDoesNotMatch</Code><Message>%s</Message><CanonicalRequest>%s"
                       "</CanonicalRequest></Error>" % (verdict, detail.replace("&", "&amp;").replace("<", "&lt;"))
                       ).encode()
        if LOG:
            with LOCK, open(LOG, "a") as log:
                log.write(json.dumps({"method": self.command, "path": self.path, "verdict": verdict,
                                      "status": status}) + "\n")
        self.send_response(status)
        for name, value in extra.items():
            self.send_header(name, value)
        if "Content-Length" not in extra:
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


def main():
    global LOG
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--port-file")
    parser.add_argument("--log")
    parser.add_argument("--key", action="append", default=[])
    args = parser.parse_args()
    for item in args.key or ["AKIDCHECK=check/secret+key="]:
        name, _, secret = item.partition("=")
        KEYS[name] = secret
    LOG = args.log
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as out:
            out.write(str(server.server_address[1]))
        import os
        os.replace(args.port_file + ".tmp", args.port_file)
    print("sigv4 checker on 127.0.0.1:%d" % server.server_address[1], file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
