#include "plugin/resources/analytics_facts_ingest.h"

#include <string_view>

#include "analytics/fact.h"
#include "anonymizer/reference_keys.h"
#include "storage/analytics_facts.h"
#include "xapi/duration.h"

namespace lrs::plugin {
namespace {

using analytics::FactKind;
using xapi::JsonValue;

// Storage applies its rules by these values alone (storage/analytics_facts.h).
static_assert(storage::kAnalyticsScoreKind == static_cast<int>(FactKind::kScore));
static_assert(storage::kAnalyticsTimeSpentKind == static_cast<int>(FactKind::kTimeSpent));

constexpr char kInteractionType[] = "http://adlnet.gov/expapi/activities/cmi.interaction";

// ADL's verbs, as xAPI's vocabulary and cmi5 (9.3) name them; the ADL
// vocabulary also publishes its verbs under w3id.org, so both are accepted.
bool IsAdlVerb(std::string_view verb, std::string_view name) {
  for (std::string_view prefix :
       {std::string_view("http://adlnet.gov/expapi/verbs/"),
        std::string_view("https://w3id.org/xapi/adl/verbs/")}) {
    if (verb.size() == prefix.size() + name.size() && verb.substr(0, prefix.size()) == prefix &&
        verb.substr(prefix.size()) == name) {
      return true;
    }
  }
  return false;
}

bool IsAttempt(std::string_view verb) {
  return IsAdlVerb(verb, "attempted") || IsAdlVerb(verb, "launched") ||
         IsAdlVerb(verb, "initialized");
}

bool IsIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '.' || c == ':' || c == '-';
}

// ^[A-Za-z0-9_.:-]{1,64}(\[,\][A-Za-z0-9_.:-]{1,64})*$, at most
// kMaxResponseIds ids: how choice, likert and true-false responses are
// written (xAPI Data 2.4.4.1, "Response Patterns"), and what free text
// (spaces, punctuation) rarely is.
bool LooksLikeIds(std::string_view response) {
  size_t ids = 0;
  size_t i = 0;
  for (;;) {
    const size_t start = i;
    while (i < response.size() && IsIdChar(response[i])) ++i;
    const size_t length = i - start;
    if (length == 0 || length > 64 || ++ids > kMaxResponseIds) return false;
    if (i == response.size()) return true;
    if (response.substr(i, 3) != "[,]") return false;
    i += 3;
  }
}

// The response as an analyst may see it, or "" (see the header).
std::string ResponseDetail(const JsonValue* definition, std::string_view response) {
  const std::string_view type =
      definition ? xapi::StringMember(*definition, "interactionType") : std::string_view();
  if (type == "true-false") {
    return response == "true" || response == "false" ? std::string(response) : std::string();
  }
  if (type == "choice" || type == "likert" || type.empty()) {
    return LooksLikeIds(response) ? std::string(response) : std::string();
  }
  return std::string();
}

bool IsInteraction(const JsonValue* definition) {
  return definition != nullptr &&
         (xapi::StringMember(*definition, "type") == kInteractionType ||
          xapi::Member(*definition, "interactionType") != nullptr);
}

std::optional<bool> BoolMember(const JsonValue* object, const char* name) {
  const JsonValue* value = object ? xapi::Member(*object, name) : nullptr;
  if (value == nullptr || !value->IsBool()) return std::nullopt;
  return value->GetBool();
}

}  // namespace

std::string CohortValue(const JsonValue& statement, const CohortSource& source) {
  const JsonValue* context = xapi::Member(statement, "context");
  const JsonValue* value = nullptr;
  if (context != nullptr && source.platform) {
    value = xapi::Member(*context, "platform");
  } else if (context != nullptr) {
    const JsonValue* extensions = xapi::Member(*context, "extensions");
    if (extensions != nullptr) value = xapi::Member(*extensions, source.extension_iri.c_str());
  }
  if (value == nullptr || value->IsNull()) return analytics::kNoCohortValue;
  std::string text = value->IsString()
                         ? std::string(value->GetString(), value->GetStringLength())
                         : xapi::ToJson(*value);
  if (text.empty()) return analytics::kNoCohortValue;
  if (text.size() > kMaxCohortValueBytes) return kOtherCohortValue;
  return text;
}

std::vector<storage::AnalyticsFactUpdate> AnalyticsFactsOf(
    const JsonValue& statement, const std::optional<int64_t>& timestamp_us,
    const std::vector<CohortSource>& cohort) {
  std::vector<storage::AnalyticsFactUpdate> facts;
  const JsonValue* actor = xapi::Member(statement, "actor");
  const JsonValue* object = xapi::Member(statement, "object");
  if (actor == nullptr || object == nullptr) return facts;
  const std::string_view pseudonym = anonymizer::ReferencePseudonym(*actor);
  const std::string_view object_type = xapi::StringMember(*object, "objectType");
  const std::string_view activity = xapi::StringMember(*object, "id");
  if (xapi::StringMember(*actor, "objectType") != "Agent" || pseudonym.empty() ||
      !(object_type.empty() || object_type == "Activity") || activity.empty()) {
    return facts;
  }

  storage::AnalyticsFactUpdate base;
  base.pseudonym = std::string(pseudonym);
  base.activity_id = std::string(activity);
  base.at_us = timestamp_us;
  base.cohort.reserve(cohort.size());
  for (const CohortSource& source : cohort) base.cohort.push_back(CohortValue(statement, source));
  auto add = [&](FactKind kind, std::optional<double> value = std::nullopt,
                 std::string detail = std::string()) {
    storage::AnalyticsFactUpdate fact = base;
    fact.kind = static_cast<int>(kind);
    fact.value = value;
    fact.detail = std::move(detail);
    facts.push_back(std::move(fact));
  };

  const std::string_view verb =
      statement.HasMember("verb") ? xapi::StringMember(statement["verb"], "id") : "";
  const JsonValue* result = xapi::Member(statement, "result");
  const std::optional<bool> completion = BoolMember(result, "completion");
  const std::optional<bool> success = BoolMember(result, "success");
  std::optional<double> seconds;
  if (result != nullptr) seconds = xapi::DurationSeconds(xapi::StringMember(*result, "duration"));

  add(FactKind::kActive);
  if (IsAttempt(verb)) add(FactKind::kAttempted);
  if (IsAdlVerb(verb, "completed") || IsAdlVerb(verb, "satisfied") || completion == true) {
    add(FactKind::kCompleted, seconds);
  }
  const bool verb_passed = IsAdlVerb(verb, "passed");
  const bool verb_failed = IsAdlVerb(verb, "failed");
  if (verb_passed || (!verb_failed && success == true)) add(FactKind::kPassed);
  if (verb_failed || (!verb_passed && success == false)) add(FactKind::kFailed);
  if (result != nullptr) {
    const JsonValue* score = xapi::Member(*result, "score");
    const JsonValue* scaled = score ? xapi::Member(*score, "scaled") : nullptr;
    if (scaled != nullptr && scaled->IsNumber()) add(FactKind::kScore, scaled->GetDouble());
  }
  if (seconds) add(FactKind::kTimeSpent, seconds);

  const JsonValue* definition = xapi::Member(*object, "definition");
  const JsonValue* response = result ? xapi::Member(*result, "response") : nullptr;
  // A statement without a definition may still be about an interaction (its
  // canonical definition says): its answer is kept, and the epoch counts
  // responses only of activities whose canonical definition is one.
  const bool interaction =
      IsInteraction(definition) || (definition == nullptr && response != nullptr);
  const bool answered = (response != nullptr && response->IsString()) || success.has_value();
  if (interaction && answered) {
    std::optional<double> correct;
    if (success) correct = *success ? 1.0 : 0.0;
    std::string detail;
    if (response != nullptr && response->IsString()) {
      detail = ResponseDetail(definition, std::string_view(response->GetString(),
                                                           response->GetStringLength()));
    }
    add(FactKind::kResponse, correct, std::move(detail));
  }
  return facts;
}

}  // namespace lrs::plugin
