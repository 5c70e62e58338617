#pragma once
// Limits failed authentication attempts (issue 15, finding 11): per
// (credential key, client address) and per client address, never per key
// alone, so nobody can lock a credential out from somewhere else (credential
// keys are public: every statement's authority names one).
//
// Each bucket holds up to `burst` failures and regains one every
// `refill_interval_ms`. While either bucket of a request is empty the request
// is refused (429 with Retry-After) before its secret is checked, right or
// wrong, so a blocked guesser learns nothing; a right secret from an address
// whose buckets are not empty is never refused. Successes cost nothing.
//
// Addresses: an IPv4-mapped IPv6 address counts as its IPv4 address, and an
// IPv6 address by its /64 prefix (one subscriber usually holds a whole /64).
// An empty address (the transport did not say: in-process tests) is never
// limited: limiting it would put every client in one bucket.
//
// Memory is bounded: each table keeps at most `max_entries` buckets, the
// least recently failing one is dropped first; a key is cut to 64 bytes
// (credential keys are 20). At the default 20,000 per table, 11.6 MB at most
// (measured with 64-byte keys and IPv6 addresses).
//
// Thread safety: all methods may be called concurrently.

#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace lrs::plugin {

struct RateLimitOptions {
  // Per (key, address): 10 failures at once, then one per 6 s (10 a minute).
  int key_address_burst = 10;
  int64_t key_address_refill_interval_ms = 6000;
  // Per address, whatever the keys: 100 at once, then one per second.
  int address_burst = 100;
  int64_t address_refill_interval_ms = 1000;
  size_t max_entries = 20000;  // per table: at most 11.6 MB in all (measured, longest keys)
  std::function<int64_t()> now_ms;  // monotonic; default: steady_clock
};

class AuthRateLimiter {
 public:
  explicit AuthRateLimiter(RateLimitOptions options = {});

  // Seconds to wait (>= 1) when this request must be refused, else nullopt.
  std::optional<int64_t> RetryAfter(std::string_view key, std::string_view address);
  // Records one failed attempt (wrong secret or unknown key).
  void RecordFailure(std::string_view key, std::string_view address);

  size_t Entries();  // buckets held, both tables (tests)

  // The bucket name of an address (normalized as above).
  static std::string AddressBucket(std::string_view address);

 private:
  struct Bucket {
    std::string name;
    double failures_left = 0;
    int64_t updated_ms = 0;
  };
  class Table {
   public:
    Table(int burst, int64_t refill_interval_ms, size_t max_entries)
        : burst_(burst), refill_interval_ms_(refill_interval_ms), max_entries_(max_entries) {}
    std::optional<int64_t> RetryAfterMs(const std::string& name, int64_t now_ms) const;
    void Fail(const std::string& name, int64_t now_ms);
    size_t size() const { return index_.size(); }

   private:
    double Left(const Bucket& bucket, int64_t now_ms) const;
    int burst_;
    int64_t refill_interval_ms_;
    size_t max_entries_;
    std::list<Bucket> recent_;  // most recently failing first
    std::unordered_map<std::string, std::list<Bucket>::iterator> index_;
  };

  int64_t Now() const;
  static std::string KeyAddress(std::string_view key, const std::string& address_bucket);

  RateLimitOptions options_;
  std::mutex mutex_;
  Table by_key_address_;
  Table by_address_;
};

}  // namespace lrs::plugin
