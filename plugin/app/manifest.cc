#include "plugin/app/manifest.h"

#include <rapidjson/pointer.h>
#include <rapidjson/schema.h>

#include <fstream>
#include <sstream>

#include "plugin/analytics/iso_day.h"
#include "plugin/app/manifest_schema.h"
#include "xapi/iri.h"
#include "xapi/json.h"

namespace lrs::plugin {
namespace {

using xapi::JsonValue;

constexpr char kExtensionsSource[] = "context.extensions.";

Error FieldError(const std::string& source, const std::string& field, const std::string& what) {
  return MakeError(400, "manifest", field, "manifest " + source + ": " + field + " " + what);
}

std::string Index(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// ---- Schema errors, in words ------------------------------------------------
// RapidJSON 1.1 reports a failure as three things: the keyword that failed,
// a pointer into the schema (the node holding the keyword) and a pointer into
// the manifest. The message is made from the schema node, so it says what the
// schema says; the path is made from the manifest pointer.

// "$.roles.lms[2]" for /roles/lms/2: a token is an index where the manifest
// holds an array there.
std::string RenderPath(const rapidjson::Pointer& pointer, const JsonValue& root) {
  std::string path = "$";
  const JsonValue* at = &root;
  for (size_t i = 0; i < pointer.GetTokenCount(); ++i) {
    const rapidjson::Pointer::Token& token = pointer.GetTokens()[i];
    std::string name(token.name, token.length);
    // The error stays one line whatever an unknown key holds.
    for (char& c : name) c = static_cast<unsigned char>(c) < 0x20 ? '?' : c;
    if (at != nullptr && at->IsArray()) {
      path += "[" + name + "]";
      at = token.index < at->Size() ? &(*at)[token.index] : nullptr;
    } else {
      path += "." + name;
      at = at != nullptr && at->IsObject()
               ? xapi::Member(*at, std::string(token.name, token.length).c_str())
               : nullptr;
    }
  }
  return path;
}

std::string Join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
  return out;
}

std::string DescribeType(const JsonValue& type) {
  auto one = [](std::string_view t) -> std::string {
    if (t == "integer") return "an integer";
    if (t == "number") return "a number";
    if (t == "string") return "a string";
    if (t == "boolean") return "true or false";
    if (t == "array") return "an array";
    if (t == "object") return "an object";
    if (t == "null") return "null";
    return std::string(t);
  };
  if (type.IsString()) return one(type.GetString());
  std::vector<std::string> parts;
  if (type.IsArray()) {
    for (const auto& t : type.GetArray()) {
      if (t.IsString()) parts.push_back(one(t.GetString()));
    }
  }
  return Join(parts, " or ");
}

// What a schema node accepts, in a few words: its title, its values, its type.
std::string DescribeSchema(const JsonValue& node) {
  if (auto title = xapi::StringMember(node, "title"); !title.empty()) return std::string(title);
  if (const JsonValue* values = xapi::Member(node, "enum"); values && values->IsArray()) {
    std::vector<std::string> parts;
    for (const auto& v : values->GetArray()) parts.push_back(xapi::ToJson(v));
    return parts.size() == 1 ? parts[0] : "one of " + Join(parts, ", ");
  }
  if (const JsonValue* type = xapi::Member(node, "type")) return DescribeType(*type);
  return "what the schema describes";
}

std::string NumberText(const JsonValue* v) {
  if (v == nullptr) return "?";
  if (v->IsInt64()) return std::to_string(v->GetInt64());
  return xapi::ToJson(*v);
}

Error SchemaError(const std::string& source, const rapidjson::SchemaValidator& validator,
                  const JsonValue& schema_root, const JsonValue& manifest) {
  const std::string keyword = validator.GetInvalidSchemaKeyword();
  const rapidjson::Pointer document_pointer = validator.GetInvalidDocumentPointer();
  std::string path = RenderPath(document_pointer, manifest);
  const JsonValue* node = validator.GetInvalidSchemaPointer().Get(schema_root);
  const JsonValue* value = document_pointer.Get(manifest);
  static const JsonValue kEmpty(rapidjson::kObjectType);
  if (node == nullptr) node = &kEmpty;

  if (keyword == "required") {
    // The pointer names the object; name the first required field it lacks.
    if (const JsonValue* required = xapi::Member(*node, "required");
        required && required->IsArray() && value && value->IsObject()) {
      for (const auto& name : required->GetArray()) {
        if (name.IsString() && !value->HasMember(name.GetString())) {
          return FieldError(source, path + "." + name.GetString(), "is required");
        }
      }
    }
    return FieldError(source, path, "lacks a required field");
  }
  if (keyword == "additionalProperties") {
    // The pointer names the unknown field itself.
    std::vector<std::string> known;
    if (const JsonValue* properties = xapi::Member(*node, "properties");
        properties && properties->IsObject()) {
      for (const auto& p : properties->GetObject()) {
        if (std::string_view(p.name.GetString()) != "$schema") known.push_back(p.name.GetString());
      }
    }
    return FieldError(
        source, path,
        "is not a field the manifest defines here (known: " + Join(known, ", ") + ")");
  }
  std::string what;
  if (keyword == "type") {
    const JsonValue* type = xapi::Member(*node, "type");
    what = "must be " + (type ? DescribeType(*type) : DescribeSchema(*node));
  } else if (keyword == "enum") {
    what = "must be " + DescribeSchema(*node);
  } else if (keyword == "minimum") {
    what = "must be at least " + NumberText(xapi::Member(*node, "minimum"));
  } else if (keyword == "maximum") {
    what = "must be at most " + NumberText(xapi::Member(*node, "maximum"));
  } else if (keyword == "minLength") {
    what = "must not be empty";
  } else if (keyword == "minItems") {
    what = "must list at least " + NumberText(xapi::Member(*node, "minItems")) + " entries";
  } else if (keyword == "uniqueItems") {
    what = "repeats an earlier entry of its list";
  } else if (keyword == "pattern") {
    what = "must be " + DescribeSchema(*node);
  } else if (keyword == "oneOf" || keyword == "anyOf") {
    std::vector<std::string> forms;
    if (const JsonValue* alternatives = xapi::Member(*node, keyword.c_str());
        alternatives && alternatives->IsArray()) {
      for (const auto& alternative : alternatives->GetArray()) {
        forms.push_back(DescribeSchema(alternative));
      }
    }
    what = "must be " + Join(forms, " or ");
  } else {
    what = "does not match the manifest schema (" + keyword + ")";
  }
  return FieldError(source, path, what);
}

MaybeError ValidateAgainstSchema(const std::string& source, const JsonValue& manifest) {
  const std::string_view text = ManifestSchemaText();
  rapidjson::Document schema_json;
  schema_json.Parse(text.data(), text.size());
  if (schema_json.HasParseError()) {
    return MakeError(500, "manifest", "", "the compiled-in manifest schema is not valid JSON");
  }
  rapidjson::SchemaDocument schema(schema_json);
  rapidjson::SchemaValidator validator(schema);
  if (manifest.Accept(validator)) return std::nullopt;
  return SchemaError(source, validator, schema_json, manifest);
}

// ---- From the validated document to the struct ----------------------------
// The schema has checked presence, types, values and ranges; these functions
// read without re-checking them and add the cross-field rules.

std::string String(const JsonValue& object, const char* name) {
  return std::string(xapi::StringMember(object, name));
}

std::vector<std::string> Strings(const JsonValue& array) {
  std::vector<std::string> out;
  for (const auto& v : array.GetArray()) out.emplace_back(v.GetString());
  return out;
}

Result<anonymizer::ExtensionKeep> ExtensionKeepFrom(const std::string& source,
                                                    const JsonValue& value,
                                                    const std::string& path) {
  anonymizer::ExtensionKeep keep;
  if (value.IsString()) return keep;  // "*"
  keep.all = false;
  for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
    const std::string iri = value[i].GetString();
    if (!xapi::IsValidIri(iri)) {
      return FieldError(source, Index(path, i), "must be an absolute IRI");
    }
    keep.iris.insert(iri);
  }
  return keep;
}

Result<anonymizer::KeepPolicy> KeepPolicyFrom(const std::string& source, const JsonValue& keep) {
  anonymizer::KeepPolicy policy;
  policy.result.clear();
  for (auto& p : Strings(keep["result"])) policy.result.insert(p);
  policy.context.clear();
  for (auto& p : Strings(keep["context"])) policy.context.insert(p);
  auto result_extensions =
      ExtensionKeepFrom(source, keep["result_extensions"], "$.keep.result_extensions");
  if (!result_extensions.ok()) return result_extensions.error();
  policy.result_extensions = std::move(*result_extensions);
  auto context_extensions =
      ExtensionKeepFrom(source, keep["context_extensions"], "$.keep.context_extensions");
  if (!context_extensions.ok()) return context_extensions.error();
  policy.context_extensions = std::move(*context_extensions);
  policy.display_names = keep["display_names"].GetBool();
  policy.attachments = keep["attachments"].GetBool();
  policy.activity_definitions = keep["activity_definitions"].GetBool();

  // Free text is kept only when both lists say so, so that nobody keeps it
  // by ticking one box: a disagreement is an error, not a guess.
  bool listed_free = false;
  for (const auto& field : Strings(keep["free_text"])) listed_free |= field == "result.response";
  if (policy.KeepsResult("response") && !listed_free) {
    return FieldError(source, "$.keep.free_text",
                      "must list \"result.response\" when $.keep.result keeps \"response\" "
                      "(free text is kept only when listed in both)");
  }
  if (listed_free && !policy.KeepsResult("response")) {
    return FieldError(source, "$.keep.result",
                      "must keep \"response\" when $.keep.free_text lists \"result.response\"");
  }
  return policy;
}

Result<CohortDimension> CohortDimensionFrom(const std::string& source, const JsonValue& entry,
                                            const std::string& path,
                                            const anonymizer::KeepPolicy& keep) {
  CohortDimension dimension{String(entry, "id"), String(entry, "source"), "",
                            String(entry, "description")};
  const std::string source_path = path + ".source";
  if (dimension.source.rfind(kExtensionsSource, 0) == 0) {
    dimension.extension_iri = dimension.source.substr(sizeof kExtensionsSource - 1);
    if (!xapi::IsValidIri(dimension.extension_iri)) {
      return FieldError(source, source_path, "must name an absolute IRI after context.extensions.");
    }
    if (!keep.KeepsContext("extensions") ||
        !keep.context_extensions.Keeps(dimension.extension_iri)) {
      return FieldError(source, source_path,
                        "reads an extension that $.keep drops ($.keep.context must keep "
                        "\"extensions\" and $.keep.context_extensions list its IRI or be \"*\")");
    }
  } else if (!keep.KeepsContext("platform")) {
    return FieldError(source, source_path,
                      "reads context.platform, which $.keep.context does not keep");
  }
  return dimension;
}

Result<AnalyticsSettings> AnalyticsSettingsFrom(const std::string& source,
                                                const JsonValue* analytics) {
  AnalyticsSettings settings;
  if (analytics == nullptr) return settings;
  if (const JsonValue* hours = xapi::Member(*analytics, "epoch_hours")) {
    settings.epoch_hours = hours->GetInt();
  }
  if (const JsonValue* mark = xapi::Member(*analytics, "pass_mark")) {
    settings.pass_mark = mark->GetDouble();
  }
  const JsonValue* required = xapi::Member(*analytics, "required");
  if (required == nullptr) return settings;
  std::set<std::string> seen;
  for (rapidjson::SizeType i = 0; i < required->Size(); ++i) {
    const JsonValue& entry = (*required)[i];
    const std::string path = Index("$.analytics.required", i);
    analytics::RequiredActivity activity;
    activity.activity = String(entry, "activity");
    if (!xapi::IsValidIri(activity.activity)) {
      return FieldError(source, path + ".activity", "must be an absolute IRI");
    }
    if (!seen.insert(activity.activity).second) {
      return FieldError(source, path + ".activity",
                        "repeats the activity of another required entry");
    }
    if (const JsonValue* due = xapi::Member(entry, "due")) {
      activity.due_day = ParseIsoDay(due->GetString());
      if (!activity.due_day) {
        return FieldError(source, path + ".due", "must be a day that exists, YYYY-MM-DD from 1970");
      }
    } else {
      activity.within_days = entry["within_days"].GetInt();
    }
    settings.required.push_back(std::move(activity));
  }
  return settings;
}

Result<Manifest> BuildManifest(const std::string& source, const JsonValue& root) {
  Manifest m;
  m.name = String(root, "name");
  m.description = String(root, "description");

  const JsonValue& purposes = root["purposes"];
  std::set<std::string> purpose_ids;
  for (rapidjson::SizeType i = 0; i < purposes.Size(); ++i) {
    Purpose purpose{String(purposes[i], "id"), String(purposes[i], "description")};
    if (!purpose_ids.insert(purpose.id).second) {
      return FieldError(source, Index("$.purposes", i) + ".id",
                        "repeats the id of another purpose");
    }
    m.purposes.push_back(std::move(purpose));
  }

  auto keep = KeepPolicyFrom(source, root["keep"]);
  if (!keep.ok()) return keep.error();
  m.keep = std::move(*keep);

  m.k = root["k"].GetInt();
  m.identity = String(root, "identity") == "sealed" ? IdentityMode::kSealed
                                                    : IdentityMode::kPseudonymousOnly;
  m.pseudonym_home_page = String(root, "pseudonym_home_page");
  if (!xapi::IsValidIri(m.pseudonym_home_page)) {
    return FieldError(source, "$.pseudonym_home_page", "must be an absolute IRI");
  }
  if (const JsonValue* key_file = xapi::Member(root, "key_file");
      key_file && key_file->IsString()) {
    m.key_file = key_file->GetString();
  }

  const JsonValue& consent = root["consent"];
  m.consent_mode = String(consent, "mode");
  m.consent_purposes = Strings(consent["purposes"]);
  for (size_t i = 0; i < m.consent_purposes.size(); ++i) {
    if (!purpose_ids.count(m.consent_purposes[i])) {
      return FieldError(source, Index("$.consent.purposes", i),
                        "is not the id of a purpose declared in $.purposes");
    }
  }

  if (root.HasMember("limits") && root["limits"].HasMember("group_members")) {
    m.max_group_members = root["limits"]["group_members"].GetInt();
  }
  m.statement_retention_days = root["retention"]["statements_days"].GetInt();
  m.fact_retention_days = root["retention"]["facts_days"].GetInt();

  if (const JsonValue* dimensions = xapi::Member(root, "cohort_dimensions")) {
    std::set<std::string> ids;
    for (rapidjson::SizeType i = 0; i < dimensions->Size(); ++i) {
      const std::string path = Index("$.cohort_dimensions", i);
      auto dimension = CohortDimensionFrom(source, (*dimensions)[i], path, m.keep);
      if (!dimension.ok()) return dimension.error();
      if (!ids.insert(dimension->id).second) {
        return FieldError(source, path + ".id", "repeats the id of another cohort dimension");
      }
      m.cohort_dimensions.push_back(std::move(*dimension));
    }
  }

  auto analytics = AnalyticsSettingsFrom(source, xapi::Member(root, "analytics"));
  if (!analytics.ok()) return analytics.error();
  m.analytics = std::move(*analytics);

  // The schema allows exactly the roles lms, analyst and admin.
  for (const auto& role : root["roles"].GetObject()) {
    auto& permissions = m.role_permissions[role.name.GetString()];
    for (auto& p : Strings(role.value)) permissions.insert(std::move(p));
  }
  return m;
}

}  // namespace

bool Manifest::RoleMay(const std::string& role, const std::string& permission) const {
  auto it = role_permissions.find(role);
  return it != role_permissions.end() && it->second.count(permission) > 0;
}

bool Manifest::RoleMaySeeIdentities(const std::string& role) const {
  return identity == IdentityMode::kSealed && RoleMay(role, "identities:read");
}

Result<Manifest> ParseManifest(const std::string& text, const std::string& source) {
  auto doc = xapi::ParseJson(text);
  if (!doc.ok()) return FieldError(source, "$", "is not valid JSON (" + doc.error().message + ")");
  const JsonValue& root = **doc;
  if (auto error = ValidateAgainstSchema(source, root)) return *error;
  auto manifest = BuildManifest(source, root);
  if (!manifest.ok()) return manifest.error();
  manifest->json = text;
  return manifest;
}

Result<Manifest> LoadManifest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(400, "manifest", "", "manifest " + path + ": cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  return ParseManifest(text.str(), path);
}

}  // namespace lrs::plugin
