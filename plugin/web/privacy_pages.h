#pragma once
// The public face of the data manifest and the learner's page:
//   GET /privacy       the manifest in words, an HTML page for learners and staff
//   GET /privacy.json  the same manifest as data
//   GET /me            the learner's page (plugin/web/me.html, me.js), which the
//                      LMS opens as /me#token=<learner token>
// Stateless functions the router calls; thread-safe.
//
// Invariants, and why:
// 1. Both renderings come from the manifest's own validated JSON text, so the
//    page can never say something the program does not enforce.
// 2. Every string from the manifest reaches HTML through one escaping function
//    (& < > " '): a manifest is edited by hand, and markup in a description
//    must show as text.
// 3. No external assets: the CSS and script are inline, compiled into the
//    program (plugin/web/web_assets.h). The Content-Security-Policy allows nothing
//    but them (by SHA-256) and fetches to this origin, so even markup that
//    slipped through could run nothing and load nothing.
// 4. key_file is never published: where the keys live is the operator's
//    business, and the page and /privacy.json are public.
// 5. /me is answered with Cache-Control: no-store and Referrer-Policy:
//    no-referrer; the token stays in the fragment, which no server sees.

#include <string_view>

#include "plugin/http/http_message.h"

namespace lrs::plugin {

struct Manifest;

// The same as the functions below, from manifest.json (the validated text).
HttpResponse PrivacyPage(const Manifest& manifest);
HttpResponse PrivacyJson(const Manifest& manifest);

// 200 text/html; 500 in the usual error shape when `manifest_json` is not a
// JSON object (it was validated at start, so that means a wiring mistake).
HttpResponse PrivacyPage(std::string_view manifest_json);

// 200 application/json: the manifest without key_file; 500 as above.
HttpResponse PrivacyJson(std::string_view manifest_json);

// 200 text/html: the learner's single-page app. The page reads its token from
// the fragment and calls GET /privacy/me, PUT and GET /privacy/consent and
// DELETE /privacy/me with it as a Bearer token.
HttpResponse LearnerPage();

}  // namespace lrs::plugin
