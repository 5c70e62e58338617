#pragma once
// Test double: a RandomSource that replays a fixed byte sequence, cycling, so
// sealed blobs are byte-for-byte reproducible. Never use outside tests: it
// repeats nonces by design.

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>

#include "anonymizer/random_source.h"

namespace lrs::anonymizer::testing {

class FixedSequenceRandomForTests final : public RandomSource {
 public:
  // Precondition: `sequence` is not empty.
  explicit FixedSequenceRandomForTests(std::string sequence) : sequence_(std::move(sequence)) {}

  void Fill(uint8_t* out, size_t size) override {
    std::lock_guard<std::mutex> lock(mutex_);
    for (size_t i = 0; i < size; ++i) {
      out[i] = static_cast<uint8_t>(sequence_[next_]);
      next_ = (next_ + 1) % sequence_.size();
    }
  }

 private:
  std::mutex mutex_;
  const std::string sequence_;
  size_t next_ = 0;
};

}  // namespace lrs::anonymizer::testing
