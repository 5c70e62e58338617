#include "analytics/block.h"

#include <algorithm>
#include <tuple>

namespace lrs::analytics {
namespace {

bool ByPlace(const InnerCell& a, const InnerCell& b) {
  return std::tie(a.category, a.day, a.tuple) < std::tie(b.category, b.day, b.tuple);
}
bool SamePlace(const InnerCell& a, const InnerCell& b) {
  return a.category == b.category && a.day == b.day && a.tuple == b.tuple;
}

}  // namespace

Block BlockBuilder::Finish(std::vector<BlockMeasure> measures) {
  std::sort(cells_.begin(), cells_.end(), ByPlace);
  Block block;
  for (const InnerCell& c : cells_) {
    if (!block.inner.empty() && SamePlace(block.inner.back(), c)) {
      block.inner.back().count += c.count;
    } else {
      block.inner.push_back(c);
    }
  }
  cells_.clear();
  cells_.shrink_to_fit();

  block.roles = std::move(roles_);
  block.measures = std::move(measures);
  return block;
}

}  // namespace lrs::analytics
