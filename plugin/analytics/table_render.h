#pragma once
// The answers of the analytics API (issue 16), rendered with RapidJSON's
// writer (never by concatenation), exactly as the contract spells them:
//
//   catalogue  {"k","epoch":{"id","as_of"},"cohort_dimensions":[...],
//               "tables":[{"id","description","parameters","measures"}],
//               "activities":[{"id","name":{...}}]}
//   table      {"table","k","epoch":{...},"purpose","by":[...],"period",
//               "rows":[{DIMENSION: value..., "measure": NAME,
//                        "learners": N | "learners": null, "suppressed": true}]}
//     A statistic (median_...) rides on its own row: "value": x, or
//     "value": null, "suppressed": true. One label for every hidden cell.
//     "step" is a number; every other dimension a string.
//   csv        the same rows as text/csv (RFC 4180, CRLF): a header line of
//              the dimension columns (activity, each by dimension, period
//              unless all, then step, bin or any other the rows carry, in
//              order of first appearance), measure, learners, value,
//              suppressed ("true" or "false"). A hidden number is an empty
//              field. A text field that a spreadsheet would run as a formula
//              (it begins with = + - @, a tab or CR) is prefixed with ' (OWASP,
//              CSV injection): cohort values come from statements, and an LMS
//              is not trusted to keep formulas out of them.
//   epoch      {"epoch":{"id","as_of"},"utility":{...}} for POST /admin/epoch.
//
// "as_of" is RFC 3339 UTC with milliseconds. Pure; thread-safe.

#include <string>
#include <vector>

#include "analytics/epoch.h"
#include "plugin/analytics/table_request.h"

namespace lrs::plugin {

std::string CatalogueJson(const analytics::Epoch& epoch,
                          const std::vector<std::string>& cohort_dimensions);

std::string TableJson(const analytics::Epoch& epoch, const TableQuery& query,
                      const std::vector<analytics::Row>& rows);

std::string TableCsv(const TableQuery& query, const std::vector<analytics::Row>& rows);

std::string EpochAnswerJson(const analytics::Epoch& epoch);

// Whether a measure is a statistic ("value") rather than a count ("learners").
bool IsStatistic(const std::string& measure);

}  // namespace lrs::plugin
