#include "anonymizer/random_source.h"

#include <openssl/rand.h>

#include <climits>
#include <cstdio>
#include <cstdlib>

namespace lrs::anonymizer {
namespace {

class OpenSslRandom final : public RandomSource {
 public:
  void Fill(uint8_t* out, size_t size) override {
    // RAND_bytes takes an int; draw in chunks so any size_t request is honoured.
    while (size > 0) {
      const int chunk = size > static_cast<size_t>(INT_MAX) ? INT_MAX : static_cast<int>(size);
      if (RAND_bytes(out, chunk) != 1) {
        std::fputs("lrs: OpenSSL RAND_bytes failed; refusing to continue without randomness\n",
                   stderr);
        std::abort();
      }
      out += chunk;
      size -= static_cast<size_t>(chunk);
    }
  }
};

}  // namespace

std::string RandomSource::Bytes(size_t size) {
  std::string bytes(size, '\0');
  if (size > 0) Fill(reinterpret_cast<uint8_t*>(bytes.data()), size);
  return bytes;
}

std::shared_ptr<RandomSource> SystemRandom() {
  // Stateless and thread-safe (OpenSSL 3 keeps per-thread DRBGs), so one instance serves all.
  static const std::shared_ptr<RandomSource> instance = std::make_shared<OpenSslRandom>();
  return instance;
}

}  // namespace lrs::anonymizer
