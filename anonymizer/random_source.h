#pragma once
// Randomness behind an interface (STYLE.md rule 7): production code draws from
// OpenSSL's CSPRNG; tests inject a fixed sequence.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace lrs::anonymizer {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Fills `out` with `size` random bytes. Thread-safe in every implementation.
  virtual void Fill(uint8_t* out, size_t size) = 0;
  std::string Bytes(size_t size);
};

// OpenSSL RAND_bytes. Aborts the process if the CSPRNG fails: continuing
// without randomness would silently weaken every key and nonce.
std::shared_ptr<RandomSource> SystemRandom();

}  // namespace lrs::anonymizer
