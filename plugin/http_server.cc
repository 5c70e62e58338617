#include "plugin/http_server.h"

#include <chrono>
#include <exception>
#include <stdexcept>

#include <cpprest/http_listener.h>
#include <pplx/threadpool.h>

#include "plugin/worker_pool.h"

namespace lrs::plugin {
namespace {

namespace http = web::http;

// cpprestsdk's asio threads only move bytes; request work runs on the pool.
constexpr size_t kIoThreads = 4;
constexpr size_t kReadChunk = 64 * 1024;

void InitializeIoThreadsOnce() {
  static const bool initialized = [] {
    crossplat::threadpool::initialize_with_threads(kIoThreads);
    return true;
  }();
  (void)initialized;
}

// Makes cpprestsdk stop reading the body and answer now: completing the
// request with an error closes the body stream (its reader's next write fails,
// so it stops reading the socket) and resolves content_ready(), which
// cpprestsdk waits for before it sends any response. Without this a client
// that declares a huge Content-Length and then waits would never get its 413.
void AbandonBody(http::http_request& request) {
  request._get_impl()->_complete(0, std::make_exception_ptr(std::runtime_error("body limit")));
}

HttpRequest Translate(const http::http_request& request) {
  HttpRequest out;
  out.method = request.method();
  const auto& uri = request.request_uri();
  out.path = web::uri::decode(uri.path());
  out.query = ParseQueryString(uri.query());
  for (const auto& [name, value] : request.headers()) out.headers[name] = value;
  out.remote_address = request.remote_address();
  return out;
}

// Reads the body up to `limit` bytes. Returns false when it is longer.
bool ReadBody(http::http_request& request, size_t limit, std::string& body) {
  auto buffer = request.body().streambuf();
  std::string chunk(kReadChunk, '\0');
  for (;;) {
    size_t n = buffer.getn(reinterpret_cast<uint8_t*>(chunk.data()), chunk.size()).get();
    if (n == 0) return true;
    if (body.size() + n > limit) return false;
    body.append(chunk.data(), n);
  }
}

void Reply(http::http_request& request, const HttpResponse& response, bool close_connection) {
  http::http_response reply(static_cast<http::status_code>(response.status));
  // RFC 9110 6.6.1: an origin server with a clock sends Date (clients such as
  // ADL's conformance suite compare it with X-Experience-API-Consistent-Through).
  reply.headers().add("Date", HttpDate(std::chrono::duration_cast<std::chrono::microseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count()));
  for (const auto& [name, value] : response.headers) reply.headers().add(name, value);
  if (close_connection) reply.headers().add("Connection", "close");
  if (!response.body.empty() && request.method() != http::methods::HEAD) {
    auto type = response.headers.find("Content-Type");
    reply.set_body(response.body,
                   type == response.headers.end() ? "application/octet-stream" : type->second);
  }
  request.reply(reply).then([](pplx::task<void> sent) {
    try {
      sent.get();
    } catch (...) {
      // The client went away; nothing to tell anyone.
    }
  });
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(const ServerOptions& options, RequestHandler handler, TooLargeResponder too_large)
      : options_(options),
        handler_(std::move(handler)),
        too_large_(std::move(too_large)),
        pool_(options.worker_threads),
        listener_(web::uri_builder()
                      .set_scheme("http")
                      .set_host(options.host)
                      .set_port(options.port)
                      .set_path("/")
                      .to_uri()) {
    listener_.support([this](http::http_request request) {
      pool_.Post([this, request]() mutable { Serve(request); });
    });
  }

  MaybeError Open() {
    try {
      listener_.open().wait();
      return std::nullopt;
    } catch (const std::exception& e) {
      return MakeError(500, "listen", "", std::string("cannot listen on ") + options_.host + ":" +
                                              std::to_string(options_.port) + ": " + e.what());
    }
  }

  void Close() {
    try {
      listener_.close().wait();
    } catch (...) {
    }
  }

 private:
  void Serve(http::http_request& request) {
    HttpRequest translated;
    try {
      translated = Translate(request);
      uint64_t declared = 0;
      bool has_length = request.headers().match(http::header_names::content_length, declared);
      if (has_length && declared > options_.max_body_bytes) {
        AbandonBody(request);
        Reply(request, too_large_(translated), /*close_connection=*/true);
        return;
      }
      if (has_length) translated.body.reserve(static_cast<size_t>(declared));
      if (!ReadBody(request, options_.max_body_bytes, translated.body)) {
        AbandonBody(request);
        Reply(request, too_large_(translated), /*close_connection=*/true);
        return;
      }
      Reply(request, handler_(translated), /*close_connection=*/false);
    } catch (const std::exception& e) {
      // Exceptions from cpprestsdk stop here (STYLE.md rule 2); a client
      // that vanished mid-body lands here too.
      HttpResponse failure = HttpResponse::Json(
          500, R"({"status":500,"rule":"","path":"","message":"internal error"})");
      try {
        Reply(request, failure, true);
      } catch (...) {
      }
    }
  }

  ServerOptions options_;
  RequestHandler handler_;
  TooLargeResponder too_large_;
  WorkerPool pool_;
  http::experimental::listener::http_listener listener_;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  if (impl_) impl_->Close();
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const ServerOptions& options,
                                                      RequestHandler handler,
                                                      TooLargeResponder too_large) {
  InitializeIoThreadsOnce();
  auto impl = std::make_unique<Impl>(options, std::move(handler), std::move(too_large));
  if (auto error = impl->Open()) return *error;
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

}  // namespace lrs::plugin
