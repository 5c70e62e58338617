#pragma once
// The demo store's synthetic corporate training (lrs demo): who the learners
// are, what the catalogue holds, and what each learner did when, as plain
// events. Pure and deterministic: the same options give the same events, byte
// for byte, on every machine (its own generator, never std:: distributions,
// whose output the standard leaves to the library).
//
// The shape, and why (a store a newcomer can look at must show every table):
//   1. An organisation whose departments and sites differ in size by two
//      orders of magnitude, a few of them below k = 5, so the dashboard shows
//      hidden cells beside published ones.
//   2. Courses of lessons and a final quiz (cmi5 AUs), taken in order, some
//      needing another course first, with drop-off at every step, so funnels
//      narrow and prerequisites show in the order of completions.
//   3. Quizzes with choice, true-false and likert questions; failed quizzes are
//      retaken (a new registration), so failed and passed can both be true.
//   4. Planted homogeneous groups, the attacks the suppression must stop:
//      every Procurement completer of the information security quiz fails
//      it, and the whole small Facilities team scores in one low band on the
//      data protection quiz (kPlanted* below).
// Thread safety: plain values; GenerateTraffic may run on any thread.

#include <cstdint>
#include <string>
#include <vector>

namespace lrs::plugin::demo {

// The extensions a statement's context names its learner's cohort with; the
// manifest's cohort_dimensions read them (manifests/default.json).
inline constexpr char kDepartmentExtension[] = "https://lrs.example/extensions/department";
inline constexpr char kRoleExtension[] = "https://lrs.example/extensions/role";
inline constexpr char kSiteExtension[] = "https://lrs.example/extensions/site";

// The planted groups (see 4. above).
inline constexpr char kPlantedFailDepartment[] = "Procurement";
inline constexpr char kPlantedFailQuiz[] = "https://lrs.example/courses/infosec/quiz";
inline constexpr char kPlantedBandDepartment[] = "Facilities";
inline constexpr char kPlantedBandQuiz[] = "https://lrs.example/courses/data-protection/quiz";
inline constexpr double kPlantedBandLow = 0.3;  // every score in [0.3, 0.4)
inline constexpr double kPassMark = 0.7;         // scaled score a quiz needs

enum class ActivityKind : uint8_t { kCourse, kLesson, kQuiz, kQuestion };
enum class InteractionType : uint8_t { kNone, kChoice, kTrueFalse, kLikert };

struct Activity {
  std::string id;  // IRI under https://lrs.example/courses/
  std::string name;
  ActivityKind kind = ActivityKind::kLesson;
  int course = 0;   // index into Catalogue::courses
  int parent = -1;  // a question's quiz (index into Catalogue::activities)
  InteractionType interaction = InteractionType::kNone;
  std::vector<std::string> choices;  // choice ids (choice, likert); empty for true-false
  std::vector<std::string> choice_names;
  int correct = -1;  // the correct choice (true-false: 1 true, 0 false); -1 none (likert)
  int typical_seconds = 0;  // how long a learner usually spends
};

struct Course {
  std::string id;
  std::string name;
  int activity = 0;          // its own Activity (kind kCourse)
  std::vector<int> modules;  // lessons in order, then the quiz (last)
  std::vector<int> prerequisites;  // courses that must be satisfied first
  bool compliance = false;         // required training: most learners start it
  double uptake = 0.0;             // share of eligible learners who enrol
};

struct Catalogue {
  std::vector<Activity> activities;
  std::vector<Course> courses;
  int quiz(int course) const { return courses[course].modules.back(); }
  // The questions of a quiz, in order.
  std::vector<int> Questions(int quiz) const;
};

// The fixed catalogue: 8 courses, 2 of them compliance.
const Catalogue& DemoCatalogue();

struct Learner {
  std::string name;  // "Ada Lindqvist"
  std::string mbox;  // "mailto:ada.lindqvist.17@corp.example"
  std::string department, role, site;  // "" when the LMS does not say
  // Withdrew consent for analytics before their first statement (about 1 in
  // 100): stored and readable by the LMS, counted in no table.
  bool withdrew_analytics = false;
};

enum class Verb : uint8_t {
  kLaunched,
  kInitialized,
  kAnswered,
  kCompleted,
  kPassed,
  kFailed,
  kTerminated,
  kSatisfied,  // cmi5: the course's move-on criteria met (object: the course)
};

// One statement to be: about one learner and one activity.
struct Event {
  int64_t at_us = 0;
  int32_t learner = 0;
  int16_t activity = 0;
  Verb verb = Verb::kLaunched;
  int8_t success = -1;    // result.success: -1 absent, 0 false, 1 true
  int8_t response = -1;   // an answer's choice index (true-false: 1 true)
  float scaled = -1.0f;   // result.score.scaled; < 0: no score (every real score is >= 0)
  int32_t duration_s = -1;  // result.duration; < 0: none
  uint32_t attempt = 0;   // the learner's registration counter, for context.registration
};

struct TrafficOptions {
  int learners = 2000;
  int days = 90;
  uint64_t seed = 1;
  // The end of the window, a UTC midnight (lrs demo: the one after now), so
  // that a seed's traffic is the same on every day, moved by whole days
  // (working hours stay working hours).
  int64_t end_us = 0;
  // Events after it have not happened yet and are left out (lrs demo: now);
  // 0 keeps every event up to end_us. Events are in time order, so a later
  // now_us on the same day only adds events after the same ones.
  int64_t now_us = 0;
};

struct Traffic {
  std::vector<Learner> learners;
  std::vector<Event> events;  // ordered by at_us, ties by learner then generation order
};

// The organisation and every learner's events. learners >= 1, days >= 1.
Traffic GenerateTraffic(const TrafficOptions& options);

// The organisation alone (GenerateTraffic's learners), for tests.
std::vector<Learner> GenerateLearners(int learners, uint64_t seed);

// A small deterministic generator (splitmix64): the one source of chance.
class DemoRandom {
 public:
  explicit DemoRandom(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  double Uniform();                  // [0, 1)
  int Below(int n);                  // [0, n)
  bool Chance(double p) { return Uniform() < p; }
  double Normal(double mean, double sd);  // Box-Muller on Uniform()

 private:
  uint64_t state_;
};

}  // namespace lrs::plugin::demo
