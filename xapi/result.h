#pragma once
// The one result type that crosses layer boundaries (STYLE.md rule 2).
//
// A Result<T> holds either a value or an Error. Errors carry an HTTP-meaningful
// status so that one function in plugin/ can map any layer's failure to a
// response without knowing where it came from.
//
// Privacy contract: an Error's text never contains learner data (identifiers,
// names, free text). Validators name the JSON path and the rule, not the value.

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace lrs {

struct Error {
  int status = 400;     // HTTP status the plugin answers with.
  std::string rule;     // The rule broken, citing the spec, e.g. "xAPI Data 2.4.2.3".
  std::string path;     // JSON path of the offending value, e.g. "$.actor.mbox"; may be empty.
  std::string message;  // Human-readable explanation; never echoes learner data.
  int retry_after_seconds = 0;  // > 0: the response says Retry-After (429, 503)
};

inline Error MakeError(int status, std::string rule, std::string path, std::string message) {
  return Error{status, std::move(rule), std::move(path), std::move(message)};
}

// An operation that either succeeds with nothing to return or fails.
using MaybeError = std::optional<Error>;

template <typename T>
class Result {
 public:
  Result(T value) : data_(std::move(value)) {}           // NOLINT: implicit by design
  Result(Error error) : data_(std::move(error)) {}       // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return ok(); }

  const T& value() const& { return std::get<T>(data_); }
  T& value() & { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  const Error& error() const { return std::get<Error>(data_); }

  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

 private:
  std::variant<T, Error> data_;
};

}  // namespace lrs
