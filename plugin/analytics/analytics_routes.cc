#include "plugin/analytics/analytics_routes.h"

#include "plugin/analytics/table_render.h"
#include "plugin/http/error_response.h"
#include "plugin/http/json_writes.h"
#include "plugin/privacy/privacy_routes.h"

namespace lrs::plugin {
namespace {

constexpr char kTablesPath[] = "/analytics/tables";
constexpr char kPurposeAdministration[] = "administration";
constexpr int kNotReadyRetrySeconds = 5;

Error NotAllowed(const HttpRequest& request, const char* allowed) {
  return MakeError(405, "routes", "", request.method + " is not allowed here; it answers " +
                                          allowed);
}

Result<std::shared_ptr<const analytics::Epoch>> Ready(EpochService& epochs) {
  std::shared_ptr<const analytics::Epoch> epoch = epochs.Current();
  if (epoch) return epoch;
  Error error = MakeError(503, "analytics epoch", "",
                          "the first analytics epoch is still being computed; try again shortly");
  error.retry_after_seconds = kNotReadyRetrySeconds;
  return error;
}

const analytics::TableInfo* FindTable(const analytics::Epoch& epoch, const std::string& id) {
  for (const analytics::TableInfo& table : epoch.Tables()) {
    if (table.id == id) return &table;
  }
  return nullptr;
}

}  // namespace

AnalyticsRoutes::AnalyticsRoutes(AnalyticsRouteParts parts) : parts_(std::move(parts)) {
  for (const Purpose& purpose : parts_.manifest.purposes) rules_.purposes.push_back(purpose.id);
  for (const CohortDimension& dimension : parts_.manifest.cohort_dimensions) {
    rules_.cohort_dimensions.push_back(dimension.id);
  }
}

HttpResponse AnalyticsRoutes::Handle(const HttpRequest& request) {
  auto caller =
      AuthenticateCaller(request, parts_.authenticator, parts_.tokens, parts_.revocations);
  Result<HttpResponse> response = caller.ok() ? Route(request, caller->principal) : caller.error();
  HttpResponse out = response.ok() ? std::move(*response) : ErrorResponse(response.error());
  if (out.status == 401) out.headers["WWW-Authenticate"] = "Basic realm=\"lrs\"";
  out.headers["Cache-Control"] = "no-store";
  return out;
}

Result<HttpResponse> AnalyticsRoutes::Route(const HttpRequest& request, const Principal& who) {
  if (request.path == "/admin/epoch") {
    if (request.method != "POST") return NotAllowed(request, "POST");
    return NewEpoch(request, who);
  }
  if (request.method != "GET") return NotAllowed(request, "GET");
  if (!parts_.manifest.RoleMay(who.role, "analytics:read")) {
    return MakeError(403, "role", "", "this role may not read analytics (analytics:read)");
  }
  if (request.path == kTablesPath) return Catalogue(request, who);
  const std::string id = request.path.substr(sizeof kTablesPath);  // after "/analytics/tables/"
  return Table(id, request, who);
}

Result<HttpResponse> AnalyticsRoutes::Catalogue(const HttpRequest& request,
                                                const Principal& who) {
  auto purpose = ParseCataloguePurpose(request.query, rules_);
  if (!purpose.ok()) return purpose.error();
  auto epoch = Ready(parts_.epochs);
  if (!epoch.ok()) return epoch.error();
  std::string body = CatalogueJson(**epoch, rules_.cohort_dimensions);
  AuditDetail detail;
  detail.Name("resource", "analytics catalogue")
      .Name("epoch", (*epoch)->id())
      .Names("params", ParameterNames(request.query))
      .Count("tables", static_cast<int64_t>((*epoch)->Tables().size()));
  auto recorded = parts_.audit.Record(who, kActionAnalyticsCatalogue, *purpose, detail, {});
  if (!recorded.ok()) return recorded.error();
  return HttpResponse::Json(200, std::move(body));
}

Result<HttpResponse> AnalyticsRoutes::Table(const std::string& id, const HttpRequest& request,
                                            const Principal& who) {
  auto epoch = Ready(parts_.epochs);
  if (!epoch.ok()) return epoch.error();
  const analytics::TableInfo* table = FindTable(**epoch, id);
  if (table == nullptr) {
    return MakeError(404, "analytics API: GET /analytics/tables/{id}", "",
                     "no such table; GET /analytics/tables lists the catalogue");
  }
  auto query = ParseTableQuery(*table, request.query, rules_);
  if (!query.ok()) return query.error();
  auto rows = (*epoch)->Query(query->request);
  if (!rows.ok()) return rows.error();
  const bool csv = query->format == TableFormat::kCsv;
  AuditDetail detail;
  detail.Name("resource", "analytics table")
      .Name("table", table->id)
      .Name("epoch", (*epoch)->id())
      .Names("params", ParameterNames(request.query))
      .Name("format", csv ? "csv" : "json")
      .Count("rows", static_cast<int64_t>(rows->size()));
  auto recorded = parts_.audit.Record(who, kActionAnalyticsTable, query->purpose, detail, {});
  if (!recorded.ok()) return recorded.error();
  if (!csv) return HttpResponse::Json(200, TableJson(**epoch, *query, *rows));
  HttpResponse response;
  response.status = 200;
  response.headers["Content-Type"] = "text/csv; charset=utf-8; header=present";
  response.headers["Content-Disposition"] = "attachment; filename=\"" + table->id + ".csv\"";
  response.body = TableCsv(*query, *rows);
  return response;
}

Result<HttpResponse> AnalyticsRoutes::NewEpoch(const HttpRequest& request, const Principal& who) {
  if (!parts_.manifest.RoleMay(who.role, "analytics:epoch")) {
    return MakeError(403, "role", "", "this role may not start an analytics epoch (analytics:epoch)");
  }
  if (MaybeError refused = RequireJsonForWrites(request)) return *refused;
  // Recorded before the epoch changes anything anyone can read (fail closed).
  AuditDetail detail;
  detail.Name("resource", "analytics epoch");
  auto recorded = parts_.audit.Record(who, kActionAnalyticsEpoch, kPurposeAdministration, detail, {});
  if (!recorded.ok()) return recorded.error();
  auto epoch = parts_.epochs.Renew();
  if (!epoch.ok()) return epoch.error();
  return HttpResponse::Json(200, EpochAnswerJson(**epoch));
}

}  // namespace lrs::plugin
