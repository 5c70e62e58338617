#pragma once
// xAPI authorization scopes on credentials (xAPI 1.0.3 Communication 4.2),
// and which scope each /xapi route needs.
//
// A credential holds a set of scopes (stored as their names, space separated,
// in the credential row); roles from the manifest still apply on top. The
// default scope is `all`, today's behaviour.
//
// Route table (RequiredScope), decided from the spec's table:
//   POST/PUT /statements                statements/write
//   GET/HEAD /statements                statements/read, or statements/read/mine
//                                       (then only statements stored under the
//                                       same credential: StatementFilter::credential)
//   /activities/state (any method)      state
//   /activities/profile, /agents/profile (any method)  profile
//   GET/HEAD /activities, /agents       statements/read (both are read from
//                                       every stored statement)
//   `all` grants everything; `all/read` grants every GET and HEAD above.
//   `define` (re)defines Activities: only a credential with `define` (or
//   `all`) updates the canonical Activity definitions (GET /activities,
//   format=canonical) when it stores statements; without it the statements
//   are stored as sent and the canonical definitions stay as they were (the
//   spec's "SHOULD NOT update its canonical representation"). This LRS keeps
//   no canonical Agent, so `define` concerns Activities only.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xapi/result.h"

namespace lrs::plugin {

enum class Scope : uint32_t {
  kStatementsWrite = 1u << 0,
  kStatementsReadMine = 1u << 1,
  kStatementsRead = 1u << 2,
  kState = 1u << 3,
  kDefine = 1u << 4,
  kProfile = 1u << 5,
  kAllRead = 1u << 6,
  kAll = 1u << 7,
};

// A set of scopes, as granted (implications are applied by Grants).
class ScopeSet {
 public:
  ScopeSet() = default;
  static ScopeSet Of(std::initializer_list<Scope> scopes);
  static ScopeSet All() { return Of({Scope::kAll}); }

  // Parses names ("statements/write", "all", ...) given space- or comma-
  // separated, once or over several strings. Errors: 400 naming the unknown
  // scope, or when none is given.
  static Result<ScopeSet> Parse(const std::vector<std::string>& lists);

  // Whether `scope` is granted, directly or through `all` / `all/read`
  // (all/read grants the read scopes) / statements/read (grants read/mine).
  bool Grants(Scope scope, bool is_read = false) const;
  bool Has(Scope scope) const { return (bits_ & static_cast<uint32_t>(scope)) != 0; }
  bool empty() const { return bits_ == 0; }

  // The names granted, in the spec's table order.
  std::vector<std::string> Names() const;
  // Names() joined by spaces: how a credential row stores them.
  std::string ToText() const;

  bool operator==(const ScopeSet& other) const { return bits_ == other.bits_; }

 private:
  uint32_t bits_ = 0;
};

std::string_view ScopeName(Scope scope);

// What a request to an /xapi resource needs; nullopt for routes without a
// scope (About) and for methods the resource does not answer (its 405
// decides). `resource` as XapiRoutes sees it: "/statements", ...
std::optional<Scope> RequiredScope(std::string_view resource, std::string_view method);

// 403 with a JSON body naming the missing scope when `granted` does not cover
// the route, else nullopt. A GET/HEAD of statements with only
// statements/read/mine passes (the read is then filtered: ReadsOnlyOwn).
MaybeError CheckScope(const ScopeSet& granted, std::string_view resource,
                      std::string_view method);

// Whether a statement read by this credential sees only its own statements.
bool ReadsOnlyOwn(const ScopeSet& granted);

}  // namespace lrs::plugin
