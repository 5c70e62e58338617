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

  // Complete each member place with zero cells of the other member categories.
  std::vector<std::pair<int32_t, uint32_t>> places;
  for (const InnerCell& c : block.inner) {
    if (c.category < roles_.size() && roles_[c.category] != CategoryRole::kOutside)
      places.emplace_back(c.day, c.tuple);
  }
  std::sort(places.begin(), places.end());
  places.erase(std::unique(places.begin(), places.end()), places.end());
  std::vector<InnerCell> zeros;
  for (uint32_t cat = 0; cat < roles_.size(); ++cat) {
    if (roles_[cat] == CategoryRole::kOutside) continue;
    for (const auto& [day, tuple] : places) {
      InnerCell probe{cat, day, tuple, 0};
      if (!std::binary_search(block.inner.begin(), block.inner.end(), probe, ByPlace)) zeros.push_back(probe);
    }
  }
  if (!zeros.empty()) {
    block.inner.insert(block.inner.end(), zeros.begin(), zeros.end());
    std::sort(block.inner.begin(), block.inner.end(), ByPlace);
  }
  block.roles = std::move(roles_);
  block.measures = std::move(measures);
  return block;
}

}  // namespace lrs::analytics
