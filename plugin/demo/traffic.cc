#include "plugin/demo/traffic.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

namespace lrs::plugin::demo {
namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kHour = 3600 * kSecond;
constexpr int64_t kDay = 24 * kHour;
constexpr char kBase[] = "https://lrs.example/courses/";

// ---- the catalogue ---------------------------------------------------------

struct QuestionSpec {
  const char* slug;
  const char* name;
  InteractionType type;
  std::vector<std::pair<const char*, const char*>> choices;  // id, name
  int correct;
};

struct CourseSpec {
  const char* slug;
  const char* name;
  std::vector<std::pair<const char*, const char*>> lessons;  // slug, name
  std::vector<QuestionSpec> questions;
  std::vector<int> prerequisites;
  bool compliance;
  double uptake;
  int lesson_minutes;
};

const std::vector<std::pair<const char*, const char*>>& Likert() {
  static const std::vector<std::pair<const char*, const char*>> scale = {
      {"likert_1", "Not at all confident"}, {"likert_2", "Slightly confident"},
      {"likert_3", "Somewhat confident"},   {"likert_4", "Confident"},
      {"likert_5", "Very confident"}};
  return scale;
}

std::vector<CourseSpec> CourseSpecs() {
  const auto tf = InteractionType::kTrueFalse;
  const auto choice = InteractionType::kChoice;
  const auto likert = InteractionType::kLikert;
  return {
      {"onboarding", "Welcome to Northwind",
       {{"our-story", "Our story and values"}, {"how-we-work", "How we work"}},
       {{"q1", "Which value comes first when a customer is waiting?", choice,
         {{"a", "Speed"}, {"b", "Honesty"}, {"c", "Price"}}, 1},
        {"q2", "Expenses are approved by your line manager.", tf, {}, 1},
        {"q3", "How ready do you feel for your first week?", likert, Likert(), -1}},
       {}, false, 0.92, 15},
      {"infosec", "Information Security Essentials",
       {{"phishing", "Spotting phishing"}, {"passwords", "Passwords and passkeys"},
        {"incidents", "Reporting an incident"}},
       {{"q1", "Which sign most often gives a phishing e-mail away?", choice,
         {{"a", "A known sender"}, {"b", "An urgent request for credentials"},
          {"c", "A long signature"}, {"d", "An attachment named invoice.pdf"}}, 1},
        {"q2", "Reusing a strong password on two sites is safe.", tf, {}, 0},
        {"q3", "Whom do you tell first about a lost laptop?", choice,
         {{"a", "Your team"}, {"b", "The security desk"}, {"c", "Nobody"}}, 1},
        {"q4", "How confident are you to spot a phishing e-mail?", likert, Likert(), -1}},
       {}, true, 0.96, 20},
      {"data-protection", "Data Protection and GDPR",
       {{"personal-data", "What personal data is"}, {"lawful-basis", "Lawful basis"},
        {"rights", "Data subject rights"}},
       {{"q1", "Which of these is personal data?", choice,
         {{"a", "A meeting room's name"}, {"b", "An employee number"}, {"c", "A price list"}}, 1},
        {"q2", "A subject access request must be answered within one month.", tf, {}, 1},
        {"q3", "Which is a lawful basis for processing?", choice,
         {{"a", "Curiosity"}, {"b", "Legitimate interest"}, {"c", "Convenience"}}, 1},
        {"q4", "How confident are you handling a data request?", likert, Likert(), -1}},
       {1}, true, 0.9, 20},
      {"customer-service", "Customer Service Excellence",
       {{"listening", "Active listening"}, {"difficult", "Difficult conversations"},
        {"follow-up", "Following up"}},
       {{"q1", "An angry customer interrupts you. What first?", choice,
         {{"a", "Interrupt back"}, {"b", "Let them finish"}, {"c", "Transfer the call"}}, 1},
        {"q2", "A follow-up within 24 hours raises satisfaction.", tf, {}, 1},
        {"q3", "How confident are you in a difficult call?", likert, Likert(), -1}},
       {0}, false, 0.3, 25},
      {"pm-fundamentals", "Project Management Fundamentals",
       {{"scope", "Scope and goals"}, {"planning", "Planning"}, {"risks", "Risks"}},
       {{"q1", "What does a work breakdown structure break down?", choice,
         {{"a", "Budgets"}, {"b", "Deliverables"}, {"c", "Teams"}}, 1},
        {"q2", "A risk register is written once, at the start.", tf, {}, 0},
        {"q3", "Which comes first?", choice,
         {{"a", "Scheduling"}, {"b", "Agreeing the scope"}, {"c", "Hiring"}}, 1}},
       {0}, false, 0.3, 30},
      {"pm-advanced", "Advanced Project Management",
       {{"portfolios", "Portfolios"}, {"earned-value", "Earned value"}},
       {{"q1", "CPI below 1 means the project is...", choice,
         {{"a", "Under budget"}, {"b", "Over budget"}, {"c", "Late"}}, 1},
        {"q2", "Earned value needs a baseline.", tf, {}, 1},
        {"q3", "How confident are you reporting earned value?", likert, Likert(), -1}},
       {4}, false, 0.45, 35},
      {"leadership", "Leadership Essentials",
       {{"feedback", "Giving feedback"}, {"delegation", "Delegation"},
        {"one-to-ones", "One-to-ones"}},
       {{"q1", "Good feedback is...", choice,
         {{"a", "Specific and timely"}, {"b", "Saved for the annual review"}, {"c", "Anonymous"}},
         0},
        {"q2", "Delegating means giving away accountability.", tf, {}, 0},
        {"q3", "How confident are you running a one-to-one?", likert, Likert(), -1}},
       {0}, false, 0.05, 30},
      {"data-literacy", "Data Literacy with Spreadsheets",
       {{"tables", "Tables and ranges"}, {"formulas", "Formulas"}, {"charts", "Charts"}},
       {{"q1", "Which function adds a range?", choice,
         {{"a", "SUM"}, {"b", "COUNT"}, {"c", "MAX"}}, 0},
        {"q2", "A pie chart suits a time series.", tf, {}, 0},
        {"q3", "The median is robust to outliers.", tf, {}, 1}},
       {}, false, 0.22, 25},
  };
}

Catalogue BuildCatalogue() {
  Catalogue catalogue;
  const std::vector<CourseSpec> specs = CourseSpecs();
  for (size_t c = 0; c < specs.size(); ++c) {
    const CourseSpec& spec = specs[c];
    const std::string course_id = std::string(kBase) + spec.slug;
    Course course;
    course.id = course_id;
    course.name = spec.name;
    course.prerequisites = spec.prerequisites;
    course.compliance = spec.compliance;
    course.uptake = spec.uptake;
    auto add = [&](Activity activity) {
      activity.course = static_cast<int>(c);
      catalogue.activities.push_back(std::move(activity));
      return static_cast<int>(catalogue.activities.size() - 1);
    };
    Activity self;
    self.id = course_id;
    self.name = spec.name;
    self.kind = ActivityKind::kCourse;
    course.activity = add(std::move(self));
    for (const auto& [slug, name] : spec.lessons) {
      Activity lesson;
      lesson.id = course_id + "/" + slug;
      lesson.name = name;
      lesson.kind = ActivityKind::kLesson;
      lesson.typical_seconds = spec.lesson_minutes * 60;
      course.modules.push_back(add(std::move(lesson)));
    }
    Activity quiz;
    quiz.id = course_id + "/quiz";
    quiz.name = std::string(spec.name) + ": final quiz";
    quiz.kind = ActivityKind::kQuiz;
    quiz.typical_seconds = 60 * static_cast<int>(3 * spec.questions.size());
    const int quiz_index = add(std::move(quiz));
    course.modules.push_back(quiz_index);
    for (const QuestionSpec& q : spec.questions) {
      Activity question;
      question.id = course_id + "/quiz/" + q.slug;
      question.name = q.name;
      question.kind = ActivityKind::kQuestion;
      question.parent = quiz_index;
      question.interaction = q.type;
      for (const auto& [id, name] : q.choices) {
        question.choices.push_back(id);
        question.choice_names.push_back(name);
      }
      question.correct = q.correct;
      question.typical_seconds = 40;
      add(std::move(question));
    }
    catalogue.courses.push_back(std::move(course));
  }
  return catalogue;
}

// ---- the organisation ------------------------------------------------------

struct Share {
  const char* value;
  double weight;  // of the learners left after the fixed groups
  int fixed;      // exactly this many learners (0: by weight)
};

// Sizes two orders of magnitude apart; Facilities, Legal, Executive Office
// and Reykjavik are fixed small groups (Legal, Executive Office and Reykjavik
// below k = 5), Facilities the planted low-band team.
const std::vector<Share> kDepartments = {
    {"Sales", 0.28, 0},           {"Operations", 0.22, 0},     {"Engineering", 0.17, 0},
    {"Customer Support", 0.12, 0}, {"Finance", 0.06, 0},       {"Procurement", 0.05, 0},
    {"Human Resources", 0.05, 0}, {"Marketing", 0.05, 0},      {"Facilities", 0, 6},
    {"Legal", 0, 4},              {"Executive Office", 0, 3}};
const std::vector<Share> kRoles = {{"Individual Contributor", 0.72, 0},
                                   {"Team Lead", 0.14, 0},
                                   {"Manager", 0.09, 0},
                                   {"Director", 0.03, 0},
                                   {"Apprentice", 0.02, 0}};
const std::vector<Share> kSites = {{"London", 0.34, 0},   {"Manchester", 0.2, 0},
                                   {"Berlin", 0.16, 0},   {"Lyon", 0.1, 0},
                                   {"Warsaw", 0.08, 0},   {"Singapore", 0.06, 0},
                                   {"Remote", 0.06, 0},   {"Reykjavik", 0, 3}};

const char* const kFirstNames[] = {
    "Ada",   "Ben",    "Chloe", "Dev",   "Elena", "Farid", "Grace", "Hugo",  "Ines",  "Jonas",
    "Keiko", "Liam",   "Maya",  "Noah",  "Olga",  "Pavel", "Quinn", "Rosa",  "Sami",  "Tara",
    "Umar",  "Vera",   "Wei",   "Ximena", "Yusuf", "Zoe",  "Amara", "Bruno", "Clara", "Dmitri"};
const char* const kLastNames[] = {
    "Lindqvist", "Okafor", "Moreau",  "Patel",  "Novak",   "Haddad", "Kowalski", "Tanaka",
    "Schmidt",   "Rossi",  "Fischer", "Garcia", "Nielsen", "Dubois", "Kaur",     "Murphy",
    "Jensen",    "Silva",  "Costa",   "Weber",  "Ahmed",   "Berg",   "Romero",   "Brennan"};

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Exactly `count` values: the fixed groups first (as many as fit), the rest by
// weight with largest remainders, then shuffled.
std::vector<std::string> Allocate(const std::vector<Share>& shares, int count, DemoRandom& random) {
  std::vector<std::string> out;
  for (const Share& s : shares) {
    for (int i = 0; i < s.fixed && static_cast<int>(out.size()) < count; ++i) out.push_back(s.value);
  }
  const int rest = count - static_cast<int>(out.size());
  double total = 0;
  for (const Share& s : shares) total += s.weight;
  std::vector<std::pair<double, size_t>> remainders;
  int given = 0;
  for (size_t i = 0; i < shares.size(); ++i) {
    if (shares[i].weight <= 0) continue;
    const double exact = rest * shares[i].weight / total;
    const int whole = static_cast<int>(std::floor(exact));
    for (int j = 0; j < whole; ++j) out.push_back(shares[i].value);
    given += whole;
    remainders.push_back({exact - whole, i});
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = 0; given < rest; ++i, ++given) {
    out.push_back(shares[remainders[i % remainders.size()].second].value);
  }
  for (size_t i = out.size(); i > 1; --i) {  // Fisher-Yates, on our own generator
    std::swap(out[i - 1], out[random.Below(static_cast<int>(i))]);
  }
  return out;
}

// ---- one learner's history -------------------------------------------------

class LearnerHistory {
 public:
  LearnerHistory(const Catalogue& catalogue, const Learner& learner, int32_t index,
                 const TrafficOptions& options, std::vector<Event>& out)
      : catalogue_(catalogue),
        learner_(learner),
        index_(index),
        end_us_(options.end_us),
        random_(options.seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(index) + 1),
        out_(out) {
    skill_ = random_.Normal(0.0, 1.0);
    persistence_ = 0.75 + 0.25 * random_.Uniform();
    // The planted low-band team must reach its quiz as a group of at least
    // k, or the cell it plants would be hidden as small anyway: it starts
    // early, never drops out and gets through the security quiz first.
    diligent_ = learner.department == kPlantedBandDepartment;
    if (diligent_) skill_ = std::max(skill_, 1.0);
    const int64_t span = static_cast<int64_t>(options.days) * kDay;
    // Most learners are already here when the window opens; some join later.
    double start = random_.Chance(0.75) ? 0.35 * random_.Uniform() : random_.Uniform() * 0.9;
    if (diligent_) start = 0.1 * start;
    now_ = end_us_ - span + static_cast<int64_t>(start * static_cast<double>(span));
    now_ = WorkingHour(now_);
  }

  void Run() {
    const size_t courses = catalogue_.courses.size();
    std::vector<bool> satisfied(courses, false);
    // Onboarding first, compliance next, electives in catalogue order: each
    // course only after its prerequisites are satisfied.
    std::vector<int> order = {0};
    for (int pass = 0; pass < 2; ++pass) {
      for (size_t c = 1; c < courses; ++c) {
        if (catalogue_.courses[c].compliance == (pass == 0)) order.push_back(static_cast<int>(c));
      }
    }
    for (int c : order) {
      if (stopped_) return;
      const Course& course = catalogue_.courses[c];
      bool ready = true;
      for (int p : course.prerequisites) ready = ready && satisfied[p];
      if (!ready || !random_.Chance(Uptake(c))) continue;
      Advance(static_cast<int64_t>(random_.Uniform() * 5 * kDay));
      satisfied[c] = TakeCourse(c);
    }
  }

 private:
  double Uptake(int c) const {
    const Course& course = catalogue_.courses[c];
    const std::string& slug = course.id.substr(std::string(kBase).size());
    const bool leads = learner_.role == "Team Lead" || learner_.role == "Manager" ||
                       learner_.role == "Director";
    if (slug == "leadership" && leads) return 0.7;
    if (slug == "customer-service" &&
        (learner_.department == "Sales" || learner_.department == "Customer Support")) {
      return 0.75;
    }
    if (slug == "data-literacy" && learner_.department == "Finance") return 0.7;
    if (diligent_ && course.compliance) return 1.0;
    return course.uptake;
  }

  // Moves the clock on and into working hours; past the end the learner
  // is still in the middle of it, so nothing more is said.
  void Advance(int64_t by) {
    now_ = WorkingHour(now_ + by);
    if (now_ > end_us_) stopped_ = true;
  }
  static int64_t WorkingHour(int64_t t) {
    const int64_t day = t - (t % kDay + kDay) % kDay;
    const int64_t hour = (t - day) / kHour;
    if (hour >= 8 && hour < 18) return t;
    return day + (hour >= 18 ? kDay : 0) + 8 * kHour + (t % kHour + kHour) % kHour;
  }

  void Emit(int activity, Verb verb, int64_t at, Event extra = Event()) {
    if (at > end_us_) {
      stopped_ = true;
      return;
    }
    extra.at_us = at;
    extra.learner = index_;
    extra.activity = static_cast<int16_t>(activity);
    extra.verb = verb;
    extra.attempt = attempt_;
    out_.push_back(extra);
  }

  int Seconds(int typical) {
    const double factor = std::exp(random_.Normal(0.0, 0.35));
    return std::max(30, static_cast<int>(typical * factor));
  }

  // Returns whether the course was satisfied.
  bool TakeCourse(int c) {
    const Course& course = catalogue_.courses[c];
    ++attempt_;
    for (size_t m = 0; m < course.modules.size(); ++m) {
      // Drop-off before each module, smaller for compliance and the persistent.
      const double stay = (course.compliance ? 0.96 : 0.9) * persistence_ + (1 - persistence_) * 0.8;
      if (m > 0 && !diligent_ && !random_.Chance(stay)) return false;
      Advance(static_cast<int64_t>(random_.Uniform() * 2 * kDay));
      if (stopped_) return false;
      const int module = course.modules[m];
      const bool quiz = m + 1 == course.modules.size();
      if (!quiz) {
        if (!TakeLesson(module)) return false;
        continue;
      }
      for (int tries = 0; tries < 3 && !stopped_; ++tries) {
        if (tries > 0) {
          if (!diligent_ && !random_.Chance(0.65)) return false;  // gives up after a fail
          ++attempt_;
          Advance(kDay + static_cast<int64_t>(random_.Uniform() * 4 * kDay));
          if (stopped_) return false;
        }
        const int outcome = TakeQuiz(c, module);
        if (outcome < 0) return false;
        if (outcome == 1) {
          Emit(course.activity, Verb::kSatisfied, now_ + kSecond);
          return !stopped_;
        }
      }
      return false;
    }
    return false;
  }

  bool TakeLesson(int lesson) {
    const Activity& a = catalogue_.activities[lesson];
    int64_t t = now_;
    Emit(lesson, Verb::kLaunched, t);
    Emit(lesson, Verb::kInitialized, t + 2 * kSecond);
    const int seconds = Seconds(a.typical_seconds);
    if (!diligent_ && random_.Chance(0.06)) {  // left part-way: terminated without completing
      Event partial;
      partial.duration_s = seconds / 3;
      Emit(lesson, Verb::kTerminated, t + (2 + seconds / 3) * kSecond, partial);
      now_ = t + (3 + seconds / 3) * kSecond;
      return false;
    }
    Event done;
    done.duration_s = seconds;
    Emit(lesson, Verb::kCompleted, t + (2 + seconds) * kSecond, done);
    Event end;
    end.duration_s = seconds + 3;
    Emit(lesson, Verb::kTerminated, t + (5 + seconds) * kSecond, end);
    now_ = t + (6 + seconds) * kSecond;
    return !stopped_;
  }

  double QuizScore(int course, int quiz) {
    const Activity& a = catalogue_.activities[quiz];
    if (a.id == kPlantedBandQuiz && learner_.department == kPlantedBandDepartment) {
      return kPlantedBandLow + 0.09 * random_.Uniform();
    }
    const double difficulty = 0.02 * course;
    double score = 0.8 + 0.13 * skill_ - difficulty + random_.Normal(0.0, 0.1);
    if (a.id == kPlantedFailQuiz && learner_.department == kPlantedFailDepartment) {
      score = std::min(score, kPassMark - 0.05 - 0.3 * random_.Uniform());
    }
    score = std::clamp(score, 0.0, 1.0);
    return std::round(score * 100) / 100;
  }

  // 1 passed, 0 failed, -1 left before the end.
  int TakeQuiz(int course, int quiz) {
    int64_t t = now_;
    Emit(quiz, Verb::kLaunched, t);
    Emit(quiz, Verb::kInitialized, t + 2 * kSecond);
    t += 2 * kSecond;
    const double score = QuizScore(course, quiz);
    int total = 0;
    for (int q : catalogue_.Questions(quiz)) {
      const Activity& question = catalogue_.activities[q];
      const int seconds = Seconds(question.typical_seconds);
      t += seconds * kSecond;
      Event answer;
      answer.duration_s = seconds;
      total += seconds;
      if (question.interaction == InteractionType::kLikert) {
        // Confidence follows skill, with a spread.
        const double level = 2.6 + 0.8 * skill_ + random_.Normal(0.0, 0.8);
        answer.response = static_cast<int8_t>(std::clamp(static_cast<int>(std::lround(level)), 1, 5) - 1);
      } else {
        const bool right = random_.Chance(std::clamp(score + 0.05, 0.05, 0.97));
        const int options = question.interaction == InteractionType::kTrueFalse
                                ? 2 : static_cast<int>(question.choices.size());
        int pick = question.correct;
        if (!right) pick = (question.correct + 1 + random_.Below(options - 1)) % options;
        answer.response = static_cast<int8_t>(pick);
        answer.success = right ? 1 : 0;
      }
      Emit(q, Verb::kAnswered, t, answer);
    }
    if (!diligent_ && random_.Chance(0.04)) {  // closed the window before submitting
      Event end;
      end.duration_s = total;
      Emit(quiz, Verb::kTerminated, t + 10 * kSecond, end);
      now_ = t + 11 * kSecond;
      return -1;
    }
    const bool passed = score >= kPassMark;
    Event done;
    done.duration_s = total + 2;
    Emit(quiz, Verb::kCompleted, t + kSecond, done);
    Event judged;
    judged.scaled = static_cast<float>(score);
    judged.success = passed ? 1 : 0;
    judged.duration_s = total + 2;
    Emit(quiz, passed ? Verb::kPassed : Verb::kFailed, t + 2 * kSecond, judged);
    Event end;
    end.duration_s = total + 5;
    Emit(quiz, Verb::kTerminated, t + 5 * kSecond, end);
    now_ = t + 6 * kSecond;
    return stopped_ ? -1 : (passed ? 1 : 0);
  }

  const Catalogue& catalogue_;
  const Learner& learner_;
  const int32_t index_;
  const int64_t end_us_;
  DemoRandom random_;
  std::vector<Event>& out_;
  double skill_ = 0, persistence_ = 1;
  bool diligent_ = false;
  int64_t now_ = 0;
  uint32_t attempt_ = 0;
  bool stopped_ = false;
};

}  // namespace

uint64_t DemoRandom::Next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double DemoRandom::Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

int DemoRandom::Below(int n) { return n <= 1 ? 0 : static_cast<int>(Next() % static_cast<uint64_t>(n)); }

double DemoRandom::Normal(double mean, double sd) {
  const double u1 = 1.0 - Uniform();  // (0, 1]: log is finite
  const double u2 = Uniform();
  return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

std::vector<int> Catalogue::Questions(int quiz_index) const {
  std::vector<int> out;
  for (size_t i = 0; i < activities.size(); ++i) {
    if (activities[i].parent == quiz_index) out.push_back(static_cast<int>(i));
  }
  return out;
}

const Catalogue& DemoCatalogue() {
  static const Catalogue catalogue = BuildCatalogue();
  return catalogue;
}

std::vector<Learner> GenerateLearners(int count, uint64_t seed) {
  DemoRandom random(seed ^ 0xD1B54A32D192ED03ull);
  const std::vector<std::string> departments = Allocate(kDepartments, count, random);
  const std::vector<std::string> roles = Allocate(kRoles, count, random);
  const std::vector<std::string> sites = Allocate(kSites, count, random);
  std::vector<Learner> learners(static_cast<size_t>(count));
  constexpr int kFirst = sizeof(kFirstNames) / sizeof(kFirstNames[0]);
  constexpr int kLast = sizeof(kLastNames) / sizeof(kLastNames[0]);
  for (int i = 0; i < count; ++i) {
    Learner& l = learners[i];
    const std::string first = kFirstNames[random.Below(kFirst)];
    const std::string last = kLastNames[random.Below(kLast)];
    l.name = first + " " + last;
    // The index keeps addresses unique however the names fall.
    l.mbox = "mailto:" + Lower(first) + "." + Lower(last) + "." + std::to_string(i + 1) +
             "@corp.example";
    l.department = departments[i];
    l.role = roles[i];
    l.site = sites[i];
    // A few records from an older LMS say no role or site: "(none)" in tables.
    if (random.Chance(0.01)) l.role.clear();
    if (random.Chance(0.01) && l.site != "Reykjavik") l.site.clear();
    l.withdrew_analytics = random.Chance(0.01);
  }
  // The planted teams sit together, so site breakdowns show them too.
  for (Learner& l : learners) {
    // The planted teams are counted whole: their cells are the test.
    if (l.department == kPlantedBandDepartment || l.department == kPlantedFailDepartment) {
      l.withdrew_analytics = false;
    }
    if (l.department == kPlantedBandDepartment) l.site = "Manchester";
    if (l.department == "Legal" || l.department == "Executive Office") l.site = "London";
  }
  return learners;
}

Traffic GenerateTraffic(const TrafficOptions& options) {
  Traffic traffic;
  traffic.learners = GenerateLearners(options.learners, options.seed);
  const Catalogue& catalogue = DemoCatalogue();
  traffic.events.reserve(static_cast<size_t>(options.learners) * 56);
  for (int32_t i = 0; i < options.learners; ++i) {
    LearnerHistory(catalogue, traffic.learners[i], i, options, traffic.events).Run();
  }
  // Time order, as an LMS would send them; a learner's own events keep the
  // order they were made in (stable), so ties never reorder a session.
  std::stable_sort(traffic.events.begin(), traffic.events.end(),
                   [](const Event& a, const Event& b) {
                     return a.at_us != b.at_us ? a.at_us < b.at_us : a.learner < b.learner;
                   });
  if (options.now_us != 0) {
    auto future = std::find_if(traffic.events.begin(), traffic.events.end(),
                               [&](const Event& e) { return e.at_us > options.now_us; });
    traffic.events.erase(future, traffic.events.end());
  }
  return traffic;
}

}  // namespace lrs::plugin::demo
