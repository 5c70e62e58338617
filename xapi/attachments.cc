#include "xapi/attachments.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "xapi/jws.h"
#include "xapi/statement_comparison.h"

namespace lrs::xapi {
namespace {

constexpr std::string_view kSignatureUsageType = "http://adlnet.gov/expapi/attachments/signature";
constexpr char kExchangeRule[] = "xAPI Communication 1.5.2: attachments exchange";
constexpr char kSignatureRule[] = "xAPI Data 2.6: signed statements";

std::string Lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void CollectFrom(const JsonValue& statement, const std::string& path,
                 std::vector<DeclaredAttachment>& out) {
  if (!statement.IsObject()) return;
  if (const JsonValue* list = Member(statement, "attachments"); list && list->IsArray()) {
    for (rapidjson::SizeType j = 0; j < list->Size(); ++j) {
      const JsonValue& a = (*list)[j];
      const JsonValue* sha2 = Member(a, "sha2");
      if (sha2 == nullptr || !sha2->IsString()) continue;
      DeclaredAttachment d;
      d.sha2 = Lowercase(std::string_view(sha2->GetString(), sha2->GetStringLength()));
      d.content_type = std::string(StringMember(a, "contentType"));
      d.has_file_url = Member(a, "fileUrl") != nullptr;
      d.is_signature = StringMember(a, "usageType") == kSignatureUsageType;
      d.path = path + ".attachments[" + std::to_string(j) + "]";
      out.push_back(std::move(d));
    }
  }
  // Data 2.4.11 recommends a sub-statement's attachments be declared on the
  // statement, but a SubStatement may carry its own (Data 2.4.4.3).
  if (const JsonValue* object = Member(statement, "object");
      object && StringMember(*object, "objectType") == "SubStatement") {
    CollectFrom(*object, path + ".object", out);
  }
}

}  // namespace

std::vector<std::string> DeclaredAttachmentHashes(std::string_view statement_json) {
  std::vector<std::string> hashes;
  if (statement_json.find("\"attachments\"") == std::string_view::npos) return hashes;
  auto parsed = ParseJson(statement_json);
  if (!parsed.ok()) return hashes;
  for (auto& declared : DeclaredAttachments(**parsed)) hashes.push_back(std::move(declared.sha2));
  return hashes;
}

std::vector<DeclaredAttachment> DeclaredAttachments(const JsonValue& body) {
  std::vector<DeclaredAttachment> out;
  if (body.IsArray()) {
    for (rapidjson::SizeType i = 0; i < body.Size(); ++i) {
      CollectFrom(body[i], "$[" + std::to_string(i) + "]", out);
    }
  } else {
    CollectFrom(body, "$", out);
  }
  return out;
}

MaybeError CheckAttachmentParts(const std::vector<DeclaredAttachment>& declared,
                                const std::vector<AttachmentPart>& parts, bool multipart) {
  if (!multipart) {
    for (const auto& d : declared) {
      if (!d.has_file_url) {
        return MakeError(400, kExchangeRule, d.path + ".fileUrl",
                         "an application/json request gives every attachment a fileUrl; "
                         "send attachment data as multipart/mixed");
      }
    }
    return std::nullopt;
  }
  std::set<std::string> sent;
  for (const auto& part : parts) sent.insert(part.sha2);
  std::set<std::string> wanted;
  for (const auto& d : declared) {
    wanted.insert(d.sha2);
    if (!d.has_file_url && sent.count(d.sha2) == 0) {
      return MakeError(400, kExchangeRule, d.path + ".sha2",
                       "no part carries this attachment's data (matched by X-Experience-API-Hash) "
                       "and it has no fileUrl");
    }
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    if (wanted.count(parts[i].sha2) == 0) {
      return MakeError(400, kExchangeRule, "part[" + std::to_string(i + 1) + "]",
                       "the part's X-Experience-API-Hash matches no attachment's sha2");
    }
  }
  return std::nullopt;
}

bool HasSignatureAttachment(const JsonValue& statement) {
  const JsonValue* list = Member(statement, "attachments");
  if (list == nullptr || !list->IsArray()) return false;
  return std::any_of(list->Begin(), list->End(), [](const JsonValue& a) {
    return StringMember(a, "usageType") == kSignatureUsageType;
  });
}

MaybeError VerifyStatementSignatures(const JsonValue& statement,
                                     const std::vector<AttachmentPart>& parts, Version version,
                                     const std::string& path) {
  const JsonValue* list = Member(statement, "attachments");
  if (list == nullptr || !list->IsArray()) return std::nullopt;
  std::string received;  // the statement's comparable form, computed once
  for (rapidjson::SizeType j = 0; j < list->Size(); ++j) {
    const JsonValue& a = (*list)[j];
    if (StringMember(a, "usageType") != kSignatureUsageType) continue;
    const std::string at = path + ".attachments[" + std::to_string(j) + "]";
    const std::string sha2 = Lowercase(StringMember(a, "sha2"));
    auto part = std::find_if(parts.begin(), parts.end(),
                             [&sha2](const AttachmentPart& p) { return p.sha2 == sha2; });
    if (part == parts.end()) {
      return MakeError(400, kSignatureRule, at,
                       "a signature attachment's JWS must be sent as a multipart/mixed part");
    }
    Result<Jws> jws = ParseJwsCompact(part->content);
    if (!jws.ok()) {
      Error error = jws.error();
      error.path = at;
      return error;
    }
    if (!jws->x5c.empty()) {
      if (MaybeError error = VerifyJwsWithCertificate(*jws)) {
        error->path = at;
        return error;
      }
    }
    auto payload = ParseJson(jws->payload);
    if (!payload.ok() || !(*payload)->IsObject()) {
      return MakeError(400, kSignatureRule, at,
                       "the JWS payload is not a JSON serialization of a statement");
    }
    if (received.empty()) received = ComparableForm(statement, version);
    if (ComparableForm(**payload, version) != received) {
      return MakeError(400, kSignatureRule, at,
                       "the signed statement (JWS payload) differs from the statement received");
    }
  }
  return std::nullopt;
}

}  // namespace lrs::xapi
