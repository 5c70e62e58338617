#include "xapi/version.h"

namespace lrs::xapi {

std::optional<Version> ParseVersionHeader(std::string_view header) {
  if (header == "1.0" || header == "1.0.0" || header == "1.0.1" || header == "1.0.2" ||
      header == "1.0.3") {
    return Version::k1_0;
  }
  if (header == "2.0.0") return Version::k2_0;
  return std::nullopt;
}

std::string_view ResponseVersion(Version version) {
  return version == Version::k2_0 ? "2.0.0" : "1.0.3";
}

std::string_view StatementVersion(Version version) {
  return version == Version::k2_0 ? "2.0.0" : "1.0.0";
}

}  // namespace lrs::xapi
