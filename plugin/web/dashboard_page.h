#pragma once
// The analysts' dashboard (issue 16, "The dashboard"):
//   GET /dashboard                     the page (plugin/web/dashboard.html)
//   GET /dashboard/dashboard.js        its script
//   GET /dashboard/dashboard.css       its styles (after /dashboard/pages.css,
//   GET /dashboard/pages.css           the look every page shares)
//   GET /dashboard/echarts.min.js      Apache ECharts, from npm, compiled in
// The page asks for an analyst's key and secret, keeps them in its script's
// memory only and reads GET /analytics/tables with HTTP Basic from fetch.
// Stateless functions the router calls; thread-safe.
//
// Invariants, and why:
// 1. Nothing comes from elsewhere: every script and style is a file of the
//    build (plugin/web/web_assets.h), served from these paths. The
//    Content-Security-Policy allows scripts and styles from this origin only,
//    no inline script and no inline style element, fetches to this origin,
//    images from it or data: (ECharts' "save as image"), no framing, no form
//    submission (the sign-in form is handled by the script: should the script
//    not run, the browser still cannot send the secret in a URL).
// 2. The page holds no learner data and no secret: the numbers arrive only
//    after sign-in, from /analytics, which is k-anonymous and audited. So
//    the page and its assets may be cached, revalidated by a strong ETag
//    (a digest of the bytes), and are the same for everyone.
// 3. Every answer says nosniff, Referrer-Policy: no-referrer and
//    Cross-Origin-Resource-Policy: same-origin.

#include <string_view>

#include "plugin/http/http_message.h"

namespace lrs::plugin {

// Whether `path` is /dashboard or one of its assets (the router sends GET and
// HEAD for these here; other methods get the router's 405 or 404).
bool IsDashboardPath(std::string_view path);

// 200 with the page or the asset, 304 when If-None-Match names its ETag, 404
// (the usual error shape) for a path under /dashboard/ that is no asset.
HttpResponse DashboardPage(const HttpRequest& request);

}  // namespace lrs::plugin
