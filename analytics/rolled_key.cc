#include "analytics/rolled_key.h"

#include <cstdlib>

namespace lrs::analytics {
namespace {

void AppendField(std::string& out, const std::string& field) {
  out += '|';
  for (char c : field) {
    if (c == '|' || c == '\\') out += '\\';
    out += c;
  }
}

}  // namespace

std::string EncodeRolledKey(const RolledKey& key) {
  std::string out = "a1";
  AppendField(out, key.block);
  AppendField(out, std::to_string(key.day));
  AppendField(out, key.category);
  for (const std::string& v : key.cohort) AppendField(out, v);
  return out;
}

std::optional<RolledKey> DecodeRolledKey(const std::string& text) {
  std::vector<std::string> fields(1);
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\') {
      if (++i == text.size()) return std::nullopt;
      fields.back() += text[i];
    } else if (c == '|') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  if (fields.size() < 4 || fields[0] != "a1") return std::nullopt;
  RolledKey key;
  key.block = fields[1];
  char* end = nullptr;
  const long day = std::strtol(fields[2].c_str(), &end, 10);
  if (fields[2].empty() || *end != '\0') return std::nullopt;
  key.day = static_cast<int32_t>(day);
  key.category = fields[3];
  key.cohort.assign(fields.begin() + 4, fields.end());
  return key;
}

}  // namespace lrs::analytics
