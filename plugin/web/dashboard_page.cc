#include "plugin/web/dashboard_page.h"

#include <openssl/evp.h>

#include <string>
#include <vector>

#include "plugin/http/entity_tags.h"
#include "plugin/http/error_response.h"
#include "plugin/web/page_headers.h"
#include "plugin/web/web_assets.h"

namespace lrs::plugin {
namespace {

constexpr std::string_view kPagePath = "/dashboard";
constexpr std::string_view kAssetPrefix = "/dashboard/";
constexpr size_t kEtagDigestBytes = 16;  // of SHA-256: ample to tell versions apart

// Invariant 1. img-src data: is for ECharts' "save as image" (a PNG data URL).
constexpr char kPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

struct Asset {
  std::string_view path;
  std::string_view content_type;
  std::string_view (*bytes)();
};

constexpr Asset kAssets[] = {
    {"/dashboard", "text/html; charset=utf-8", web::DashboardPageHtml},
    {"/dashboard/dashboard.js", "text/javascript; charset=utf-8", web::DashboardPageScript},
    {"/dashboard/dashboard.css", "text/css; charset=utf-8", web::DashboardCss},
    {"/dashboard/pages.css", "text/css; charset=utf-8", web::PagesCss},
    {"/dashboard/echarts.min.js", "text/javascript; charset=utf-8", web::EchartsScript},
};

std::string Hex(const unsigned char* bytes, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * size);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0xf]);
  }
  return out;
}

// A strong validator: the same bytes, the same tag (invariant 2).
std::string Etag(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  return "\"" + Hex(digest, kEtagDigestBytes) + "\"";
}

const Asset* Find(std::string_view path) {
  for (const Asset& asset : kAssets) {
    if (asset.path == path) return &asset;
  }
  return nullptr;
}

void AddHeaders(HttpResponse& response, const std::string& etag) {
  AddPageSecurityHeaders(response, kPolicy);
  response.headers["Cross-Origin-Resource-Policy"] = "same-origin";
  response.headers["Cache-Control"] = "no-cache";
  response.headers["ETag"] = etag;
}

}  // namespace

bool IsDashboardPath(std::string_view path) {
  return path == kPagePath || path.rfind(kAssetPrefix, 0) == 0;
}

HttpResponse DashboardPage(const HttpRequest& request) {
  const Asset* asset = Find(request.path);
  if (asset == nullptr) {
    return ErrorResponse(MakeError(404, "routes", "", "no such page: " + request.path));
  }
  std::string_view bytes = asset->bytes();
  // Each asset's tag is worked out once: ECharts is a megabyte.
  static const std::vector<std::string> etags = [] {
    std::vector<std::string> tags;
    for (const Asset& each : kAssets) tags.push_back(Etag(each.bytes()));
    return tags;
  }();
  const std::string& etag = etags[asset - kAssets];

  HttpResponse response;
  AddHeaders(response, etag);
  const std::string_view if_none_match = request.Header("If-None-Match");
  if (if_none_match == "*" || EntityTagListNames(if_none_match, etag, /*weak=*/true)) {
    response.status = 304;
    return response;
  }
  response.status = 200;
  response.headers["Content-Type"] = std::string(asset->content_type);
  response.body = std::string(bytes);
  return response;
}

}  // namespace lrs::plugin
