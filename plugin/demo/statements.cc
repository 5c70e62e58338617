#include "plugin/demo/statements.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cinttypes>
#include <cstdio>

#include "xapi/timestamp.h"

namespace lrs::plugin::demo {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr char kAdlVerbs[] = "http://adlnet.gov/expapi/verbs/";
constexpr char kActivityTypes[] = "http://adlnet.gov/expapi/activities/";
constexpr char kPlatform[] = "Northwind Learning (cmi5)";

uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

void Key(Writer& w, const char* key) { w.Key(key); }
void Str(Writer& w, const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
void Str(Writer& w, const char* key, const std::string& s) {
  Key(w, key);
  Str(w, s);
}

void LanguageMap(Writer& w, const char* key, const std::string& text) {
  Key(w, key);
  w.StartObject();
  Str(w, "en-US", text);
  w.EndObject();
}

const char* VerbName(Verb verb) {
  switch (verb) {
    case Verb::kLaunched: return "launched";
    case Verb::kInitialized: return "initialized";
    case Verb::kAnswered: return "answered";
    case Verb::kCompleted: return "completed";
    case Verb::kPassed: return "passed";
    case Verb::kFailed: return "failed";
    case Verb::kTerminated: return "terminated";
    case Verb::kSatisfied: return "satisfied";
  }
  return "experienced";
}

std::string VerbId(Verb verb) {
  // cmi5 (9.3.9) names satisfied under the ADL vocabulary's w3id.org home.
  if (verb == Verb::kSatisfied) return "https://w3id.org/xapi/adl/verbs/satisfied";
  return std::string(kAdlVerbs) + VerbName(verb);
}

const char* InteractionName(InteractionType type) {
  switch (type) {
    case InteractionType::kChoice: return "choice";
    case InteractionType::kTrueFalse: return "true-false";
    case InteractionType::kLikert: return "likert";
    case InteractionType::kNone: break;
  }
  return "other";
}

// "PT1234S": whole seconds are what a player reports.
std::string Duration(int32_t seconds) { return "PT" + std::to_string(seconds) + "S"; }

std::string Response(const Activity& question, int8_t pick) {
  if (question.interaction == InteractionType::kTrueFalse) return pick == 1 ? "true" : "false";
  return question.choices[static_cast<size_t>(pick)];
}

void Definition(Writer& w, const Activity& a) {
  Key(w, "definition");
  w.StartObject();
  LanguageMap(w, "name", a.name);
  switch (a.kind) {
    case ActivityKind::kCourse: Str(w, "type", std::string(kActivityTypes) + "course"); break;
    case ActivityKind::kLesson: Str(w, "type", std::string(kActivityTypes) + "lesson"); break;
    case ActivityKind::kQuiz: Str(w, "type", std::string(kActivityTypes) + "assessment"); break;
    case ActivityKind::kQuestion: {
      Str(w, "type", std::string(kActivityTypes) + "cmi.interaction");
      Str(w, "interactionType", InteractionName(a.interaction));
      if (a.correct >= 0) {
        Key(w, "correctResponsesPattern");
        w.StartArray();
        Str(w, Response(a, static_cast<int8_t>(a.correct)));
        w.EndArray();
      }
      if (!a.choices.empty()) {
        // Data 2.4.4.1: likert answers are a "scale", choice answers "choices".
        Key(w, a.interaction == InteractionType::kLikert ? "scale" : "choices");
        w.StartArray();
        for (size_t i = 0; i < a.choices.size(); ++i) {
          w.StartObject();
          Str(w, "id", a.choices[i]);
          LanguageMap(w, "description", a.choice_names[i]);
          w.EndObject();
        }
        w.EndArray();
      }
      break;
    }
  }
  w.EndObject();
}

void ActivityObject(Writer& w, const char* key, const Activity& a) {
  Key(w, key);
  w.StartObject();
  Str(w, "objectType", "Activity");
  Str(w, "id", a.id);
  Definition(w, a);
  w.EndObject();
}

void ActivityRef(Writer& w, const Activity& a) {
  w.StartObject();
  Str(w, "id", a.id);
  w.EndObject();
}

void Result(Writer& w, const Activity& a, const Event& e) {
  const bool has_score = e.scaled >= 0.0f;
  // cmi5 9.5.4.1: completed carries completion; passed and failed carry success only.
  const bool completion = e.verb == Verb::kCompleted || e.verb == Verb::kSatisfied;
  if (!has_score && e.success < 0 && e.duration_s < 0 && e.response < 0 && !completion) return;
  Key(w, "result");
  w.StartObject();
  if (has_score) {
    // Whole points out of 100, so raw, min and max agree with scaled exactly.
    const int raw = static_cast<int>(e.scaled * 100.0f + 0.5f);
    Key(w, "score");
    w.StartObject();
    Key(w, "scaled");
    w.Double(raw / 100.0);
    Key(w, "raw");
    w.Int(raw);
    Key(w, "min");
    w.Int(0);
    Key(w, "max");
    w.Int(100);
    w.EndObject();
  }
  if (e.success >= 0) {
    Key(w, "success");
    w.Bool(e.success == 1);
  }
  if (completion) {
    Key(w, "completion");
    w.Bool(true);
  }
  if (e.response >= 0) Str(w, "response", Response(a, e.response));
  if (e.duration_s >= 0) Str(w, "duration", Duration(e.duration_s));
  w.EndObject();
}

void Context(Writer& w, const Catalogue& catalogue, const Learner& learner, const Activity& a,
             const Event& e, uint64_t seed) {
  Key(w, "context");
  w.StartObject();
  Str(w, "registration",
      DeterministicUuid(seed ^ 0x5245474953545259ull,
                        (static_cast<uint64_t>(e.learner) << 32) | e.attempt));
  Str(w, "platform", kPlatform);
  Str(w, "language", "en-GB");
  const Course& course = catalogue.courses[static_cast<size_t>(a.course)];
  if (a.kind != ActivityKind::kCourse) {
    Key(w, "contextActivities");
    w.StartObject();
    Key(w, "parent");
    w.StartArray();
    ActivityRef(w, a.kind == ActivityKind::kQuestion
                       ? catalogue.activities[static_cast<size_t>(a.parent)]
                       : catalogue.activities[static_cast<size_t>(course.activity)]);
    w.EndArray();
    Key(w, "grouping");
    w.StartArray();
    ActivityRef(w, catalogue.activities[static_cast<size_t>(course.activity)]);
    w.EndArray();
    w.EndObject();
  }
  Key(w, "extensions");
  w.StartObject();
  if (!learner.department.empty()) Str(w, kDepartmentExtension, learner.department);
  if (!learner.role.empty()) Str(w, kRoleExtension, learner.role);
  if (!learner.site.empty()) Str(w, kSiteExtension, learner.site);
  w.EndObject();
  w.EndObject();
}

}  // namespace

std::string DeterministicUuid(uint64_t a, uint64_t b) {
  const uint64_t hi = Mix(a ^ Mix(b));
  const uint64_t lo = Mix(hi ^ b ^ 0xA0761D6478BD642Full);
  char out[37];
  std::snprintf(out, sizeof(out), "%08" PRIx32 "-%04" PRIx32 "-4%03" PRIx32 "-%04" PRIx32 "-%012llx",
                static_cast<uint32_t>(hi >> 32), static_cast<uint32_t>((hi >> 16) & 0xFFFF),
                static_cast<uint32_t>(hi & 0xFFF),
                static_cast<uint32_t>(0x8000 | ((lo >> 48) & 0x3FFF)),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFull));
  return out;
}

std::string ConsentWithdrawalJson(const Learner& learner) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Key(w, "agent");
  w.StartObject();
  Str(w, "objectType", "Agent");
  Str(w, "mbox", learner.mbox);
  w.EndObject();
  Str(w, "state", "withdrawn");
  Key(w, "purposes");
  w.StartArray();
  Str(w, "analytics");
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string StatementBatchJson(const Traffic& traffic, size_t first, size_t count, uint64_t seed) {
  const Catalogue& catalogue = DemoCatalogue();
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartArray();
  for (size_t i = first; i < first + count && i < traffic.events.size(); ++i) {
    const Event& e = traffic.events[i];
    const Learner& learner = traffic.learners[static_cast<size_t>(e.learner)];
    const Activity& a = catalogue.activities[static_cast<size_t>(e.activity)];
    w.StartObject();
    Str(w, "id", DeterministicUuid(seed, i));
    Key(w, "actor");
    w.StartObject();
    Str(w, "objectType", "Agent");
    Str(w, "name", learner.name);
    Str(w, "mbox", learner.mbox);
    w.EndObject();
    Key(w, "verb");
    w.StartObject();
    Str(w, "id", VerbId(e.verb));
    LanguageMap(w, "display", VerbName(e.verb));
    w.EndObject();
    ActivityObject(w, "object", a);
    Result(w, a, e);
    Context(w, catalogue, learner, a, e, seed);
    Str(w, "timestamp", xapi::FormatTimestamp(e.at_us));
    w.EndObject();
  }
  w.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace lrs::plugin::demo
