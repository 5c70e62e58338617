#pragma once
// The HTTP/1.1 server (Boost.Beast, in http_server.cc alone) behind
// plugin/http/http_message.h: routes see complete requests and answer responses.
//
// What it holds against (issue 15), all before a route sees the request:
//  - the header (request line and fields) is at most max_header_bytes: 431;
//  - the body is at most max_body_bytes, checked while it is read: a larger
//    Content-Length or chunk size is answered 413 before any of it is read;
//  - framing that a proxy could read otherwise (two Content-Lengths that
//    differ, one that is not a number, Content-Length with Transfer-Encoding,
//    any coding but chunked, a bad chunk size) is answered 400;
//    each of these answers closes the connection;
//  - deadlines: the whole header within header_timeout_ms, no pause longer
//    than body_timeout_ms in a body or while the client takes the answer,
//    kept-alive connections idle at most idle_timeout_ms; past one the
//    connection is closed without an answer;
//  - at most max_connections open; a new one closes the connection idle
//    longest, or is answered 503 when none is idle; accept errors (EMFILE)
//    back off instead of retrying at once;
//  - reading is asynchronous on two I/O threads, so a slow client holds no
//    thread; the handler runs on worker_threads workers (it may block on a
//    group commit), with at most max_queued_requests waiting: 503 past it.
//
// Thread safety: the handler runs concurrently on the worker pool's threads.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "plugin/http/http_message.h"
#include "xapi/result.h"

namespace lrs::plugin {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  size_t max_body_bytes = 10 * 1024 * 1024;
  size_t max_header_bytes = 16 * 1024;  // request line and header fields; 431 past it
  // From accept (or from the first byte of a later request on a kept-alive
  // connection) until the whole header has arrived, however it trickles in.
  int header_timeout_ms = 10'000;
  // Longest wait for the next bytes of a body, and for a client to take the
  // next bytes of its response.
  int body_timeout_ms = 30'000;
  // A kept-alive connection with no request in progress.
  int idle_timeout_ms = 30'000;
  // Open connections at most; 0 derives it from RLIMIT_NOFILE with headroom
  // for the data files. Past it the connection idle longest is closed for a
  // new one; when none is idle the new one is answered 503.
  size_t max_connections = 0;
  size_t worker_threads = 96;  // >= the concurrent requests that may wait on a group commit
  size_t max_queued_requests = 1024;  // requests read and waiting for a worker; 503 past it
};

using RequestHandler = std::function<HttpResponse(HttpRequest&)>;
// Builds the 413 answer (the handler's JSON error shape) for an oversized body.
using TooLargeResponder = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  // Starts listening. Errors: 500 with the reason (port in use, bad address).
  static Result<std::unique_ptr<HttpServer>> Start(const ServerOptions& options,
                                                   RequestHandler handler,
                                                   TooLargeResponder too_large);
  ~HttpServer();  // stops listening and finishes requests in flight

 private:
  class Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lrs::plugin
