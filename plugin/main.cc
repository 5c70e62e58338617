// lrs: the learning record store program.
//
//   lrs serve [--listen 127.0.0.1:8080] [--data DIR] [--manifest FILE]
//   lrs credentials add --role lms|analyst|admin --name NAME [--scope S]... [--data DIR] [--json]
//   lrs credentials list | revoke KEY | rotate KEY [--data DIR]   (plugin/cli/credentials_command.cc)
//   lrs purge | keys rotate | audit verify [--data DIR]   (plugin/cli/commands.h)
//   lrs demo [--data DIR] [--learners 2000] [--days 90] [--seed N]   (plugin/cli/demo_command.cc)
//
// Exit status: 0 on success, 2 on a usage or configuration error (with one
// line on stderr naming it), 1 on any other failure.

#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "anonymizer/random_source.h"
#include "plugin/cli/cli_args.h"
#include "plugin/cli/commands.h"
#include "plugin/auth/credentials.h"
#include "plugin/app/data_dir_lock.h"
#include "plugin/http/http_server.h"
#include "plugin/keys/key_file.h"
#include "plugin/app/lrs_app.h"
#include "plugin/app/manifest.h"
#include "storage/private_files.h"

namespace lrs::plugin {
namespace {

constexpr char kUsage[] =
    "usage: lrs COMMAND [OPTIONS]\n"
    "\n"
    "A privacy-first xAPI learning record store.\n"
    "\n"
    "commands:\n"
    "  serve              serve the LRS over HTTP\n"
    "  credentials add    create an API credential (key and secret)\n"
    "  credentials list | revoke KEY | rotate KEY\n"
    "                     list, revoke or give a new secret to a credential\n"
    "  purge              delete individual-level data past its retention\n"
    "  keys rotate        new pseudonym and master keys; re-keys stored data\n"
    "  audit verify       check the audit trail's hash chain\n"
    "  demo               fill a new store with synthetic training traffic\n"
    "\n"
    "Run 'lrs COMMAND --help' for a command's options.\n";

constexpr char kServeUsage[] =
    "usage: lrs serve [--listen HOST:PORT] [--data DIR] [--manifest FILE]\n"
    "                 [--max-body-bytes N] [--max-batch N] [--header-timeout-ms MS]\n"
    "                 [--body-timeout-ms MS] [--idle-timeout-ms MS] [--max-connections N]\n"
    "\n"
    "Serves the xAPI endpoint at http://HOST:PORT/xapi until SIGINT or SIGTERM.\n"
    "\n"
    "  --listen HOST:PORT   address to listen on (default 127.0.0.1:8080)\n"
    "  --data DIR           data directory (default var/data); the key file defaults\n"
    "                       to DIR/../keys/NAME.key (NAME: DIR's last component)\n"
    "                       and is created if missing\n"
    "  --manifest FILE      data manifest (default manifests/default.json)\n"
    "  --max-body-bytes N   largest request body accepted (default 10485760)\n"
    "  --max-batch N        most statements in one request (default 1000)\n"
    "  --header-timeout-ms MS  time a client has to send a request's whole header,\n"
    "                       from connecting or from its first byte (default 10000)\n"
    "  --body-timeout-ms MS longest pause while a body arrives or an answer is taken\n"
    "                       (default 30000)\n"
    "  --idle-timeout-ms MS how long a kept-alive connection may wait between\n"
    "                       requests (default 30000)\n"
    "  --max-connections N  open connections at most (default: the open-file limit\n"
    "                       less headroom); past it the longest idle one is closed\n";

int UsageError(const std::string& message, const char* command) {
  std::cerr << "lrs: " << message << " (see 'lrs " << command << "--help')\n";
  return 2;
}

int ConfigError(const Error& error) {
  std::cerr << "lrs: " << error.message << "\n";
  return error.status >= 500 ? 1 : 2;
}

bool ParseSize(const std::string& text, size_t& out) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) {
    return false;  // more than 18 digits would overflow std::stoull
  }
  out = std::stoull(text);
  return out > 0;
}

int Serve(const std::vector<std::string>& args) {
  auto parsed = ParseCliArgs(args,
                             {"--listen", "--data", "--manifest", "--max-body-bytes", "--max-batch",
                              "--header-timeout-ms", "--body-timeout-ms", "--idle-timeout-ms",
                              "--max-connections"},
                             {"--help"});
  if (!parsed.ok()) return UsageError(parsed.error().message, "serve ");
  if (parsed->Has("--help")) {
    std::cout << kServeUsage;
    return 0;
  }
  ServerOptions server;
  std::string listen = parsed->Value("--listen").value_or("127.0.0.1:8080");
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 ||
      listen.find_first_not_of("0123456789", colon + 1) != std::string::npos ||
      colon + 1 == listen.size()) {
    return UsageError("--listen must be HOST:PORT, got " + listen, "serve ");
  }
  server.host = listen.substr(0, colon);
  server.port = std::stoi(listen.substr(colon + 1));
  if (server.port <= 0 || server.port > 65535) {
    return UsageError("--listen port must be 1 to 65535", "serve ");
  }
  AppOptions app;
  app.data_dir = parsed->Value("--data").value_or(app.data_dir);
  app.manifest_path = parsed->Value("--manifest").value_or(app.manifest_path);
  app.public_base_url = "http://" + listen;
  if (auto v = parsed->Value("--max-body-bytes"); v && !ParseSize(*v, server.max_body_bytes)) {
    return UsageError("--max-body-bytes must be a positive integer", "serve ");
  }
  if (auto v = parsed->Value("--max-batch"); v && !ParseSize(*v, app.max_batch)) {
    return UsageError("--max-batch must be a positive integer", "serve ");
  }
  if (auto v = parsed->Value("--max-connections"); v && !ParseSize(*v, server.max_connections)) {
    return UsageError("--max-connections must be a positive integer", "serve ");
  }
  for (auto [flag, field] : {std::pair{"--header-timeout-ms", &server.header_timeout_ms},
                             std::pair{"--body-timeout-ms", &server.body_timeout_ms},
                             std::pair{"--idle-timeout-ms", &server.idle_timeout_ms}}) {
    size_t ms = 0;
    if (auto v = parsed->Value(flag); v && (!ParseSize(*v, ms) || ms > 3'600'000)) {
      return UsageError(std::string(flag) + " must be 1 to 3600000 milliseconds", "serve ");
    }
    if (ms) *field = static_cast<int>(ms);
  }

  // Signals are taken by sigwait below, so block them before any thread starts.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  if (auto error = storage::CreatePrivateDirectory(app.data_dir)) return ConfigError(*error);
  auto lock = DataDirLock::Acquire(app.data_dir);
  if (!lock.ok()) return ConfigError(lock.error());
  auto lrs = LrsApp::Open(app);
  if (!lrs.ok()) return ConfigError(lrs.error());
  LrsApp* handler = lrs->get();
  auto http = HttpServer::Start(
      server,
      [handler](HttpRequest& request) { return handler->Handle(request); },
      &LrsApp::BodyTooLarge);
  if (!http.ok()) return ConfigError(http.error());

  std::cout << "lrs: listening on http://" << listen << "/xapi" << std::endl;
  int received = 0;
  sigwait(&stop_signals, &received);
  std::cout << "lrs: stopping" << std::endl;
  http->reset();  // finish requests in flight, then close storage
  lrs->reset();
  return 0;
}

}  // namespace
}  // namespace lrs::plugin

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << lrs::plugin::kUsage;
    return args.empty() ? 2 : 0;
  }
  std::string command = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "serve") return lrs::plugin::Serve(rest);
  if (command == "credentials") return lrs::plugin::RunCredentialsCommand(rest);
  if (command == "purge") return lrs::plugin::RunPurgeCommand(rest);
  if (command == "keys") return lrs::plugin::RunKeysCommand(rest);
  if (command == "audit") return lrs::plugin::RunAuditCommand(rest);
  if (command == "demo") return lrs::plugin::RunDemoCommand(rest);
  std::cerr << "lrs: unknown command " << command << " (see 'lrs --help')\n";
  return 2;
}
