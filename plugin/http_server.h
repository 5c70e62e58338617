#pragma once
// The HTTP server: cpprestsdk's http_listener behind plugin/http_message.h.
//
// cpprestsdk buffers whole request bodies (cpprestsdk#253), so limits are
// enforced here, before a route sees the request:
//  - a Content-Length above max_body_bytes is answered 413 at once, without
//    reading the body;
//  - a body without Content-Length (chunked) is read incrementally and cut
//    off as soon as it passes the limit (413);
// in both cases the body stream is failed, which makes cpprestsdk stop
// reading the socket, and the connection is closed after the response.
//
// Thread safety: the handler runs concurrently on the worker pool's threads.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "plugin/http_message.h"
#include "xapi/result.h"

namespace lrs::plugin {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  size_t max_body_bytes = 10 * 1024 * 1024;
  size_t worker_threads = 96;  // >= the concurrent requests that may wait on a group commit
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
