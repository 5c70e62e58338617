#include "plugin/auth/scopes.h"

#include <array>
#include <utility>

namespace lrs::plugin {
namespace {

constexpr std::array<std::pair<Scope, std::string_view>, 8> kScopeNames = {{
    {Scope::kStatementsWrite, "statements/write"},
    {Scope::kStatementsReadMine, "statements/read/mine"},
    {Scope::kStatementsRead, "statements/read"},
    {Scope::kState, "state"},
    {Scope::kDefine, "define"},
    {Scope::kProfile, "profile"},
    {Scope::kAllRead, "all/read"},
    {Scope::kAll, "all"},
}};

constexpr char kRule[] = "xAPI Communication 4.2: authorization scope";

bool IsRead(std::string_view method) { return method == "GET" || method == "HEAD"; }

}  // namespace

std::string_view ScopeName(Scope scope) {
  for (const auto& [s, name] : kScopeNames) {
    if (s == scope) return name;
  }
  return "";
}

ScopeSet ScopeSet::Of(std::initializer_list<Scope> scopes) {
  ScopeSet set;
  for (Scope s : scopes) set.bits_ |= static_cast<uint32_t>(s);
  return set;
}

Result<ScopeSet> ScopeSet::Parse(const std::vector<std::string>& lists) {
  ScopeSet set;
  for (const std::string& list : lists) {
    size_t start = 0;
    while (start <= list.size()) {
      size_t end = list.find_first_of(", ", start);
      if (end == std::string::npos) end = list.size();
      std::string_view name(list.data() + start, end - start);
      start = end + 1;
      if (name.empty()) continue;
      bool known = false;
      for (const auto& [scope, scope_name] : kScopeNames) {
        if (scope_name == name) {
          set.bits_ |= static_cast<uint32_t>(scope);
          known = true;
        }
      }
      if (!known) {
        return MakeError(400, kRule, "",
                         "unknown scope \"" + std::string(name.substr(0, 64)) +
                             "\"; scopes are statements/write, statements/read/mine, "
                             "statements/read, state, define, profile, all/read, all");
      }
    }
  }
  if (set.empty()) return MakeError(400, kRule, "", "at least one scope is required");
  return set;
}

bool ScopeSet::Grants(Scope scope, bool is_read) const {
  if (Has(Scope::kAll) || Has(scope)) return true;
  if (is_read && Has(Scope::kAllRead)) return true;
  if (scope == Scope::kStatementsReadMine && Has(Scope::kStatementsRead)) return true;
  return false;
}

std::vector<std::string> ScopeSet::Names() const {
  std::vector<std::string> names;
  for (const auto& [scope, name] : kScopeNames) {
    if (Has(scope)) names.emplace_back(name);
  }
  return names;
}

std::string ScopeSet::ToText() const {
  std::string text;
  for (const auto& name : Names()) text += (text.empty() ? "" : " ") + name;
  return text;
}

std::optional<Scope> RequiredScope(std::string_view resource, std::string_view method) {
  // Methods a resource does not answer need no scope: the resource's 405
  // says more than a 403 would.
  const bool write = method == "PUT" || method == "POST";
  const bool document_write = write || method == "DELETE";
  if (resource == "/statements") {
    if (IsRead(method)) return Scope::kStatementsRead;
    if (write) return Scope::kStatementsWrite;
    return std::nullopt;
  }
  const bool document = resource == "/activities/state" || resource == "/activities/profile" ||
                        resource == "/agents/profile";
  if (document && !IsRead(method) && !document_write) return std::nullopt;
  if (resource == "/activities/state") return Scope::kState;
  if (resource == "/activities/profile" || resource == "/agents/profile") return Scope::kProfile;
  if ((resource == "/activities" || resource == "/agents") && IsRead(method)) {
    return Scope::kStatementsRead;
  }
  return std::nullopt;
}

MaybeError CheckScope(const ScopeSet& granted, std::string_view resource,
                      std::string_view method) {
  std::optional<Scope> needed = RequiredScope(resource, method);
  if (!needed) return std::nullopt;
  const bool read = IsRead(method);
  if (granted.Grants(*needed, read)) return std::nullopt;
  if (resource == "/statements" && read && granted.Grants(Scope::kStatementsReadMine, read)) {
    return std::nullopt;  // filtered to the credential's own statements
  }
  const std::string name(ScopeName(*needed));
  return MakeError(403, kRule, "",
                   "this credential lacks the scope " + name + (read ? " (or all/read, all)" : " (or all)") +
                       " for " + std::string(method) + " " + std::string(resource));
}

bool ReadsOnlyOwn(const ScopeSet& granted) {
  return !granted.Grants(Scope::kStatementsRead, true);
}

}  // namespace lrs::plugin
