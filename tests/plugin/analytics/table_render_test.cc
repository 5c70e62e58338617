#define BOOST_TEST_MODULE plugin_table_render
// The answers' shapes, exactly as the contract spells them (issue 16), and
// that CSV carries the same rows as JSON.
#include "plugin/analytics/table_render.h"

#include <boost/test/unit_test.hpp>

#include "xapi/json.h"

using lrs::analytics::Row;
using lrs::plugin::ParseQueryString;
using lrs::plugin::ParseTableQuery;

namespace {

// An epoch with fixed contents: rendering reads only these accessors.
class FixedEpoch : public lrs::analytics::Epoch {
 public:
  FixedEpoch() {
    config_.k = 5;
    tables_ = {{"outcomes", "Outcomes per activity", {"activity", "by", "period"},
                {"attempted", "completed", "passed", "failed"}},
               {"durations", "Time", {"activity", "by", "period"}, {"median_duration_s"}}};
    activities_ = {{"https://e.org/a", R"({"en-US":"Safety"})", "", ""},
                   {"https://e.org/b", "not json", "", ""}};
  }
  const std::string& id() const override { return id_; }
  int64_t as_of_us() const override { return 1796428800123456; }  // 2026-12-05T00:00:00.123Z
  const lrs::analytics::EpochConfig& config() const override { return config_; }
  const std::vector<lrs::analytics::TableInfo>& Tables() const override { return tables_; }
  const std::vector<lrs::analytics::ActivityInfo>& Activities() const override {
    return activities_;
  }
  lrs::Result<std::vector<Row>> Query(const lrs::analytics::TableRequest&) const override {
    return std::vector<Row>{};
  }
  lrs::analytics::UtilityReport Utility() const override { return {100, 40, 34, 5, 3, 2}; }

 private:
  std::string id_ = "0123456789abcdef";
  lrs::analytics::EpochConfig config_;
  std::vector<lrs::analytics::TableInfo> tables_;
  std::vector<lrs::analytics::ActivityInfo> activities_;
};

const lrs::plugin::TableQueryRules kRules{{"analytics"}, {"department", "site"}};

lrs::plugin::TableQuery Query(const std::string& text) {
  FixedEpoch epoch;
  auto q = ParseTableQuery(epoch.Tables()[0], ParseQueryString(text), kRules);
  BOOST_REQUIRE(q.ok());
  return *q;
}

std::vector<Row> SampleRows() {
  Row published{{{"activity", "https://e.org/a"}, {"department", "sales"}, {"period", "2026-11-01"}},
                "completed", 12, std::nullopt, false};
  Row hidden{{{"activity", "https://e.org/a"}, {"department", "legal"}, {"period", "2026-11-01"}},
             "failed", std::nullopt, std::nullopt, true};
  Row statistic{{{"activity", "https://e.org/a"}, {"department", "sales"}, {"period", "2026-11-01"}},
                "median_duration_s", std::nullopt, 1260.5, false};
  Row hidden_statistic{
      {{"activity", "https://e.org/a"}, {"department", "=cmd|' /C calc'!A0"}, {"period", "2026-11-01"}},
      "median_duration_s", std::nullopt, std::nullopt, true};
  return {published, hidden, statistic, hidden_statistic};
}

}  // namespace

BOOST_AUTO_TEST_CASE(table_answer_has_the_contract_shape) {
  FixedEpoch epoch;
  const auto query = Query("purpose=analytics&by=department&period=month");
  auto doc = lrs::xapi::ParseJson(lrs::plugin::TableJson(epoch, query, SampleRows()));
  BOOST_REQUIRE(doc.ok());
  const auto& root = **doc;
  BOOST_TEST(std::string(root["table"].GetString()) == "outcomes");
  BOOST_TEST(root["k"].GetInt() == 5);
  BOOST_TEST(std::string(root["epoch"]["id"].GetString()) == "0123456789abcdef");
  BOOST_TEST(std::string(root["epoch"]["as_of"].GetString()) == "2026-12-05T00:00:00.123Z");
  BOOST_TEST(std::string(root["purpose"].GetString()) == "analytics");
  BOOST_TEST(root["by"].Size() == 1u);
  BOOST_TEST(std::string(root["by"][0].GetString()) == "department");
  BOOST_TEST(std::string(root["period"].GetString()) == "month");
  const auto& rows = root["rows"];
  BOOST_REQUIRE(rows.Size() == 4u);
  BOOST_TEST(lrs::xapi::ToJson(rows[0]) ==
             R"({"activity":"https://e.org/a","department":"sales","period":"2026-11-01",)"
             R"("measure":"completed","learners":12})");
  BOOST_TEST(lrs::xapi::ToJson(rows[1]) ==
             R"({"activity":"https://e.org/a","department":"legal","period":"2026-11-01",)"
             R"("measure":"failed","learners":null,"suppressed":true})");
  BOOST_TEST(rows[2]["value"].GetDouble() == 1260.5);
  BOOST_TEST(!rows[2].HasMember("learners"));
  BOOST_TEST(rows[3]["value"].IsNull());
  BOOST_TEST(rows[3]["suppressed"].GetBool());
}

BOOST_AUTO_TEST_CASE(funnel_step_is_a_number) {
  FixedEpoch epoch;
  Row step{{{"step", "2"}}, "reached", 9, std::nullopt, false};
  auto doc = lrs::xapi::ParseJson(lrs::plugin::TableJson(epoch, Query("purpose=analytics"), {step}));
  BOOST_REQUIRE(doc.ok());
  BOOST_TEST((**doc)["rows"][0]["step"].GetInt() == 2);
}

BOOST_AUTO_TEST_CASE(csv_has_a_header_and_the_same_rows) {
  const auto query = Query("purpose=analytics&by=department&period=month");
  const std::string csv = lrs::plugin::TableCsv(query, SampleRows());
  BOOST_TEST(csv ==
             "activity,department,period,measure,learners,value,suppressed\r\n"
             "https://e.org/a,sales,2026-11-01,completed,12,,false\r\n"
             "https://e.org/a,legal,2026-11-01,failed,,,true\r\n"
             "https://e.org/a,sales,2026-11-01,median_duration_s,,1260.5,false\r\n"
             "https://e.org/a,'=cmd|' /C calc'!A0,2026-11-01,median_duration_s,,,true\r\n");
}

BOOST_AUTO_TEST_CASE(csv_quotes_commas_quotes_and_line_breaks) {
  Row row{{{"activity", "https://e.org/a?x=1,2"}, {"department", "R&D \"labs\"\nnorth"}},
          "active", 7, std::nullopt, false};
  const std::string csv =
      lrs::plugin::TableCsv(Query("purpose=analytics&by=department"), {row});
  BOOST_TEST(csv ==
             "activity,department,measure,learners,value,suppressed\r\n"
             "\"https://e.org/a?x=1,2\",\"R&D \"\"labs\"\"\nnorth\",active,7,,false\r\n");
}

BOOST_AUTO_TEST_CASE(csv_without_rows_still_has_its_header) {
  BOOST_TEST(lrs::plugin::TableCsv(Query("purpose=analytics&period=day"), {}) ==
             "activity,period,measure,learners,value,suppressed\r\n");
}

BOOST_AUTO_TEST_CASE(catalogue_has_the_contract_shape) {
  FixedEpoch epoch;
  auto doc = lrs::xapi::ParseJson(lrs::plugin::CatalogueJson(epoch, {"department", "site"}));
  BOOST_REQUIRE(doc.ok());
  const auto& root = **doc;
  BOOST_TEST(root["k"].GetInt() == 5);
  BOOST_TEST(std::string(root["epoch"]["id"].GetString()) == "0123456789abcdef");
  BOOST_TEST(lrs::xapi::ToJson(root["cohort_dimensions"]) == R"(["department","site"])");
  BOOST_TEST(lrs::xapi::ToJson(root["periods"]) ==
             R"([{"period":"all","max_by":2},{"period":"day","max_by":0},)"
             R"({"period":"week","max_by":0},{"period":"month","max_by":2}])");
  BOOST_TEST(lrs::xapi::ToJson(root["tables"][0]) ==
             R"({"id":"outcomes","description":"Outcomes per activity",)"
             R"("parameters":["activity","by","period"],)"
             R"("measures":["attempted","completed","passed","failed"]})");
  BOOST_TEST(lrs::xapi::ToJson(root["activities"][0]) ==
             R"({"id":"https://e.org/a","name":{"en-US":"Safety"}})");
  BOOST_TEST(lrs::xapi::ToJson(root["activities"][1]["name"]) == "{}");
}

BOOST_AUTO_TEST_CASE(epoch_answer_reports_utility) {
  FixedEpoch epoch;
  auto doc = lrs::xapi::ParseJson(lrs::plugin::EpochAnswerJson(epoch));
  BOOST_REQUIRE(doc.ok());
  const auto& root = **doc;
  BOOST_TEST(std::string(root["epoch"]["id"].GetString()) == "0123456789abcdef");
  BOOST_TEST(root["utility"]["cells_at_least_k"].GetInt64() == 40);
  BOOST_TEST(root["utility"]["published_at_least_k"].GetInt64() == 34);
  BOOST_TEST(root["utility"]["published_share"].GetDouble() == 0.85);
  BOOST_TEST(root["utility"]["hidden"]["primary"].GetInt64() == 5);
  BOOST_TEST(root["utility"]["hidden"]["secondary"].GetInt64() == 2);
}

BOOST_AUTO_TEST_CASE(whole_statistics_are_integers_in_json_and_csv) {
  FixedEpoch epoch;
  Row whole{{{"activity", "https://e.org/a"}}, "median_duration_s", std::nullopt, 1800.0, false};
  Row half{{{"activity", "https://e.org/a"}}, "median_scaled", std::nullopt, 0.75, false};
  const auto query = Query("purpose=analytics");
  const std::string json = lrs::plugin::TableJson(epoch, query, {whole, half});
  BOOST_TEST(json.find(R"("value":1800})") != std::string::npos, json);
  BOOST_TEST(json.find(R"("value":0.75})") != std::string::npos, json);
  const std::string csv = lrs::plugin::TableCsv(query, {whole, half});
  BOOST_TEST(csv.find(",1800,false") != std::string::npos, csv);
  BOOST_TEST(csv.find(",0.75,false") != std::string::npos, csv);
}
