#include "plugin/auth/auth_rate_limiter.h"

#include <arpa/inet.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace lrs::plugin {
namespace {

constexpr size_t kMaxKeyBytes = 64;

}  // namespace

AuthRateLimiter::AuthRateLimiter(RateLimitOptions options)
    : options_(std::move(options)),
      by_key_address_(options_.key_address_burst, options_.key_address_refill_interval_ms,
                      options_.max_entries),
      by_address_(options_.address_burst, options_.address_refill_interval_ms,
                  options_.max_entries) {}

int64_t AuthRateLimiter::Now() const {
  if (options_.now_ms) return options_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string AuthRateLimiter::AddressBucket(std::string_view address) {
  std::string text(address.substr(0, 64));
  unsigned char bytes[16];
  if (inet_pton(AF_INET6, text.c_str(), bytes) == 1) {
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    char out[INET6_ADDRSTRLEN] = {};
    if (std::equal(kMapped, kMapped + 12, bytes)) {
      inet_ntop(AF_INET, bytes + 12, out, sizeof out);
      return out;
    }
    std::fill(bytes + 8, bytes + 16, 0);  // the /64
    inet_ntop(AF_INET6, bytes, out, sizeof out);
    return std::string(out) + "/64";
  }
  return text;
}

std::string AuthRateLimiter::KeyAddress(std::string_view key, const std::string& address_bucket) {
  std::string name(key.substr(0, kMaxKeyBytes));
  name += '\n';
  name += address_bucket;
  return name;
}

std::optional<int64_t> AuthRateLimiter::RetryAfter(std::string_view key,
                                                   std::string_view address) {
  if (address.empty()) return std::nullopt;
  const std::string bucket = AddressBucket(address);
  const int64_t now = Now();
  std::lock_guard<std::mutex> lock(mutex_);
  std::optional<int64_t> wait_ms = by_address_.RetryAfterMs(bucket, now);
  std::optional<int64_t> pair_ms = by_key_address_.RetryAfterMs(KeyAddress(key, bucket), now);
  if (!wait_ms || (pair_ms && *pair_ms > *wait_ms)) wait_ms = pair_ms;
  if (!wait_ms) return std::nullopt;
  return std::max<int64_t>(1, (*wait_ms + 999) / 1000);
}

void AuthRateLimiter::RecordFailure(std::string_view key, std::string_view address) {
  if (address.empty()) return;
  const std::string bucket = AddressBucket(address);
  const int64_t now = Now();
  std::lock_guard<std::mutex> lock(mutex_);
  by_address_.Fail(bucket, now);
  by_key_address_.Fail(KeyAddress(key, bucket), now);
}

size_t AuthRateLimiter::Entries() {
  std::lock_guard<std::mutex> lock(mutex_);
  return by_key_address_.size() + by_address_.size();
}

double AuthRateLimiter::Table::Left(const Bucket& bucket, int64_t now_ms) const {
  const double regained =
      static_cast<double>(std::max<int64_t>(0, now_ms - bucket.updated_ms)) /
      static_cast<double>(std::max<int64_t>(1, refill_interval_ms_));
  return std::min(static_cast<double>(burst_), bucket.failures_left + regained);
}

std::optional<int64_t> AuthRateLimiter::Table::RetryAfterMs(const std::string& name,
                                                            int64_t now_ms) const {
  auto it = index_.find(name);
  if (it == index_.end()) return std::nullopt;
  const double left = Left(*it->second, now_ms);
  if (left >= 1.0) return std::nullopt;
  return static_cast<int64_t>(std::ceil((1.0 - left) * static_cast<double>(refill_interval_ms_)));
}

void AuthRateLimiter::Table::Fail(const std::string& name, int64_t now_ms) {
  auto it = index_.find(name);
  if (it != index_.end()) {
    Bucket& bucket = *it->second;
    bucket.failures_left = std::max(0.0, Left(bucket, now_ms) - 1.0);
    bucket.updated_ms = now_ms;
    recent_.splice(recent_.begin(), recent_, it->second);
    return;
  }
  if (max_entries_ == 0) return;
  if (index_.size() >= max_entries_) {
    index_.erase(recent_.back().name);
    recent_.pop_back();
  }
  recent_.push_front(Bucket{name, static_cast<double>(burst_) - 1.0, now_ms});
  index_.emplace(name, recent_.begin());
}

}  // namespace lrs::plugin
