#pragma once
// The key of a rolled inner cell (RolledCell::cell): stable text that
// analytics alone reads, kept by retention beside a count.
//
//   a1|<block>|<day>|<category>|<cohort value 1>|...|<cohort value n>
//
// Fields are separated by '|'; inside a field '\' and '|' are escaped with a
// backslash. <block> is outcomes, scores, active or interactions; <day> the
// decimal day index (UTC); <category> the state (passed, failed, completed,
// attempted), the bin label, "active", or for interactions the correctness
// (correct, incorrect, unknown), ':' and the response. Cohort values are the
// raw values as the facts gave them, in manifest order: recoding of rare
// values happens per epoch, at build, so a rolled cell joins the same
// "(other)" as live facts would. Never a pseudonym.
//
// `required` is not rolled (it needs each learner's first statement on any
// activity, which one learner-activity's facts do not hold), nor are the
// medians (they need each learner's value). Both come from live facts only.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lrs::analytics {

struct RolledKey {
  std::string block;
  int32_t day = 0;
  std::string category;
  std::vector<std::string> cohort;
};

std::string EncodeRolledKey(const RolledKey& key);
// nullopt for a key this version does not know (ignored, never a crash).
std::optional<RolledKey> DecodeRolledKey(const std::string& text);

}  // namespace lrs::analytics
