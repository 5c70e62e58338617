#define BOOST_TEST_MODULE plugin_http_server
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "plugin/http/http_server.h"
#include "tests/plugin/http_test_client.h"

// The HTTP layer against hostile and odd clients (issue 15, findings 1-4 and
// 10): each case starts a server with a tiny handler on a free loopback port
// and talks raw bytes to it. Timeouts are shortened so the cases take
// fractions of a second.

using namespace lrs::plugin;
using namespace lrs::plugin::testing;
using namespace std::chrono_literals;

namespace {

constexpr size_t kMaxBody = 64 * 1024;

struct TestServer {
  explicit TestServer(ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = FreePort();
    if (options.max_body_bytes == ServerOptions{}.max_body_bytes) options.max_body_bytes = kMaxBody;
    port = options.port;
    auto started = HttpServer::Start(
        options,
        [this](HttpRequest& request) {
          ++calls;
          if (request.path == "/block") blocked.wait();
          HttpResponse response = HttpResponse::Json(
              200, "{\"method\":\"" + request.method + "\",\"path\":\"" + request.path +
                       "\",\"body\":" + std::to_string(request.body.size()) + "}");
          response.headers["X-Handled"] = "yes";
          if (request.path == "/empty") response = HttpResponse::Empty(204);
          if (request.path == "/untyped") {
            response = HttpResponse::Empty(200);
            response.body = "raw";
          }
          return response;
        },
        [](const HttpRequest&) { return HttpResponse::Json(413, R"({"status":413})"); });
    BOOST_REQUIRE_MESSAGE(started.ok(), "server started");
    server = std::move(*started);
  }
  ~TestServer() {
    release.set_value();
  }

  int port = 0;
  std::atomic<int> calls{0};
  std::promise<void> release;
  std::shared_future<void> blocked = release.get_future().share();
  std::unique_ptr<HttpServer> server;
};

int64_t MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
      .count();
}

std::string Get(const std::string& path, const std::string& extra = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n";
}

std::string PostHead(const std::string& framing) {
  return "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n" + framing + "\r\n";
}

// Sends `request` on a fresh connection; expects 400, the connection closed,
// and the handler never called.
void ExpectRefusedFraming(const std::string& request) {
  TestServer server;
  RawClient client(server.port);
  client.Send(request);
  RawResponse response = client.Read(2000);
  BOOST_TEST(response.status == 400);
  BOOST_TEST(client.ClosedWithin(2000));
  BOOST_TEST(server.calls == 0);
}

}  // namespace

BOOST_AUTO_TEST_CASE(serves_a_request_with_date_length_and_type) {
  TestServer server;
  RawClient client(server.port);
  client.Send(Get("/hello?x=1"));
  RawResponse response = client.Read();
  BOOST_TEST(response.status == 200);
  BOOST_TEST(response.body == R"({"method":"GET","path":"/hello","body":0})");
  BOOST_TEST(response.headers["Content-Type"] == "application/json");
  BOOST_TEST(response.headers["Content-Length"] == std::to_string(response.body.size()));
  BOOST_TEST(response.headers.count("Date") == 1u);
  BOOST_TEST(response.headers["X-Handled"] == "yes");
}

BOOST_AUTO_TEST_CASE(head_answers_headers_with_length_zero_and_keeps_the_connection_in_step) {
  TestServer server;
  RawClient client(server.port);
  client.Send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n");
  RawResponse head = client.Read(3000, /*head_request=*/true);
  BOOST_TEST(head.status == 200);
  BOOST_TEST(head.headers["Content-Type"] == "application/json");
  BOOST_TEST(head.headers["Content-Length"] == "0");
  client.Send(Get("/again"));
  RawResponse get = client.Read();
  BOOST_TEST(get.status == 200);
  BOOST_TEST(get.body == R"({"method":"GET","path":"/again","body":0})");
}

BOOST_AUTO_TEST_CASE(no_content_and_untyped_bodies_keep_todays_headers) {
  TestServer server;
  RawClient client(server.port);
  client.Send(Get("/empty"));
  RawResponse empty = client.Read();
  BOOST_TEST(empty.status == 204);
  BOOST_TEST(empty.headers["Content-Length"] == "0");
  client.Send(Get("/untyped"));
  RawResponse untyped = client.Read();
  BOOST_TEST(untyped.body == "raw");
  BOOST_TEST(untyped.headers["Content-Type"] == "application/octet-stream");
}

BOOST_AUTO_TEST_CASE(pipelined_requests_are_answered_in_order) {
  TestServer server;
  RawClient client(server.port);
  client.Send(Get("/one") + Get("/two") + PostHead("Content-Length: 3\r\n") + "abc");
  BOOST_TEST(client.Read().body == R"({"method":"GET","path":"/one","body":0})");
  BOOST_TEST(client.Read().body == R"({"method":"GET","path":"/two","body":0})");
  BOOST_TEST(client.Read().body == R"({"method":"POST","path":"/upload","body":3})");
}

BOOST_AUTO_TEST_CASE(path_is_percent_decoded_and_duplicate_headers_are_joined) {
  TestServer server;
  RawClient client(server.port);
  client.Send(Get("/a%20b?q=1"));
  BOOST_TEST(client.Read().body == R"({"method":"GET","path":"/a b","body":0})");
}

BOOST_AUTO_TEST_CASE(expect_100_continue_is_answered_before_the_body) {
  TestServer server;
  RawClient client(server.port);
  client.Send(PostHead("Content-Length: 5\r\nExpect: 100-continue\r\n"));
  BOOST_TEST(client.Read(2000).status == 100);
  client.Send("hello");
  RawResponse response = client.Read();
  BOOST_TEST(response.status == 200);
  BOOST_TEST(response.body == R"({"method":"POST","path":"/upload","body":5})");
}

// Finding 10: cpprestsdk answered every OPTIONS itself (200, empty Allow), so
// the routes' CORS preflight answer never reached a browser.
BOOST_AUTO_TEST_CASE(options_reaches_the_routes) {
  TestServer server;
  RawClient client(server.port);
  client.Send("OPTIONS /xapi/statements HTTP/1.1\r\nHost: t\r\nOrigin: http://lms.example\r\n"
              "Access-Control-Request-Method: POST\r\n"
              "Access-Control-Request-Headers: authorization, content-type\r\n\r\n");
  RawResponse response = client.Read();
  BOOST_TEST(response.status == 200);
  BOOST_TEST(response.headers["X-Handled"] == "yes");
  BOOST_TEST(response.body == R"({"method":"OPTIONS","path":"/xapi/statements","body":0})");
}

// Finding 2: a header that never ends grew the server by 815 MB.
BOOST_AUTO_TEST_CASE(a_header_that_never_ends_is_431_and_not_buffered) {
  TestServer server;
  RawClient client(server.port);
  size_t before = ResidentBytes();
  client.Send("GET / HTTP/1.1\r\nHost: t\r\n");
  const std::string line = "X-Pad: " + std::string(1000, 'a') + "\r\n";
  size_t sent = 0;
  while (sent < 32 * 1024 * 1024 && client.Send(line)) sent += line.size();
  RawResponse response = client.Read(3000);
  BOOST_TEST(response.status == 431);
  BOOST_TEST(sent < 8u * 1024 * 1024, "the server stopped reading; " << sent << " bytes sent");
  BOOST_TEST(ResidentBytes() < before + 8 * 1024 * 1024);
  BOOST_TEST(server.calls == 0);
}

BOOST_AUTO_TEST_CASE(a_single_header_line_past_16_kb_is_431) {
  TestServer server;
  RawClient client(server.port);
  client.Send(Get("/", "X-Huge: " + std::string(17 * 1024, 'b') + "\r\n"));
  BOOST_TEST(client.Read().status == 431);
  BOOST_TEST(client.ClosedWithin(2000));
  BOOST_TEST(server.calls == 0);
}

BOOST_AUTO_TEST_CASE(headers_just_under_the_limit_are_served) {
  TestServer server;
  RawClient client(server.port);
  client.Send(Get("/", "X-Big: " + std::string(15 * 1024, 'c') + "\r\n"));
  BOOST_TEST(client.Read().status == 200);
}

// Finding 2: a chunk size of ffffffffffff let one connection buffer hundreds
// of MB past --max-body-bytes.
BOOST_AUTO_TEST_CASE(a_chunk_larger_than_the_body_limit_is_413_before_its_data) {
  TestServer server;
  RawClient client(server.port);
  client.Send(PostHead("Transfer-Encoding: chunked\r\n") + "ffffffffffff\r\n" + std::string(1000, 'x'));
  RawResponse response = client.Read(2000);
  BOOST_TEST(response.status == 413);
  BOOST_TEST(response.headers["Connection"] == "close");
  BOOST_TEST(server.calls == 0);
}

BOOST_AUTO_TEST_CASE(chunked_bodies_past_the_limit_are_413) {
  TestServer server;
  RawClient client(server.port);
  std::string chunk = "4000\r\n" + std::string(0x4000, 'y') + "\r\n";
  client.Send(PostHead("Transfer-Encoding: chunked\r\n"));
  for (int i = 0; i < 5 && client.Send(chunk); ++i) {
  }
  BOOST_TEST(client.Read(2000).status == 413);
  BOOST_TEST(server.calls == 0);
}

BOOST_AUTO_TEST_CASE(chunked_bodies_under_the_limit_are_served) {
  TestServer server;
  RawClient client(server.port);
  client.Send(PostHead("Transfer-Encoding: chunked\r\n") + "3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n");
  BOOST_TEST(client.Read().body == R"({"method":"POST","path":"/upload","body":5})");
}

BOOST_AUTO_TEST_CASE(content_length_past_the_limit_is_413_from_the_header) {
  TestServer server;
  RawClient client(server.port);
  client.Send(PostHead("Content-Length: " + std::to_string(kMaxBody + 1) + "\r\n"));
  RawResponse response = client.Read(2000);
  BOOST_TEST(response.status == 413);
  BOOST_TEST(response.headers["Connection"] == "close");
}

BOOST_AUTO_TEST_CASE(a_chunk_size_that_overflows_64_bits_is_refused) {
  ExpectRefusedFraming(PostHead("Transfer-Encoding: chunked\r\n") + "1ffffffffffffffff\r\nabc\r\n0\r\n\r\n");
}

BOOST_AUTO_TEST_CASE(a_negative_chunk_size_is_refused) {
  ExpectRefusedFraming(PostHead("Transfer-Encoding: chunked\r\n") + "-1\r\nabc\r\n0\r\n\r\n");
}

BOOST_AUTO_TEST_CASE(a_chunk_size_that_is_not_hex_is_refused) {
  ExpectRefusedFraming(PostHead("Transfer-Encoding: chunked\r\n") + "zz\r\nabc\r\n0\r\n\r\n");
}

// Finding 4: framing that a proxy in front may read differently (smuggling).
BOOST_AUTO_TEST_CASE(two_different_content_lengths_are_400) {
  ExpectRefusedFraming(PostHead("Content-Length: 3\r\nContent-Length: 5\r\n") + "abcde");
}

BOOST_AUTO_TEST_CASE(a_content_length_list_that_disagrees_is_400) {
  ExpectRefusedFraming(PostHead("Content-Length: 3, 5\r\n") + "abcde");
}

BOOST_AUTO_TEST_CASE(a_non_numeric_content_length_is_400) {
  ExpectRefusedFraming(PostHead("Content-Length: 3x\r\n") + "abc");
}

BOOST_AUTO_TEST_CASE(a_negative_content_length_is_400) {
  ExpectRefusedFraming(PostHead("Content-Length: -3\r\n") + "abc");
}

BOOST_AUTO_TEST_CASE(an_overflowing_content_length_is_400) {
  ExpectRefusedFraming(PostHead("Content-Length: 99999999999999999999999\r\n") + "abc");
}

BOOST_AUTO_TEST_CASE(content_length_with_chunked_is_400) {
  ExpectRefusedFraming(PostHead("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n") +
                       "3\r\nabc\r\n0\r\n\r\n");
}

BOOST_AUTO_TEST_CASE(chunked_with_content_length_is_400) {
  ExpectRefusedFraming(PostHead("Transfer-Encoding: chunked\r\nContent-Length: 3\r\n") +
                       "3\r\nabc\r\n0\r\n\r\n");
}

BOOST_AUTO_TEST_CASE(an_unknown_transfer_coding_is_400) {
  ExpectRefusedFraming(PostHead("Transfer-Encoding: gzip\r\n") + "abc");
}

BOOST_AUTO_TEST_CASE(a_coding_before_chunked_is_400) {
  ExpectRefusedFraming(PostHead("Transfer-Encoding: gzip, chunked\r\n") + "3\r\nabc\r\n0\r\n\r\n");
}

BOOST_AUTO_TEST_CASE(content_length_with_another_transfer_coding_is_400) {
  ExpectRefusedFraming(PostHead("Content-Length: 3\r\nTransfer-Encoding: identity\r\n") + "abc");
}

// Finding 1: connections that send headers with Content-Length and never the
// body held every worker thread, so no one else was served.
BOOST_AUTO_TEST_CASE(slow_bodies_do_not_hold_the_workers) {
  ServerOptions options;
  options.worker_threads = 4;
  TestServer server(options);
  std::vector<std::unique_ptr<RawClient>> slow;
  for (int i = 0; i < 16; ++i) {
    slow.push_back(std::make_unique<RawClient>(server.port));
    slow.back()->Send(PostHead("Content-Length: 1000\r\n") + "0123456789");
  }
  std::this_thread::sleep_for(200ms);
  RawClient probe(server.port);
  auto start = std::chrono::steady_clock::now();
  probe.Send(Get("/probe"));
  BOOST_TEST(probe.Read(2000).status == 200);
  BOOST_TEST(MillisSince(start) < 500);
}

// Finding 1: a client that sends its header a byte at a time is cut off when
// the header deadline passes, however steadily it trickles.
BOOST_AUTO_TEST_CASE(a_trickling_header_is_cut_off_at_the_header_timeout) {
  ServerOptions options;
  options.header_timeout_ms = 300;
  TestServer server(options);
  RawClient client(server.port);
  std::string request = Get("/", "X-Slow: " + std::string(100, 'd') + "\r\n");
  auto start = std::chrono::steady_clock::now();
  bool cut = false;
  for (char c : request) {
    if (!client.Send(std::string_view(&c, 1)) || client.ClosedWithin(20)) {
      cut = true;
      break;
    }
  }
  BOOST_TEST(cut);
  BOOST_TEST(MillisSince(start) < 1500);
  BOOST_TEST(server.calls == 0);
}

BOOST_AUTO_TEST_CASE(a_stalled_body_is_cut_off_at_the_body_timeout) {
  ServerOptions options;
  options.body_timeout_ms = 300;
  TestServer server(options);
  RawClient client(server.port);
  client.Send(PostHead("Content-Length: 100\r\n") + "0123456789");
  BOOST_TEST(client.ClosedWithin(2000));
  BOOST_TEST(server.calls == 0);
}

BOOST_AUTO_TEST_CASE(a_body_that_keeps_coming_is_not_cut_off) {
  ServerOptions options;
  options.body_timeout_ms = 300;
  TestServer server(options);
  RawClient client(server.port);
  client.Send(PostHead("Content-Length: 10\r\n"));
  for (int i = 0; i < 10; ++i) {
    std::this_thread::sleep_for(100ms);
    client.Send("z");
  }
  BOOST_TEST(client.Read().body == R"({"method":"POST","path":"/upload","body":10})");
}

// Finding 3: idle connections were never timed out.
BOOST_AUTO_TEST_CASE(an_idle_keep_alive_connection_is_closed_after_the_idle_timeout) {
  ServerOptions options;
  options.idle_timeout_ms = 300;
  TestServer server(options);
  RawClient client(server.port);
  client.Send(Get("/"));
  BOOST_TEST(client.Read().status == 200);
  auto start = std::chrono::steady_clock::now();
  BOOST_TEST(client.ClosedWithin(2000));
  BOOST_TEST(MillisSince(start) >= 250);
}

BOOST_AUTO_TEST_CASE(a_connection_that_never_sends_is_closed_after_the_header_timeout) {
  ServerOptions options;
  options.header_timeout_ms = 300;
  TestServer server(options);
  RawClient client(server.port);
  BOOST_TEST(client.ClosedWithin(2000));
}

// Finding 3: past the connection cap the connection idle longest makes room.
BOOST_AUTO_TEST_CASE(at_the_connection_cap_the_longest_idle_connection_is_shed) {
  ServerOptions options;
  options.max_connections = 8;
  TestServer server(options);
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 8; ++i) {
    idle.push_back(std::make_unique<RawClient>(server.port));
    idle.back()->Send(Get("/"));
    BOOST_TEST_REQUIRE(idle.back()->Read().status == 200);
    std::this_thread::sleep_for(10ms);
  }
  RawClient newcomer(server.port);
  newcomer.Send(Get("/new"));
  BOOST_TEST(newcomer.Read(2000).status == 200);
  BOOST_TEST(idle.front()->ClosedWithin(1000));
  idle.back()->Send(Get("/still"));
  BOOST_TEST(idle.back()->Read().status == 200);
}

BOOST_AUTO_TEST_CASE(at_the_cap_with_none_idle_a_new_connection_is_503) {
  ServerOptions options;
  options.max_connections = 2;
  TestServer server(options);
  RawClient a(server.port), b(server.port);
  a.Send(PostHead("Content-Length: 100\r\n") + "0");
  b.Send(PostHead("Content-Length: 100\r\n") + "0");
  std::this_thread::sleep_for(100ms);
  RawClient c(server.port);
  c.Send(Get("/"));
  RawResponse response = c.Read(2000);
  BOOST_TEST(response.status == 503);
  BOOST_TEST(response.headers.count("Retry-After") == 1u);
}

// Finding 1: the queue in front of the workers had no bound.
BOOST_AUTO_TEST_CASE(a_full_request_queue_answers_503) {
  ServerOptions options;
  options.worker_threads = 1;
  options.max_queued_requests = 1;
  TestServer server(options);
  RawClient running(server.port), queued(server.port), refused(server.port);
  running.Send(Get("/block"));
  std::this_thread::sleep_for(100ms);
  queued.Send(Get("/block"));
  std::this_thread::sleep_for(100ms);
  refused.Send(Get("/other"));
  RawResponse response = refused.Read(2000);
  BOOST_TEST(response.status == 503);
  BOOST_TEST(response.headers.count("Retry-After") == 1u);
  server.release.set_value();
  server.release = std::promise<void>();
  BOOST_TEST(running.Read().status == 200);
  BOOST_TEST(queued.Read().status == 200);
}

BOOST_AUTO_TEST_CASE(a_request_target_that_is_not_a_path_is_400) {
  TestServer server;
  RawClient client(server.port);
  client.Send("GET nowhere HTTP/1.1\r\nHost: t\r\n\r\n");
  BOOST_TEST(client.Read().status == 400);
  BOOST_TEST(server.calls == 0);
}

BOOST_AUTO_TEST_CASE(garbage_instead_of_a_request_line_is_400) {
  TestServer server;
  RawClient client(server.port);
  client.Send("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 hello\r\n\r\n");
  BOOST_TEST(client.Read().status == 400);
  BOOST_TEST(client.ClosedWithin(2000));
}
