// Implied zeros by one linear program (see implied_zeros_oracle.h).

#include "implied_zeros_oracle.h"

#include <glpk.h>

#include <cmath>
#include <memory>

namespace lrs::anonymizer::testing {
namespace {

struct ProblemDeleter {
  void operator()(glp_prob* lp) const { glp_delete_prob(lp); }
};

}  // namespace

std::vector<bool> ImpliedZeros(size_t inner_cells, const std::vector<PublishedRow>& published,
                               const std::vector<uint8_t>& ignore, const std::vector<uint32_t>& candidates) {
  std::vector<bool> implied(candidates.size(), true);
  if (candidates.empty()) return implied;
  auto ignored = [&](uint32_t i) { return i < ignore.size() && ignore[i]; };

  // Columns (1-based): x_i for every inner cell not ignored, then lambda, then t_z.
  std::vector<int> column(inner_cells, 0);
  int columns = 0;
  for (size_t i = 0; i < inner_cells; ++i) {
    if (!ignored(static_cast<uint32_t>(i))) column[i] = ++columns;
  }
  const int lambda = ++columns;
  const int first_t = columns + 1;
  columns += static_cast<int>(candidates.size());

  std::vector<int> ia{0}, ja{0};
  std::vector<double> ar{0};
  int rows = 0;
  for (const PublishedRow& row : published) {
    bool any = false;
    for (uint32_t i : *row.inner) {
      if (i >= inner_cells || ignored(i)) continue;
      if (!any) ++rows;
      any = true;
      ia.push_back(rows), ja.push_back(column[i]), ar.push_back(1.0);
    }
    if (any && row.value != 0) ia.push_back(rows), ja.push_back(lambda), ar.push_back(-static_cast<double>(row.value));
  }
  const int published_rows = rows;
  for (size_t z = 0; z < candidates.size(); ++z) {  // x_z - t_z >= 0
    const uint32_t i = candidates[z];
    if (i >= inner_cells || ignored(i)) continue;  // no column: stays "implied" (known already)
    ++rows;
    ia.push_back(rows), ja.push_back(column[i]), ar.push_back(1.0);
    ia.push_back(rows), ja.push_back(first_t + static_cast<int>(z)), ar.push_back(-1.0);
  }

  std::unique_ptr<glp_prob, ProblemDeleter> lp(glp_create_prob());
  glp_set_obj_dir(lp.get(), GLP_MAX);
  glp_add_cols(lp.get(), columns);
  for (int c = 1; c < first_t; ++c) glp_set_col_bnds(lp.get(), c, GLP_LO, 0.0, 0.0);
  for (int c = first_t; c <= columns; ++c) {
    glp_set_col_bnds(lp.get(), c, GLP_DB, 0.0, 1.0);
    glp_set_obj_coef(lp.get(), c, 1.0);
  }
  if (rows > 0) {
    glp_add_rows(lp.get(), rows);
    for (int r = 1; r <= published_rows; ++r) glp_set_row_bnds(lp.get(), r, GLP_FX, 0.0, 0.0);
    for (int r = published_rows + 1; r <= rows; ++r) glp_set_row_bnds(lp.get(), r, GLP_LO, 0.0, 0.0);
    glp_load_matrix(lp.get(), static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
  }
  glp_term_out(GLP_OFF);
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_ON;
  if (glp_simplex(lp.get(), &parm) != 0 || glp_get_status(lp.get()) != GLP_OPT) return implied;
  for (size_t z = 0; z < candidates.size(); ++z) {
    const uint32_t i = candidates[z];
    if (i >= inner_cells || ignored(i)) continue;
    // At the optimum every t is 0 or 1 (implied_zeros_oracle.h); 0.5 parts them through rounding.
    implied[z] = glp_get_col_prim(lp.get(), first_t + static_cast<int>(z)) < 0.5;
  }
  return implied;
}

}  // namespace lrs::anonymizer::testing
