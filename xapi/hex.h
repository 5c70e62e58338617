#pragma once
// Lowercase hexadecimal, for digests, keys and ids.

#include <string>
#include <string_view>

namespace lrs::xapi {

std::string HexEncode(std::string_view bytes);
// Either case. Returns false (and leaves `out` unspecified) on odd length or
// a non-hex character.
bool HexDecode(std::string_view hex, std::string& out);

}  // namespace lrs::xapi
