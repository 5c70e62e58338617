#include "plugin/resources/xapi_routes.h"

#include "anonymizer/pseudonymizer.h"
#include "plugin/resources/alternate_syntax.h"
#include "plugin/http/error_response.h"
#include "xapi/agent_identifier.h"
#include "xapi/json.h"
#include "xapi/multipart.h"
#include "xapi/statement_query.h"
#include "xapi/timestamp.h"

namespace lrs::plugin {
namespace {

constexpr char kPrefix[] = "/xapi";

bool IsJsonContentType(std::string_view type) {
  return type.empty() || type.rfind("application/json", 0) == 0;
}

// The statements of a PUT/POST body and, for multipart/mixed (Communication
// 1.5.2), its attachment parts.
Result<std::shared_ptr<xapi::JsonDocument>> ParseStatementsBody(const HttpRequest& request,
                                                                RequestAttachments& attachments) {
  std::string_view type = request.Header("Content-Type");
  if (!xapi::IsMediaType(type, "multipart/mixed")) return xapi::ParseJson(request.body);
  auto multipart = xapi::ParseStatementMultipart(type, request.body);
  if (!multipart.ok()) return multipart.error();
  attachments.multipart = true;
  attachments.parts = std::move(multipart->attachments);
  return xapi::ParseJson(multipart->json);
}

// Communication 1.4: every string is UTF-8, parameters included. Checked
// once here, so no resource echoes other bytes into a JSON answer.
MaybeError CheckParameterEncoding(const QueryParams& query) {
  for (const auto& [name, value] : query) {
    if (!xapi::IsValidUtf8(name) || !xapi::IsValidUtf8(value)) {
      return MakeError(400, "xAPI Communication 1.4: strings are UTF-8", "",
                       "a query parameter is not UTF-8");
    }
  }
  return std::nullopt;
}

Error Forbidden(const std::string& what) {
  return MakeError(403, "role", "", "this credential's role may not " + what);
}

}  // namespace

MaybeError XapiRoutes::CheckRoleThenScope(const std::string& resource, const std::string& method,
                                          const Principal& who) const {
  // The role checks stay where they were (each resource's own, with its own
  // message); a role that may not is answered by them before any scope.
  const bool read = method == "GET" || method == "HEAD";
  if (RequiredScope(resource, method) &&
      !manifest_.RoleMay(who.role, read ? "statements:read" : "statements:write")) {
    return std::nullopt;
  }
  return CheckScope(who.scopes, resource, method);
}

void AddCorsHeaders(HttpResponse& response) {
  response.headers["Access-Control-Allow-Origin"] = "*";
  response.headers["Access-Control-Expose-Headers"] =
      "ETag, Last-Modified, Content-Type, X-Experience-API-Version, "
      "X-Experience-API-Consistent-Through";
}

void AddStoredContentHeaders(HttpResponse& response) {
  response.headers["Cache-Control"] = "no-store";
  response.headers["X-Content-Type-Options"] = "nosniff";
  response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'";
}

XapiRoutes::XapiRoutes(const Manifest& manifest, Authenticator& authenticator,
                       StatementIngest& ingest, StatementRead& read,
                       ActivitiesResource& activities, AgentsResource& agents,
                       DocumentRoutes& documents, AuditTrail& audit,
                       std::function<int64_t()> consistent_through_us, std::string etag_key)
    : manifest_(manifest),
      authenticator_(authenticator),
      ingest_(ingest),
      read_(read),
      activities_(activities),
      agents_(agents),
      documents_(documents),
      audit_(audit),
      consistent_through_us_(std::move(consistent_through_us)),
      etag_key_(std::move(etag_key)) {}

HttpResponse XapiRoutes::About(const HttpRequest& request) {
  if (request.method != "GET" && request.method != "HEAD") {
    return ErrorResponse(MakeError(405, "xAPI Communication 2.8: About", "", "About answers GET"));
  }
  return HttpResponse::Json(
      200, R"({"version":["1.0.0","1.0.1","1.0.2","1.0.3","2.0.0"],"extensions":{}})");
}

HttpResponse XapiRoutes::Handle(HttpRequest& request) {
  HttpResponse response;
  if (request.method == "OPTIONS") {
    // CORS preflight: answered without credentials, as browsers send none.
    response = HttpResponse::Empty(204);
    response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, PUT, POST, DELETE, OPTIONS";
    response.headers["Access-Control-Allow-Headers"] =
        "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match, "
        "X-Experience-API-Hash";
    response.headers["Access-Control-Max-Age"] = "86400";
    AddCorsHeaders(response);
    return response;
  }
  std::string resource = request.path.substr(sizeof(kPrefix) - 1);
  while (resource.size() > 1 && resource.back() == '/') resource.pop_back();

  MaybeError alternate_error;
  bool alternate = UsesAlternateSyntax(request);
  if (alternate) alternate_error = RewriteAlternateSyntax(request);
  std::optional<xapi::Version> version =
      xapi::ParseVersionHeader(request.Header("X-Experience-API-Version"));
  if (alternate_error) {
    response = ErrorResponse(*alternate_error);
  } else if (alternate && version == xapi::Version::k2_0) {
    response = ErrorResponse(MakeError(400, "xAPI 2.0.0: no alternate request syntax", "?method",
                                       "xAPI 2.0.0 removed the alternate request syntax"));
  } else if (resource == "/about") {
    response = About(request);
  } else if (!version) {
    response = ErrorResponse(MakeError(
        400, "xAPI Communication 3.3: X-Experience-API-Version", "",
        request.Header("X-Experience-API-Version").empty()
            ? "the X-Experience-API-Version header is required"
            : "unsupported X-Experience-API-Version; this LRS speaks 1.0.0 to 1.0.3 and 2.0.0"));
  } else {
    auto who = authenticator_.Authenticate(request.Header("Authorization"), request.remote_address);
    if (!who.ok()) {
      response = ErrorResponse(who.error());
    } else if (MaybeError encoding = CheckParameterEncoding(request.query)) {
      response = ErrorResponse(*encoding);
    } else if (MaybeError scope = CheckRoleThenScope(resource, request.method, *who)) {
      response = ErrorResponse(*scope);  // roles first, then xAPI scopes (plugin/auth/scopes.h)
    } else if (resource == "/statements") {
      response = Statements(request, *who, *version);
    } else if (resource == "/activities" || resource == "/agents") {
      response = ActivitiesOrAgents(resource, request, *who, *version);
    } else if (DocumentRoutes::Handles(resource)) {
      response = documents_.Handle(request, resource, *who, *version);
    } else {
      response = ErrorResponse(MakeError(404, "xAPI Communication 2.0: resources", "",
                                         "no such resource: " + request.path));
    }
  }
  // Before 1.0 the header did not exist, so a request without one speaks a
  // 0.9x dialect this LRS does not serve; the 400 says so in that dialect's
  // terms. ADL's suites accept exactly this for both 1.0.3 and 2.0.0
  // (Communication 3.3, XAPI-00331), where naming either current version
  // would fail the other suite. See tests/conformance/RESULTS.md.
  response.headers["X-Experience-API-Version"] =
      version ? std::string(xapi::ResponseVersion(*version))
              : (resource == "/about" ? "2.0.0" : "0.95");
  AddCorsHeaders(response);
  if (resource != "/about") AddStoredContentHeaders(response);
  // Also a HEAD sent as POST ?method=HEAD (the alternate syntax rewrote the
  // method): the headers of the GET, never its body.
  if (request.method == "HEAD") response.body.clear();
  return response;
}

HttpResponse XapiRoutes::ActivitiesOrAgents(const std::string& resource,
                                            const HttpRequest& request, const Principal& who,
                                            xapi::Version version) {
  const bool activities = resource == "/activities";
  if (request.method != "GET" && request.method != "HEAD") {
    return ErrorResponse(MakeError(405,
                                   activities ? "xAPI Communication 2.5" : "xAPI Communication 2.4",
                                   "", "this resource answers GET and HEAD"));
  }
  if (!manifest_.RoleMay(who.role, "statements:read")) {
    return ErrorResponse(Forbidden(activities ? "read activities" : "read agents"));
  }
  std::string subject;
  Result<std::string> body = [&]() -> Result<std::string> {
    if (activities) {
      return activities_.Get(request.query, manifest_.RoleMaySeeIdentities(who.role));
    }
    return agents_.Get(request.query, version, manifest_.RoleMaySeeIdentities(who.role),
                       &subject);
  }();
  if (!body.ok()) return ErrorResponse(body.error());
  if (!activities) {  // GET or HEAD: a HEAD's 200 is a read too
    AuditDetail detail;
    detail.Name("resource", "agents");
    if (request.method == "HEAD") detail.Name("method", "HEAD");
    auto recorded = audit_.Record(who, kActionAgentsRead, kPurposeRecordKeeping, detail, {subject});
    if (!recorded.ok()) return ErrorResponse(recorded.error());
  }
  HttpResponse response = HttpResponse::Json(200, std::move(*body));
  // Communication 3.1: a GET carries an ETag; keyed (etag_key_), 40 hex
  // digits like the SHA-1 clients expect, the resource in the MAC.
  response.headers["ETag"] =
      "\"" +
      anonymizer::HmacSha256Hex(etag_key_, "lrs resource etag v1\n" + resource + "\n" + response.body)
          .substr(0, 40) +
      "\"";
  return response;
}

HttpResponse XapiRoutes::Statements(HttpRequest& request, const Principal& who,
                                    xapi::Version version) {
  HttpResponse response;
  const std::string& method = request.method;
  if (method == "POST" || method == "PUT") {
    if (!manifest_.RoleMay(who.role, "statements:write")) {
      response = ErrorResponse(Forbidden("write statements"));
    } else if (!IsJsonContentType(request.Header("Content-Type")) &&
               !xapi::IsMediaType(request.Header("Content-Type"), "multipart/mixed")) {
      response = ErrorResponse(
          MakeError(400, "xAPI Communication 1.5: content types", "",
                    "statements are sent as application/json or multipart/mixed"));
    } else {
      std::optional<std::string> put_id;
      MaybeError error;
      if (method == "PUT") {
        auto query = xapi::ParseStatementQuery(request.query, version);
        if (!query.ok()) {
          error = query.error();
        } else if (!query->statement_id || request.query.size() != 1) {
          error = MakeError(400, "xAPI Communication 2.1.1: PUT Statements", "?statementId",
                            "PUT requires exactly the statementId parameter");
        } else {
          put_id = query->statement_id;
        }
      } else if (!request.query.empty()) {
        error = MakeError(400, "xAPI Communication 2.1.2: POST Statements", "",
                          "POST Statements takes no query parameters");
      }
      if (error) {
        response = ErrorResponse(*error);
      } else {
        RequestAttachments attachments;
        auto body = ParseStatementsBody(request, attachments);
        auto stored = body.ok() ? ingest_.Store(**body, who, version, put_id, std::move(attachments))
                                : Result<std::vector<std::string>>(body.error());
        if (!stored.ok()) {
          response = ErrorResponse(stored.error());
        } else if (put_id) {
          response = HttpResponse::Empty(204);
        } else {
          std::string ids = "[";
          for (size_t i = 0; i < stored->size(); ++i) {
            ids += (i ? ",\"" : "\"") + (*stored)[i] + "\"";
          }
          response = HttpResponse::Json(200, ids + "]");
        }
      }
    }
  } else if (method == "GET" || method == "HEAD") {
    if (!manifest_.RoleMay(who.role, "statements:read")) {
      response = ErrorResponse(Forbidden("read statements"));
    } else {
      auto query = xapi::ParseStatementQuery(request.query, version);
      if (!query.ok()) {
        response = ErrorResponse(query.error());
      } else {
        auto read = read_.Read(*query, who, manifest_.RoleMaySeeIdentities(who.role),
                               std::string(request.Header("Accept-Language")));
        MaybeError audit_error;
        if (read.ok()) {  // GET or HEAD: a HEAD's 200 tells a statement exists
          AuditDetail detail;
          detail.Name("resource", "statements")
              .Names("params", ParameterNames(request.query))
              .Count("learners", static_cast<int64_t>(read->subjects.size()));
          if (method == "HEAD") detail.Name("method", "HEAD");
          auto recorded = audit_.Record(who, kActionStatementsRead, kPurposeRecordKeeping,
                                        detail, read->subjects);
          if (!recorded.ok()) audit_error = recorded.error();
        }
        if (!read.ok()) {
          response = ErrorResponse(read.error());
        } else if (audit_error) {
          response = ErrorResponse(*audit_error);
        } else {
          response = HttpResponse::Json(200, std::move(read->body));
          // multipart/mixed with attachments=true (Communication 2.1.3).
          response.headers["Content-Type"] = read->content_type;
          if (read->last_modified_us) {
            response.headers["Last-Modified"] = HttpDate(read->last_modified_us);
          }
        }
      }
    }
  } else {
    response = ErrorResponse(
        MakeError(405, "xAPI Communication 2.1", "", "Statements answer GET, HEAD, PUT and POST"));
  }
  // Communication 2.1.3: on every response of the Statements resource.
  response.headers["X-Experience-API-Consistent-Through"] =
      xapi::FormatTimestamp(consistent_through_us_());
  return response;
}

}  // namespace lrs::plugin
