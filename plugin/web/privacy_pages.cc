#include "plugin/web/privacy_pages.h"

#include <openssl/evp.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "plugin/http/error_response.h"
#include "plugin/app/manifest.h"
#include "plugin/web/page_headers.h"
#include "plugin/web/web_assets.h"
#include "xapi/json.h"

namespace lrs::plugin {
namespace {

using xapi::JsonValue;

constexpr std::string_view kCssSlot = "{{css}}";
constexpr std::string_view kScriptSlot = "{{script}}";
constexpr int kDaysPerYear = 365;
constexpr double kDaysPerMonth = 30.44;
constexpr int kMonthsShownFrom = 60;  // days; shorter spans read fine in days

// ---- escaping and small text helpers ---------------------------------------

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string Code(std::string_view text) { return "<code>" + Escape(text) + "</code>"; }

// "record-keeping" -> "Record keeping": ids read as words (the /me page's
// switches use the same rule, so both pages name a purpose alike).
std::string Humanize(std::string_view id) {
  std::string out;
  for (char c : id) out.push_back(c == '-' || c == '_' ? ' ' : c);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

std::string Plural(int n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// "730 days (about 2 years)".
std::string Days(int days) {
  std::string text = Plural(days, "day", "days");
  if (days >= kDaysPerYear && days % kDaysPerYear < kDaysPerYear / 12) {
    text += " (about " + Plural(days / kDaysPerYear, "year", "years") + ")";
  } else if (days >= kMonthsShownFrom) {
    int months = static_cast<int>(std::lround(days / kDaysPerMonth));
    text += " (about " + Plural(months, "month", "months") + ")";
  }
  return text;
}

std::vector<std::string> Strings(const JsonValue* array) {
  std::vector<std::string> out;
  if (array == nullptr || !array->IsArray()) return out;
  for (const auto& item : array->GetArray()) {
    if (item.IsString()) out.emplace_back(item.GetString(), item.GetStringLength());
  }
  return out;
}

int IntMember(const JsonValue& object, const char* name, int fallback) {
  const JsonValue* value = xapi::Member(object, name);
  return value != nullptr && value->IsInt() ? value->GetInt() : fallback;
}

bool Contains(const std::vector<std::string>& list, std::string_view item) {
  for (const auto& s : list) {
    if (s == item) return true;
  }
  return false;
}

// ---- security headers --------------------------------------------------------

// The CSP source for an inline element whose text is exactly `text`.
std::string Sha256Source(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  std::string base64(4 * ((length + 2) / 3) + 1, '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(base64.data()), digest,
                                static_cast<int>(length));
  base64.resize(static_cast<size_t>(written));
  return "'sha256-" + base64 + "'";
}

// default-src 'none': nothing loads or runs unless listed here, and only the
// page's own inline style (and script, when it has one) is listed.
std::string ContentSecurityPolicy(std::string_view inline_script) {
  std::string policy = "default-src 'none'; style-src " + Sha256Source(web::PagesCss()) + "; ";
  if (!inline_script.empty()) {
    policy += "script-src " + Sha256Source(inline_script) + "; connect-src 'self'; ";
  }
  policy += "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  return policy;
}

HttpResponse Html(std::string body, const std::string& policy) {
  HttpResponse response;
  response.status = 200;
  response.headers["Content-Type"] = "text/html; charset=utf-8";
  response.body = std::move(body);
  AddPageSecurityHeaders(response, policy);
  return response;
}

// ---- what the permissions and the kept parts mean, in words -----------------

using WordMap = std::map<std::string, std::string, std::less<>>;

const WordMap& PermissionWords() {
  static const WordMap words = {
      {"statements:write", "send learning records (and saved progress documents)"},
      {"statements:read", "read learning records back"},
      {"identities:read", "see who a record is about (read sealed identities back)"},
      {"consent:manage", "record a learner's consent choices"},
      {"tokens:issue", "open a learner's own data page for them (a short-lived link)"},
      {"learners:erase", "erase a learner's data when asked"},
      {"analytics:read", "see dashboards in which every number stands for at least k people"},
      {"credentials:manage", "create and revoke access for systems and staff"},
      {"audit:read", "read the audit trail of who read what"},
  };
  return words;
}

const WordMap& RoleWords() {
  static const WordMap words = {
      {"lms", "Your learning platform (LMS), which sends the records"},
      {"analyst", "Staff who read dashboards"},
      {"admin", "The people who run this service"},
  };
  return words;
}

const WordMap& ResultWords() {
  static const WordMap words = {
      {"score", "your score"},
      {"success", "whether you passed"},
      {"completion", "whether you completed it"},
      {"duration", "how long it took"},
      {"response", "your answer"},
      {"extensions", "extra result details"},
  };
  return words;
}

const WordMap& ContextWords() {
  static const WordMap words = {
      {"registration", "which enrolment or attempt it belongs to"},
      {"instructor", "the instructor (as a pseudonym too)"},
      {"team", "your team (as a pseudonym)"},
      {"contextActivities", "the course and the activities around it"},
      {"revision", "the version of the course"},
      {"platform", "the platform you used"},
      {"language", "the language"},
      {"statement", "an earlier record it refers to"},
      {"extensions", "extra context details"},
      {"contextAgents", "other people involved (as pseudonyms)"},
      {"contextGroups", "groups involved (as pseudonyms)"},
  };
  return words;
}

std::string Words(const WordMap& words,
                  std::string_view key) {
  auto it = words.find(key);
  return it == words.end() ? Code(key) : Escape(it->second) + " " + Code(key);
}

// ---- the page's sections ------------------------------------------------------

struct PageInput {
  const JsonValue& root;
  std::string consent_mode;
  std::vector<std::string> consent_purposes;
  int k = 0;
  bool sealed = true;
  int statement_days = 0;  // retention
  int fact_days = 0;
};

std::string ExtensionsClause(const JsonValue& keep, const char* field) {
  const JsonValue* keys = xapi::Member(keep, field);
  if (keys != nullptr && keys->IsString() && std::string_view(keys->GetString()) == "*") {
    return ": all of them";
  }
  std::vector<std::string> iris = Strings(keys);
  if (iris.empty()) return ": none of them";
  std::string out = ": only ";
  for (size_t i = 0; i < iris.size(); ++i) out += (i ? ", " : "") + Code(iris[i]);
  return out;
}

void KeptList(std::string& out, const JsonValue& keep, const char* parts_field,
              const char* extensions_field,
              const WordMap& words,
              const std::vector<std::string>& free_text, std::string_view nothing) {
  std::vector<std::string> parts = Strings(xapi::Member(keep, parts_field));
  std::vector<std::string> shown;
  for (const auto& part : parts) {
    // A free-text part is kept only when free_text lists it as well.
    if (std::string(parts_field) == "result" && part == "response" &&
        !Contains(free_text, "result.response")) {
      continue;
    }
    std::string item = Words(words, part);
    if (part == "extensions") item += ExtensionsClause(keep, extensions_field);
    shown.push_back(item);
  }
  if (shown.empty()) {
    out += "<p>" + Escape(nothing) + "</p>\n";
    return;
  }
  out += "<ul class=\"plain\">\n";
  for (const auto& item : shown) out += "<li>" + item + "</li>\n";
  out += "</ul>\n";
}

void CollectedSection(std::string& out, const PageInput& in) {
  out += "<section class=\"card\" id=\"collected\" aria-labelledby=\"collected-title\">\n"
         "<h2 id=\"collected-title\">What is collected</h2>\n"
         "<p>Each learning record says that someone did something, and when: who (never your "
         "name or e-mail address, see <a href=\"#identity\">how you are identified</a>), what "
         "they did, which activity, and the time. These parts are always kept: the records "
         "standard (xAPI) requires them.</p>\n";
  const JsonValue* keep = xapi::Member(in.root, "keep");
  if (keep == nullptr || !keep->IsObject()) {
    out += "<p>Everything else in a record is kept as your learning platform sent it.</p>\n"
           "</section>\n";
    return;
  }
  out += "<p>Of everything else, only what is listed here is kept. The rest is removed before "
         "anything is stored.</p>\n";
  std::vector<std::string> free_text = Strings(xapi::Member(*keep, "free_text"));

  out += "<h3>From the result of an activity</h3>\n";
  KeptList(out, *keep, "result", "result_extensions", ResultWords(), free_text,
           "Nothing: results are removed.");
  out += "<h3>From the context of an activity</h3>\n";
  KeptList(out, *keep, "context", "context_extensions", ContextWords(), free_text,
           "Nothing: the context is removed.");

  out += "<h3>Text you type, names, files</h3>\n<ul class=\"plain\">\n";
  bool answers_kept = Contains(free_text, "result.response") &&
                      Contains(Strings(xapi::Member(*keep, "result")), "response");
  out += answers_kept
             ? "<li>Text you type as an answer (" + Code("result.response") + ") is kept.</li>\n"
             : "<li>Text you type (such as answers) is removed before anything is stored.</li>\n";
  const JsonValue* names = xapi::Member(*keep, "display_names");
  bool names_kept = names != nullptr && names->IsBool() && names->GetBool();
  // Under pseudonymous-only no identity is stored, so no name either.
  out += names_kept && in.sealed
             ? "<li>Display names (such as your full name) are kept only sealed, together with "
               "your identity, for the learning platform that sent them.</li>\n"
             : "<li>Display names (such as your full name) are removed before anything is "
               "stored.</li>\n";
  const JsonValue* attachments = xapi::Member(*keep, "attachments");
  out += attachments != nullptr && attachments->IsBool() && attachments->GetBool()
             ? "<li>Files attached to a record are kept (yours sealed under your own key).</li>\n"
             : "<li>Files attached to records are removed and not stored.</li>\n";
  const JsonValue* definitions = xapi::Member(*keep, "activity_definitions");
  out += definitions != nullptr && definitions->IsBool() && definitions->GetBool()
             ? "<li>Descriptions of activities (course and question names) are kept.</li>\n"
             : "<li>Only the ids of activities are kept, not their descriptions.</li>\n";
  out += "</ul>\n</section>\n";
}

void PurposesSection(std::string& out, const PageInput& in) {
  out += "<section class=\"card\" id=\"purposes\" aria-labelledby=\"purposes-title\">\n"
         "<h2 id=\"purposes-title\">Why it is collected</h2>\n"
         "<p>Your records are used for these purposes and no others.</p>\n<dl class=\"pairs\">\n";
  const JsonValue* purposes = xapi::Member(in.root, "purposes");
  if (purposes != nullptr && purposes->IsArray()) {
    for (const auto& purpose : purposes->GetArray()) {
      if (!purpose.IsObject()) continue;
      std::string id(xapi::StringMember(purpose, "id"));
      std::string tag = !Contains(in.consent_purposes, id) ? "<span class=\"tag\">part of the service</span>"
                        : in.consent_mode == "opt-in"
                            ? "<span class=\"tag warn\">only if you agree</span>"
                            : "<span class=\"tag ok\">unless you opt out</span>";
      out += "<dt id=\"purpose-" + Escape(id) + "\">" + Escape(Humanize(id)) + " " + tag +
             "</dt>\n<dd>" + Escape(xapi::StringMember(purpose, "description")) + "</dd>\n";
    }
  }
  out += "</dl>\n</section>\n";
}

void RetentionSection(std::string& out, const PageInput& in) {
  out += "<section class=\"card\" id=\"retention\" aria-labelledby=\"retention-title\">\n"
         "<h2 id=\"retention-title\">How long it is kept</h2>\n<ul class=\"plain\">\n"
         "<li>Learning records, with the documents, files and sealed identities only they "
         "need: <strong>" + Escape(Days(in.statement_days)) + "</strong> after they were stored.</li>\n"
         "<li>Facts worked out from your records for dashboards and recommendations: <strong>" +
         Escape(Days(in.fact_days)) + "</strong>.</li>\n</ul>\n"
         "<p>Older data is deleted automatically every day. If you erase your data "
         "(<a href=\"#rights\">see below</a>), it is deleted at once.</p>\n</section>\n";
}

void GroupsSection(std::string& out, const PageInput& in) {
  out += "<section class=\"card\" id=\"k\" aria-labelledby=\"k-title\">\n"
         "<h2 id=\"k-title\">Numbers in dashboards</h2>\n"
         "<p>Every number a dashboard shows, and every pattern a recommendation rests on, "
         "stands for at least <strong>" + Plural(in.k, "person", "people") +
         "</strong> (k&nbsp;=&nbsp;" + std::to_string(in.k) +
         "). Smaller groups are not shown, so no number points at you.</p>\n";
  const JsonValue* dimensions = xapi::Member(in.root, "cohort_dimensions");
  if (dimensions == nullptr || !dimensions->IsArray() || dimensions->Empty()) {
    out += "<p>Numbers are not broken down by groups such as department or site.</p>\n";
  } else {
    out += "<p>Numbers may be broken down by:</p>\n<ul class=\"plain\">\n";
    for (const auto& dimension : dimensions->GetArray()) {
      if (!dimension.IsObject()) continue;
      std::string item = Escape(Humanize(xapi::StringMember(dimension, "id")));
      std::string_view description = xapi::StringMember(dimension, "description");
      if (!description.empty()) item += ": " + Escape(description);
      item += " <span class=\"muted small\">(from " +
              Code(xapi::StringMember(dimension, "source")) + ")</span>";
      out += "<li>" + item + "</li>\n";
    }
    out += "</ul>\n";
  }
  out += "</section>\n";
}

void IdentitySection(std::string& out, const PageInput& in) {
  out += "<section class=\"card\" id=\"identity\" aria-labelledby=\"identity-title\">\n"
         "<h2 id=\"identity-title\">How you are identified</h2>\n"
         "<p>Your name, e-mail address or account never reach storage as written. Every record "
         "refers to you by a <strong>pseudonym</strong>: a code made with a secret key, which "
         "cannot be turned back into your identity without it.</p>\n";
  out += in.sealed
             ? "<p><span class=\"tag\">sealed</span> A copy of your identity is kept "
               "<strong>sealed</strong> (encrypted under a key of your own), so that the "
               "learning platform that sent a record can read back who it was about. Nobody "
               "else can. Erasing your data destroys that key.</p>\n"
             : "<p><span class=\"tag ok\">pseudonymous only</span> Your identity is "
               "<strong>not kept at all</strong>: nobody, not even your learning platform, can "
               "read back who a record is about.</p>\n";
  out += "</section>\n";
}

void ConsentSection(std::string& out, const PageInput& in) {
  bool opt_in = in.consent_mode == "opt-in";
  out += "<section class=\"card\" id=\"consent\" aria-labelledby=\"consent-title\">\n"
         "<h2 id=\"consent-title\">Your choice: " +
         std::string(opt_in ? "opt-in" : "opt-out") + "</h2>\n";
  std::string purposes;
  for (size_t i = 0; i < in.consent_purposes.size(); ++i) {
    purposes += (i ? ", " : "") + Escape(Humanize(in.consent_purposes[i]));
  }
  if (purposes.empty()) purposes = "no purpose";
  out += opt_in
             ? "<p><strong>Opt-in</strong>: this service asks first. Nothing about you is "
               "stored until you agree. Records your learning platform sends before that are "
               "acknowledged and thrown away. You choose for: " + purposes + ".</p>\n"
             : "<p><strong>Opt-out</strong>: records about you are stored unless you say no. "
               "After you opt out, nothing more about you is stored, and you are offered to "
               "erase what is already there. You choose for: " + purposes + ".</p>\n";
  out += "<p><strong>How to " + std::string(opt_in ? "opt in, or out again" : "opt out, or back in") +
         ":</strong> open &ldquo;My data&rdquo; in your learning platform. It opens your own page "
         "here, where a switch for each purpose records your choice at once. You can change it "
         "as often as you like; every change is kept in your consent history. Your learning "
         "platform can also record your choice for you.</p>\n</section>\n";
}

void RightsSection(std::string& out) {
  out += "<section class=\"card\" id=\"rights\" aria-labelledby=\"rights-title\">\n"
         "<h2 id=\"rights-title\">See, download or erase your data</h2>\n"
         "<p>Your learning platform (LMS) has a link, &ldquo;My data&rdquo;, to your own page on "
         "this service (<code>/me</code>). The link works for a short time and for you only. "
         "There you can:</p>\n<ul class=\"plain\">\n"
         "<li><strong>see</strong> everything stored about you, and who has read it;</li>\n"
         "<li><strong>download</strong> it all as one file, to keep or take elsewhere;</li>\n"
         "<li><strong>erase</strong> it: your records, documents, facts, consent history and the "
         "key that seals your identity. You get a receipt.</li>\n</ul>\n"
         "<p>Every read of your data and every privacy action is written to an audit trail in "
         "which each entry is chained to the one before, so a changed or removed entry is "
         "noticed.</p>\n</section>\n";
}

void RolesSection(std::string& out, const PageInput& in) {
  out += "<section class=\"card\" id=\"roles\" aria-labelledby=\"roles-title\">\n"
         "<h2 id=\"roles-title\">Who may do what</h2>\n<table>\n"
         "<thead><tr><th scope=\"col\">Who</th><th scope=\"col\">May</th></tr></thead>\n<tbody>\n";
  const JsonValue* roles = xapi::Member(in.root, "roles");
  if (roles != nullptr && roles->IsObject()) {
    for (const auto& role : roles->GetObject()) {
      std::string name(role.name.GetString(), role.name.GetStringLength());
      auto who = RoleWords().find(name);
      out += "<tr><th scope=\"row\">" +
             (who == RoleWords().end() ? Escape(Humanize(name)) : Escape(who->second)) +
             " <span class=\"muted small\">(role " + Code(name) + ")</span></th><td>";
      std::vector<std::string> permissions = Strings(&role.value);
      if (permissions.empty()) {
        out += "nothing";
      } else {
        out += "<ul class=\"plain\">";
        for (const auto& permission : permissions) {
          out += "<li>" + Words(PermissionWords(), permission) + "</li>";
        }
        out += "</ul>";
      }
      out += "</td></tr>\n";
    }
  }
  out += "<tr><th scope=\"row\">You, through the link from your learning platform</th><td>"
         "see, download and erase your own data, and change your consent; nobody else&rsquo;s"
         "</td></tr>\n</tbody>\n</table>\n</section>\n";
}

std::string RenderPrivacyPage(const PageInput& in) {
  std::string name(xapi::StringMember(in.root, "name"));

  std::string out;
  out += "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta name=\"referrer\" content=\"no-referrer\">\n"
         "<title>Privacy: " + Escape(name) + "</title>\n<style>";
  out += web::PagesCss();
  out += "</style>\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n"
         "<header class=\"page\">\n<p class=\"eyebrow\">Privacy notice</p>\n<h1>" +
         Escape(name) + "</h1>\n<p class=\"lead\">" +
         Escape(xapi::StringMember(in.root, "description")) + "</p>\n"
         "<nav class=\"toc\" aria-label=\"On this page\"><ul>"
         "<li><a href=\"#collected\">What is collected</a></li>"
         "<li><a href=\"#purposes\">Why</a></li>"
         "<li><a href=\"#retention\">How long</a></li>"
         "<li><a href=\"#k\">Dashboards</a></li>"
         "<li><a href=\"#identity\">Identity</a></li>"
         "<li><a href=\"#consent\">Your choice</a></li>"
         "<li><a href=\"#rights\">Your data</a></li>"
         "<li><a href=\"#roles\">Who may do what</a></li>"
         "</ul></nav>\n</header>\n<main id=\"main\" tabindex=\"-1\">\n";

  out += "<ul class=\"facts\" aria-label=\"At a glance\">\n"
         "<li><span class=\"label\">Every number stands for at least</span>"
         "<span class=\"value\" id=\"glance-k\">" + Plural(in.k, "person", "people") +
         "</span></li>\n"
         "<li><span class=\"label\">Learning records are kept for</span>"
         "<span class=\"value\" id=\"glance-retention\">" + Plural(in.statement_days, "day", "days") +
         "</span></li>\n"
         "<li><span class=\"label\">Consent</span><span class=\"value\" id=\"glance-consent\">" +
         std::string(in.consent_mode == "opt-in" ? "Opt-in" : "Opt-out") + "</span></li>\n"
         "<li><span class=\"label\">Your identity</span><span class=\"value\" "
         "id=\"glance-identity\">" + std::string(in.sealed ? "Sealed" : "Pseudonymous only") +
         "</span></li>\n</ul>\n";

  CollectedSection(out, in);
  PurposesSection(out, in);
  RetentionSection(out, in);
  GroupsSection(out, in);
  IdentitySection(out, in);
  ConsentSection(out, in);
  RightsSection(out);
  RolesSection(out, in);

  out += "</main>\n<footer class=\"page\">\n<p>This page is made from the data manifest that "
         "this service enforces. The same manifest as data: "
         "<a href=\"/privacy.json\">/privacy.json</a>.</p>\n</footer>\n</body>\n</html>\n";
  return out;
}

HttpResponse ManifestUnavailable() {
  return ErrorResponse(MakeError(500, "manifest", "", "the data manifest is not available"));
}

}  // namespace

HttpResponse PrivacyPage(std::string_view manifest_json) {
  auto doc = xapi::ParseJson(manifest_json);
  if (!doc.ok() || !(*doc)->IsObject()) return ManifestUnavailable();
  const JsonValue& root = **doc;
  const JsonValue* consent = xapi::Member(root, "consent");
  const JsonValue* retention = xapi::Member(root, "retention");
  PageInput in{root,
               consent ? std::string(xapi::StringMember(*consent, "mode")) : std::string(),
               consent ? Strings(xapi::Member(*consent, "purposes")) : std::vector<std::string>(),
               IntMember(root, "k", 0),
               xapi::StringMember(root, "identity") != "pseudonymous-only",
               retention ? IntMember(*retention, "statements_days", 0) : 0,
               retention ? IntMember(*retention, "facts_days", 0) : 0};
  HttpResponse response = Html(RenderPrivacyPage(in), ContentSecurityPolicy(""));
  response.headers["Cache-Control"] = "no-cache";
  return response;
}

HttpResponse PrivacyJson(std::string_view manifest_json) {
  auto doc = xapi::ParseJson(manifest_json);
  if (!doc.ok() || !(*doc)->IsObject()) return ManifestUnavailable();
  (*doc)->RemoveMember("key_file");
  HttpResponse response = HttpResponse::Json(200, xapi::ToJson(**doc));
  response.headers["Content-Type"] = "application/json; charset=utf-8";
  response.headers["Cache-Control"] = "no-cache";
  AddPageSecurityHeaders(response, "default-src 'none'; frame-ancestors 'none'");
  return response;
}

HttpResponse PrivacyPage(const Manifest& manifest) { return PrivacyPage(manifest.json); }

HttpResponse PrivacyJson(const Manifest& manifest) { return PrivacyJson(manifest.json); }

HttpResponse LearnerPage() {
  struct Page {
    std::string html;
    std::string policy;
  };
  static const Page page = [] {
    std::string html(web::LearnerPageHtml());
    html.replace(html.find(kCssSlot), kCssSlot.size(), web::PagesCss());
    html.replace(html.find(kScriptSlot), kScriptSlot.size(), web::LearnerPageScript());
    return Page{std::move(html), ContentSecurityPolicy(web::LearnerPageScript())};
  }();
  HttpResponse response = Html(page.html, page.policy);
  response.headers["Cache-Control"] = "no-store";
  return response;
}

}  // namespace lrs::plugin
