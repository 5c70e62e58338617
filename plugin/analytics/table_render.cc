#include "plugin/analytics/table_render.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>

#include "analytics/catalogue.h"
#include "xapi/json.h"
#include "xapi/timestamp.h"

namespace lrs::plugin {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void String(Writer& w, const std::string& text) {
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void Strings(Writer& w, const std::vector<std::string>& list) {
  w.StartArray();
  for (const auto& item : list) String(w, item);
  w.EndArray();
}

void EpochMember(Writer& w, const analytics::Epoch& epoch) {
  w.Key("epoch");
  w.StartObject();
  w.Key("id");
  String(w, epoch.id());
  w.Key("as_of");
  String(w, xapi::FormatTimestamp(epoch.as_of_us()));
  w.EndObject();
}

bool AllDigits(const std::string& text) {
  return !text.empty() && text.size() < 10 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The dimension's value as the contract types it: a funnel step is a number.
void DimensionValue(Writer& w, const std::string& name, const std::string& value) {
  if (name == "step" && AllDigits(value)) {
    w.Int(std::stoi(value));
  } else {
    String(w, value);
  }
}

// A whole number as an integer ("value": 1260, as the contract shows it),
// anything else as the shortest decimal that reads back the same double.
void Number(Writer& w, double value) {
  constexpr double kExactIntegers = 9007199254740992.0;  // 2^53
  if (std::isfinite(value) && std::trunc(value) == value && std::fabs(value) < kExactIntegers) {
    w.Int64(static_cast<int64_t>(value));
  } else {
    w.Double(value);
  }
}

void RowJson(Writer& w, const analytics::Row& row) {
  w.StartObject();
  for (const auto& [name, value] : row.dimensions) {
    w.Key(name.c_str());
    DimensionValue(w, name, value);
  }
  w.Key("measure");
  String(w, row.measure);
  const bool statistic = IsStatistic(row.measure);
  if (row.suppressed) {
    w.Key(statistic ? "value" : "learners");
    w.Null();
    w.Key("suppressed");
    w.Bool(true);
  } else {
    if (row.learners) {
      w.Key("learners");
      w.Int64(*row.learners);
    }
    if (row.value) {
      w.Key("value");
      Number(w, *row.value);
    }
  }
  w.EndObject();
}

std::string NumberText(double value) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  Number(w, value);
  return buffer.GetString();
}

// RFC 4180: quoted when it holds a comma, a quote or a line break; and
// OWASP's defence against formulas for text that came from outside.
std::string CsvField(std::string text, bool from_outside) {
  if (from_outside && !text.empty() &&
      (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' || text[0] == '\t' ||
       text[0] == '\r')) {
    text.insert(text.begin(), '\'');
  }
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

bool IsStatistic(const std::string& measure) { return measure.rfind("median_", 0) == 0; }

std::string CatalogueJson(const analytics::Epoch& epoch,
                          const std::vector<std::string>& cohort_dimensions) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("k");
  w.Int(epoch.config().k);
  EpochMember(w, epoch);
  w.Key("cohort_dimensions");
  Strings(w, cohort_dimensions);
  // Which periods take a breakdown by cohort (analytics::MaxBreakdownDims).
  w.Key("periods");
  w.StartArray();
  for (analytics::Period period :
       {analytics::Period::kAll, analytics::Period::kDay, analytics::Period::kWeek, analytics::Period::kMonth}) {
    w.StartObject();
    w.Key("period");
    String(w, PeriodName(period));
    w.Key("max_by");
    w.Int(analytics::MaxBreakdownDims(period));
    w.EndObject();
  }
  w.EndArray();
  w.Key("tables");
  w.StartArray();
  for (const analytics::TableInfo& table : epoch.Tables()) {
    w.StartObject();
    w.Key("id");
    String(w, table.id);
    w.Key("description");
    String(w, table.description);
    w.Key("parameters");
    Strings(w, table.parameters);
    w.Key("measures");
    Strings(w, table.measures);
    w.EndObject();
  }
  w.EndArray();
  w.Key("activities");
  w.StartArray();
  for (const analytics::ActivityInfo& activity : epoch.Activities()) {
    w.StartObject();
    w.Key("id");
    String(w, activity.id);
    w.Key("name");
    // The stored canonical definition's language map; anything else (it
    // cannot be, but the epoch does not promise it) is no name at all.
    auto name = xapi::ParseJson(activity.name_json);
    if (name.ok() && (*name)->IsObject()) {
      (*name)->Accept(w);
    } else {
      w.StartObject();
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buffer.GetString();
}

std::string TableJson(const analytics::Epoch& epoch, const TableQuery& query,
                      const std::vector<analytics::Row>& rows) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("table");
  String(w, query.request.table);
  w.Key("k");
  w.Int(epoch.config().k);
  EpochMember(w, epoch);
  w.Key("purpose");
  String(w, query.purpose);
  w.Key("by");
  Strings(w, query.request.by);
  w.Key("period");
  w.String(PeriodName(query.request.period));
  w.Key("rows");
  w.StartArray();
  for (const analytics::Row& row : rows) RowJson(w, row);
  w.EndArray();
  w.EndObject();
  return buffer.GetString();
}

std::string TableCsv(const TableQuery& query, const std::vector<analytics::Row>& rows) {
  std::vector<std::string> columns = {"activity"};
  for (const auto& dimension : query.request.by) columns.push_back(dimension);
  if (query.request.period != analytics::Period::kAll) columns.push_back("period");
  for (const analytics::Row& row : rows) {
    for (const auto& dimension : row.dimensions) {
      if (std::find(columns.begin(), columns.end(), dimension.first) == columns.end()) {
        columns.push_back(dimension.first);
      }
    }
  }
  const size_t dimension_columns = columns.size();
  for (const char* name : {"measure", "learners", "value", "suppressed"}) columns.push_back(name);

  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + CsvField(columns[i], false);
  out += "\r\n";
  for (const analytics::Row& row : rows) {
    std::vector<std::string> fields(columns.size());
    for (size_t i = 0; i < dimension_columns; ++i) {
      for (const auto& [name, value] : row.dimensions) {
        if (name == columns[i]) fields[i] = CsvField(value, true);
      }
    }
    fields[dimension_columns] = CsvField(row.measure, false);
    if (!row.suppressed && row.learners) fields[dimension_columns + 1] = std::to_string(*row.learners);
    if (!row.suppressed && row.value) fields[dimension_columns + 2] = NumberText(*row.value);
    fields[dimension_columns + 3] = row.suppressed ? "true" : "false";
    for (size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + fields[i];
    out += "\r\n";
  }
  return out;
}

std::string EpochAnswerJson(const analytics::Epoch& epoch) {
  const analytics::UtilityReport utility = epoch.Utility();
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  EpochMember(w, epoch);
  w.Key("utility");
  w.StartObject();
  w.Key("cells");
  w.Int64(utility.cells);
  w.Key("cells_at_least_k");
  w.Int64(utility.cells_at_least_k);
  w.Key("published_at_least_k");
  w.Int64(utility.published_at_least_k);
  // The share the issue asks to report (aim: at least 0.8); 1 when no cell
  // reaches k, since nothing publishable was hidden.
  w.Key("published_share");
  w.Double(utility.cells_at_least_k == 0
               ? 1.0
               : static_cast<double>(utility.published_at_least_k) /
                     static_cast<double>(utility.cells_at_least_k));
  w.Key("hidden");
  w.StartObject();
  w.Key("primary");
  w.Int64(utility.hidden_primary);
  w.Key("protected");
  w.Int64(utility.hidden_protected);
  w.Key("secondary");
  w.Int64(utility.hidden_secondary);
  w.EndObject();
  w.EndObject();
  w.EndObject();
  return buffer.GetString();
}

}  // namespace lrs::plugin
