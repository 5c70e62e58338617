#include "plugin/http/http_server.h"

// The only file that sees Boost.Beast and Asio. Each connection is a Session
// on its own strand; the I/O threads only move bytes and parse, and a request
// reaches the handler (on the worker pool) only once it has been read whole
// within its limits. See http_server.h for the limits and timeouts.

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <iostream>
#include <list>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "plugin/http/error_response.h"
#include "plugin/http/http_wire.h"
#include "plugin/http/worker_pool.h"

namespace lrs::plugin {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using ErrorCode = beast::error_code;

constexpr size_t kIoThreads = 2;
// After an answer that closes the connection, what the client still sends is
// read and dropped for a while, so that closing with unread bytes (a TCP
// reset) does not destroy the answer before the client reads it.
constexpr int kLingerMs = 1000;
constexpr size_t kLingerBytes = 1024 * 1024;
// Connections answered 503 at the cap; past this many they are just closed.
constexpr int kMaxRefusing = 16;
constexpr int kAcceptBackoffMinMs = 10;
constexpr int kAcceptBackoffMaxMs = 1000;

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Beast's string_body reserves the declared Content-Length at once; this body
// grows with the bytes that arrive, so declaring a length costs nothing.
struct GrowingStringBody {
  using value_type = std::string;
  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(http::header<isRequest, Fields>&, value_type& body) : body_(body) {}
    void init(const boost::optional<std::uint64_t>&, ErrorCode& ec) { ec = {}; }
    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, ErrorCode& ec) {
      const size_t n = net::buffer_size(buffers);
      const size_t at = body_.size();
      body_.resize(at + n);
      net::buffer_copy(net::buffer(&body_[at], n), buffers);
      ec = {};
      return n;
    }
    void finish(ErrorCode& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};
using RequestParser = http::request_parser<GrowingStringBody>;

HttpResponse ProtocolError(int status, const std::string& rule, const std::string& message) {
  return ErrorResponse(MakeError(status, rule, "", message));
}

HttpResponse Busy(const std::string& message) {
  HttpResponse response = ProtocolError(503, "server capacity", message);
  response.headers["Retry-After"] = "1";
  return response;
}

// RFC 9112 6.1 and 6.3: a request body is framed by Content-Length or by
// chunked alone. Beast refuses most bad framing while it parses the header
// (conflicting or malformed Content-Length, Content-Length with chunked);
// these are the cases it lets through.
std::string ToString(beast::string_view text) { return std::string(text.data(), text.size()); }

std::optional<std::string> FramingProblem(const http::request_header<>& request) {
  const size_t codings = request.count(http::field::transfer_encoding);
  if (codings == 0) return std::nullopt;
  if (request.version() < 11) return "Transfer-Encoding in an HTTP/1.0 request";
  if (request.count(http::field::content_length) > 0) {
    return "Content-Length together with Transfer-Encoding";
  }
  if (codings > 1) return "more than one Transfer-Encoding field";
  beast::string_view coding = request[http::field::transfer_encoding];
  while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) coding.remove_suffix(1);
  if (!beast::iequals(coding, "chunked")) {
    return "unsupported transfer coding (only chunked is accepted): " + ToString(coding);
  }
  return std::nullopt;
}

class Session;

// The listening socket, the I/O threads, the worker pool and the registry of
// idle connections.
class Server {
 public:
  Server(const ServerOptions& options, RequestHandler handler, TooLargeResponder too_large)
      : options_(options),
        handler_(std::move(handler)),
        too_large_(std::move(too_large)),
        pool_(options.worker_threads, options.max_queued_requests),
        acceptor_(net::make_strand(io_)),
        accept_timer_(acceptor_.get_executor()),
        work_(net::make_work_guard(io_)) {
    const size_t fd_cap = ConnectionCapFromFdLimit();
    max_connections_ = options.max_connections == 0 ? fd_cap : options.max_connections;
    if (max_connections_ > fd_cap) {
      std::cerr << "lrs: --max-connections " << max_connections_ << " lowered to " << fd_cap
                << " to stay under the open-file limit (raise it with ulimit -n)" << std::endl;
      max_connections_ = fd_cap;
    }
  }

  MaybeError Open() {
    ErrorCode ec;
    auto fail = [this](const ErrorCode& ec) {
      return MakeError(500, "listen", "", "cannot listen on " + options_.host + ":" +
                                              std::to_string(options_.port) + ": " + ec.message());
    };
    auto address = net::ip::make_address(options_.host, ec);
    if (ec) {
      tcp::resolver resolver(io_);
      auto found = resolver.resolve(options_.host, std::to_string(options_.port), ec);
      if (ec || found.empty()) return fail(ec ? ec : net::error::host_not_found);
      address = found.begin()->endpoint().address();
    }
    tcp::endpoint endpoint(address, static_cast<unsigned short>(options_.port));
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return fail(ec);
    Accept();
    for (size_t i = 0; i < kIoThreads; ++i) threads_.emplace_back([this] { RunIo(); });
    return std::nullopt;
  }

  // Stops accepting, lets the requests already read finish and their answers
  // go out (for a short while), then stops the I/O threads.
  void Close() {
    stopping_ = true;
    net::post(acceptor_.get_executor(), [this] {
      ErrorCode ignored;
      acceptor_.close(ignored);
      accept_timer_.cancel();
    });
    pool_.Shutdown();
    for (int i = 0; i < 200 && answering_.load() > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    work_.reset();
    io_.stop();
    for (auto& thread : threads_) thread.join();
  }

  const ServerOptions& options() const { return options_; }
  bool stopping() const { return stopping_; }

  // Runs on a worker thread.
  HttpResponse Handle(HttpRequest& request) {
    try {
      return handler_(request);
    } catch (...) {
      // STYLE.md rule 2: nothing escapes as an exception; the client hears 500.
      return HttpResponse::Json(500, R"({"status":500,"rule":"","path":"","message":"internal error"})");
    }
  }
  HttpResponse TooLarge(const HttpRequest& request) { return too_large_(request); }
  bool Post(std::function<void()> task) { return pool_.TryPost(std::move(task)); }

  // Connections with no request in progress, longest idle first.
  // A session's place in it is guarded by idle_mutex_, as the acceptor takes
  // sessions out from its own strand.
  using IdleList = std::list<std::weak_ptr<Session>>;
  struct IdleSlot {
    bool listed = false;
    IdleList::iterator at;
  };
  void EnterIdle(const std::shared_ptr<Session>& session, IdleSlot& slot) {
    std::lock_guard<std::mutex> lock(idle_mutex_);
    if (slot.listed) return;
    slot.at = idle_.insert(idle_.end(), session);
    slot.listed = true;
  }
  void LeaveIdle(IdleSlot& slot) {
    std::lock_guard<std::mutex> lock(idle_mutex_);
    if (!slot.listed) return;
    idle_.erase(slot.at);
    slot.listed = false;
  }
  std::shared_ptr<Session> TakeLongestIdle();

  void SessionClosed() { --connections_; }
  std::atomic<int> answering_{0};  // requests taken from the socket and not yet answered
  std::atomic<int> refusing_{0};

 private:
  // An exception out of a connection's handler (std::bad_alloc, say) ends
  // that handler only; the thread goes on serving the others.
  void RunIo() {
    for (;;) {
      try {
        io_.run();
        return;
      } catch (const std::exception& e) {
        std::cerr << "lrs: http: " << e.what() << std::endl;
      } catch (...) {
        std::cerr << "lrs: http: unknown exception" << std::endl;
      }
    }
  }
  void Accept();
  void OnAccept(ErrorCode ec, tcp::socket socket);
  void ShedLongestIdle();

  ServerOptions options_;
  size_t max_connections_ = 0;
  RequestHandler handler_;
  TooLargeResponder too_large_;
  WorkerPool pool_;
  net::io_context io_;
  tcp::acceptor acceptor_;
  net::steady_timer accept_timer_;
  net::executor_work_guard<net::io_context::executor_type> work_;
  int accept_backoff_ms_ = kAcceptBackoffMinMs;
  std::atomic<size_t> connections_{0};
  std::atomic<bool> stopping_{false};
  std::mutex idle_mutex_;
  IdleList idle_;
  std::vector<std::thread> threads_;
};

enum class Phase { kWaiting, kHeader, kBody, kHandling, kWriting, kLingering, kClosed };


// One connection, driven on its strand: wait for a request (idle), read its
// header (header deadline), read its body (progress deadline), hand it to a
// worker, write the answer (progress deadline), and again.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server& server, bool counted)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), server_(server), counted_(counted) {
    buffer_.max_size(server.options().max_header_bytes + 1024);
  }

  net::any_io_executor executor() { return socket_.get_executor(); }
  Server::IdleSlot& idle_slot() { return idle_slot_; }

  void Start() {
    ArmTimer(server_.options().header_timeout_ms);  // the first header's deadline runs from accept
    WaitForRequest();
  }

  // Answers 503 and closes: the connection cap is reached and no one is idle.
  void Refuse() {
    ++server_.refusing_;
    Answer(Busy("too many connections; try again shortly"), /*close=*/true);
  }

  // Closes the connection if it is still idle (called from the acceptor).
  void Shed() {
    net::post(socket_.get_executor(), [self = shared_from_this()] {
      if (self->phase_ == Phase::kWaiting) self->Close();
    });
  }

 private:
  void WaitForRequest() {
    phase_ = Phase::kWaiting;
    server_.EnterIdle(shared_from_this(), idle_slot_);
    // Waiting needs no buffer: 2,000 idle connections cost no read buffers.
    socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](ErrorCode ec) {
      if (self->phase_ != Phase::kWaiting) return;
      self->LeaveIdle();
      if (ec) return self->Close();
      self->ReadHeader();
    });
  }

  void LeaveIdle() { server_.LeaveIdle(idle_slot_); }

  void ReadHeader() {
    phase_ = Phase::kHeader;
    if (!first_request_) ArmTimer(server_.options().header_timeout_ms);
    first_request_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options().max_header_bytes));
    parser_->body_limit(server_.options().max_body_bytes);
    http::async_read_header(socket_, buffer_, *parser_,
                            [self = shared_from_this()](ErrorCode ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(ErrorCode ec) {
    if (phase_ != Phase::kHeader) return;
    if (ec) return OnReadError(ec);
    const auto& request = parser_->get();
    if (auto problem = FramingProblem(request)) {
      return Answer(ProtocolError(400, "HTTP/1.1 message framing (RFC 9112 6.3)", *problem), true);
    }
    target_ = ParseRequestTarget(std::string_view(request.target().data(), request.target().size()));
    if (!target_) {
      return Answer(ProtocolError(400, "HTTP/1.1 request target (RFC 9112 3.2)",
                                  "the request target is not a path, or holds a byte that "
                                  "must be percent-encoded"),
                    true);
    }
    if (parser_->is_done()) return Dispatch();
    if (request.version() >= 11 && beast::iequals(request[http::field::expect], "100-continue")) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      ArmTimer(server_.options().body_timeout_ms);
      return net::async_write(socket_, net::buffer(kContinue),
                              [self = shared_from_this()](ErrorCode ec, size_t) {
                                if (self->phase_ != Phase::kHeader) return;
                                if (ec) return self->Close();
                                self->ReadBody();
                              });
    }
    ReadBody();
  }

  void ReadBody() {
    phase_ = Phase::kBody;
    ArmTimer(server_.options().body_timeout_ms);  // renewed by every read that brings bytes
    http::async_read_some(socket_, buffer_, *parser_,
                          [self = shared_from_this()](ErrorCode ec, size_t) { self->OnBody(ec); });
  }

  void OnBody(ErrorCode ec) {
    if (phase_ != Phase::kBody) return;
    if (ec) return OnReadError(ec);
    if (parser_->is_done()) return Dispatch();
    ReadBody();
  }

  void OnReadError(ErrorCode ec) {
    if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
        ec.category() != http::make_error_code(http::error::end_of_stream).category()) {
      return Close();  // the client went away (or a socket error): no one to answer
    }
    if (ec == http::error::header_limit ||
        (ec == http::error::buffer_overflow && phase_ == Phase::kHeader)) {
      return Answer(ProtocolError(431, "request header limit",
                                  "the request header is larger than " +
                                      std::to_string(server_.options().max_header_bytes) + " bytes"),
                    true);
    }
    if (ec == http::error::body_limit) {
      HttpRequest partial;
      partial.method = ToString(parser_->get().method_string());
      return Answer(server_.TooLarge(partial), true);
    }
    Answer(ProtocolError(400, "HTTP/1.1 message syntax (RFC 9112)", ec.message()), true);
  }

  HttpRequest Translate() {
    auto message = parser_->release();
    HttpRequest out;
    out.method = ToString(message.method_string());
    out.path = std::move(target_->path);
    out.query = ParseQueryString(target_->raw_query);
    for (const auto& field : message) {
      std::string name = ToString(field.name_string());
      std::string value = ToString(field.value());
      auto [at, inserted] = out.headers.emplace(name, value);
      if (!inserted) at->second += ", " + value;  // RFC 9110 5.3
    }
    out.body = std::move(message.body());
    ErrorCode ec;
    const tcp::endpoint peer = socket_.remote_endpoint(ec);
    if (!ec) out.remote_address = peer.address().to_string();  // auth rate limits key on it
    return out;
  }

  void Dispatch() {
    phase_ = Phase::kHandling;
    CancelTimer();
    keep_alive_ = parser_->get().keep_alive();
    head_request_ = parser_->get().method() == http::verb::head;
    if (server_.stopping()) return Close();
    ++server_.answering_;
    answering_ = true;
    auto request = std::make_shared<HttpRequest>(Translate());
    parser_.reset();
    auto self = shared_from_this();
    bool posted = server_.Post([self, request] {
      HttpResponse response = self->server_.Handle(*request);
      net::post(self->socket_.get_executor(), [self, response = std::move(response)]() mutable {
        // A client that asked to close (or speaks HTTP/1.0) knows; the answer
        // says nothing more, as it always has.
        self->Answer(std::move(response), !self->keep_alive_, /*announce_close=*/false);
      });
    });
    if (!posted) {
      Answer(Busy("the server is busy; try again shortly"), true);
    }
  }

  // Writes the answer; then closes, or waits for the next request. The server's
  // own refusals announce the close (Connection: close).
  void Answer(HttpResponse response, bool close, bool announce_close = true) {
    if (phase_ == Phase::kClosed) return;
    close_after_ = close;
    phase_ = Phase::kWriting;
    response_head_ = ResponseHead(response, {head_request_, close && announce_close}, NowMicros());
    response_body_ = head_request_ ? std::string() : std::move(response.body);
    written_ = 0;
    WriteSome();
  }

  void WriteSome() {
    ArmTimer(server_.options().body_timeout_ms);
    const size_t head = response_head_.size();
    std::array<net::const_buffer, 2> pending;
    if (written_ < head) {
      pending = {net::buffer(response_head_.data() + written_, head - written_),
                 net::buffer(response_body_)};
    } else {
      pending = {net::const_buffer(),
                 net::buffer(response_body_.data() + (written_ - head), response_body_.size() - (written_ - head))};
    }
    socket_.async_write_some(pending, [self = shared_from_this()](ErrorCode ec, size_t n) {
      if (self->phase_ != Phase::kWriting) return;
      if (ec) return self->Close();
      self->written_ += n;
      if (self->written_ < self->response_head_.size() + self->response_body_.size()) {
        return self->WriteSome();
      }
      self->OnAnswered();
    });
  }

  void OnAnswered() {
    EndAnswer();
    response_head_.clear();
    response_body_.clear();
    response_body_.shrink_to_fit();
    head_request_ = false;
    if (close_after_) return Linger();
    if (buffer_.size() > 0) return ReadHeader();  // a pipelined request is already here
    buffer_.shrink_to_fit();
    ArmTimer(server_.options().idle_timeout_ms);
    WaitForRequest();
  }

  void Linger() {
    phase_ = Phase::kLingering;
    ErrorCode ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    ArmTimer(kLingerMs);
    buffer_.consume(buffer_.size());
    DrainSome();
  }

  void DrainSome() {
    socket_.async_read_some(buffer_.prepare(std::min<size_t>(buffer_.max_size(), 16 * 1024)),
                            [self = shared_from_this()](ErrorCode ec, size_t n) {
                              if (self->phase_ != Phase::kLingering) return;
                              self->drained_ += n;
                              if (ec || self->drained_ > kLingerBytes) return self->Close();
                              self->DrainSome();
                            });
  }

  // The server waits for answers under way before it stops.
  void EndAnswer() {
    if (!answering_) return;
    answering_ = false;
    --server_.answering_;
  }

  void ArmTimer(int ms) {
    const uint64_t generation = ++timer_generation_;
    timer_.expires_after(std::chrono::milliseconds(ms));
    timer_.async_wait([self = shared_from_this(), generation](ErrorCode ec) {
      if (ec || generation != self->timer_generation_) return;
      self->Close();  // a deadline passed: the connection is dropped without an answer
    });
  }

  void CancelTimer() {
    ++timer_generation_;
    timer_.cancel();
  }

  void Close() {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    LeaveIdle();
    EndAnswer();
    CancelTimer();
    ErrorCode ignored;
    socket_.close(ignored);
    if (counted_) server_.SessionClosed();
    else --server_.refusing_;
  }

  tcp::socket socket_;
  net::steady_timer timer_;
  Server& server_;
  const bool counted_;  // false for a connection refused at the cap
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  std::optional<RequestTarget> target_;
  Phase phase_ = Phase::kWaiting;
  uint64_t timer_generation_ = 0;
  bool first_request_ = true;
  bool keep_alive_ = true;
  bool head_request_ = false;
  bool close_after_ = false;
  bool answering_ = false;
  Server::IdleSlot idle_slot_;
  std::string response_head_;
  std::string response_body_;
  size_t written_ = 0;
  size_t drained_ = 0;
};

void Server::Accept() {
  acceptor_.async_accept(net::make_strand(io_), [this](ErrorCode ec, tcp::socket socket) {
    OnAccept(ec, std::move(socket));
  });
}

void Server::OnAccept(ErrorCode ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || stopping_) return;
  if (ec) {
    // EMFILE/ENFILE and the like: the failed connection stays in the backlog
    // and a retry at once would fail at once, spinning a core. Make room
    // if anyone is idle, wait, and try again, waiting longer each time.
    if (ec != net::error::connection_aborted) {
      ShedLongestIdle();
      accept_timer_.expires_after(std::chrono::milliseconds(accept_backoff_ms_));
      accept_backoff_ms_ = std::min(accept_backoff_ms_ * 2, kAcceptBackoffMaxMs);
      accept_timer_.async_wait([this](ErrorCode wait_ec) {
        if (!wait_ec && !stopping_) Accept();
      });
      return;
    }
    return Accept();
  }
  accept_backoff_ms_ = kAcceptBackoffMinMs;
  ErrorCode ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  if (connections_.load() >= max_connections_) {
    auto longest_idle = TakeLongestIdle();
    if (longest_idle) {
      longest_idle->Shed();
    } else {
      if (refusing_.load() < kMaxRefusing) {
        auto refused = std::make_shared<Session>(std::move(socket), *this, /*counted=*/false);
        net::dispatch(refused->executor(), [refused] { refused->Refuse(); });
      }
      return Accept();
    }
  }
  ++connections_;
  auto session = std::make_shared<Session>(std::move(socket), *this, /*counted=*/true);
  net::dispatch(session->executor(), [session] { session->Start(); });
  Accept();
}

std::shared_ptr<Session> Server::TakeLongestIdle() {
  std::lock_guard<std::mutex> lock(idle_mutex_);
  while (!idle_.empty()) {
    auto session = idle_.front().lock();
    idle_.pop_front();
    if (session) {
      session->idle_slot().listed = false;
      return session;
    }
  }
  return nullptr;
}

void Server::ShedLongestIdle() {
  if (auto session = TakeLongestIdle()) session->Shed();
}

}  // namespace

class HttpServer::Impl : public Server {
 public:
  using Server::Server;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  if (impl_) impl_->Close();
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const ServerOptions& options,
                                                      RequestHandler handler,
                                                      TooLargeResponder too_large) {
  auto impl = std::make_unique<Impl>(options, std::move(handler), std::move(too_large));
  if (auto error = impl->Open()) return *error;
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

}  // namespace lrs::plugin
