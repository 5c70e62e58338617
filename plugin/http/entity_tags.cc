#include "plugin/http/entity_tags.h"

namespace lrs::plugin {
namespace {

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool EntityTagListNames(std::string_view list, const std::string& etag, bool weak) {
  const std::string_view bare = std::string_view(etag).substr(1, etag.size() - 2);
  while (!list.empty()) {
    const size_t comma = list.find(',');
    std::string_view tag = TrimSpace(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (tag.size() >= 2 && tag[0] == 'W' && tag[1] == '/') {
      if (!weak) continue;
      tag.remove_prefix(2);
    }
    if (tag == etag || tag == bare) return true;
  }
  return false;
}

}  // namespace lrs::plugin
