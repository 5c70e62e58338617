#pragma once
// xAPI versions the LRS speaks, negotiated per request by the
// X-Experience-API-Version header (Communication 3.3 in 1.0.3; 2.0.0 per
// shared/xapi-spec/2.0/DIFFERENCES.md item 1).

#include <optional>
#include <string_view>

namespace lrs::xapi {

enum class Version {
  k1_0,  // "1.0", "1.0.0" .. "1.0.3": validated by the 1.0.3 rules.
  k2_0,  // "2.0.0": 1.0.3 rules plus the 2.0 changes.
};

// Parses a request's X-Experience-API-Version value; nullopt when unsupported.
std::optional<Version> ParseVersionHeader(std::string_view header);

// The value the LRS sends back for a request of this version.
std::string_view ResponseVersion(Version version);

// The "version" property the LRS writes into statements it stores.
std::string_view StatementVersion(Version version);

}  // namespace lrs::xapi
