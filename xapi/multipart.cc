#include "xapi/multipart.h"

#include "xapi/hex.h"
#include "xapi/media_type.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

namespace lrs::xapi {
namespace {

constexpr char kRule[] = "xAPI Communication 1.5.2: multipart/mixed (RFC 2046)";
constexpr std::string_view kCrlf = "\r\n";
constexpr size_t kMaxBoundary = 70;  // RFC 2046 5.1.1

Error Bad(std::string path, std::string message) {
  return MakeError(400, kRule, std::move(path), std::move(message));
}

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return Lower(x) == Lower(y); });
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && (IsSpace(s.back()) || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// RFC 2046 5.1.1 bchars (space allowed, but not last).
bool IsBoundaryChar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

bool IsHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

std::string PartPath(size_t index) { return "part[" + std::to_string(index) + "]"; }

// Parses the header block of one part (lines separated by CRLF; a line that
// starts with a space or tab continues the previous one, RFC 5322 folding).
MaybeError ParseHeaders(std::string_view block, size_t index, MultipartPart& part) {
  while (!block.empty()) {
    size_t end = block.find(kCrlf);
    std::string_view line = block.substr(0, end);
    block = end == std::string_view::npos ? std::string_view() : block.substr(end + 2);
    if (line.empty()) continue;
    if (IsSpace(line.front())) {
      if (part.headers.empty())
        return Bad(PartPath(index), "a part's headers start with a folded line");
      part.headers.back().second += " " + std::string(Trim(line));
      continue;
    }
    size_t colon = line.find(':');
    std::string_view name = colon == std::string_view::npos ? "" : Trim(line.substr(0, colon));
    if (name.empty() || name.find(' ') != std::string_view::npos) {
      return Bad(PartPath(index), "a part's header line is not of the form Name: value");
    }
    part.headers.emplace_back(std::string(name), std::string(Trim(line.substr(colon + 1))));
  }
  return std::nullopt;
}

const EVP_MD* DigestForHexLength(size_t hex_length) {
  switch (hex_length) {
    case 56:
      return EVP_sha224();
    case 64:
      return EVP_sha256();
    case 96:
      return EVP_sha384();
    case 128:
      return EVP_sha512();
    default:
      return nullptr;
  }
}

}  // namespace

std::string_view MultipartPart::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return {};
}

bool IsMediaType(std::string_view content_type, std::string_view type) {
  return EqualsIgnoreCase(Trim(content_type.substr(0, content_type.find(';'))), type);
}

Result<std::string> MultipartBoundary(std::string_view content_type) {
  size_t pos = content_type.find(';');
  while (pos != std::string_view::npos && pos < content_type.size()) {
    ++pos;  // past ';'
    while (pos < content_type.size() && IsSpace(content_type[pos])) ++pos;
    size_t eq = content_type.find('=', pos);
    if (eq == std::string_view::npos) break;
    std::string_view name = Trim(content_type.substr(pos, eq - pos));
    std::string value;
    pos = eq + 1;
    if (pos < content_type.size() && content_type[pos] == '"') {
      // quoted-string (RFC 2045 5.1): a backslash quotes the next character.
      for (++pos; pos < content_type.size() && content_type[pos] != '"'; ++pos) {
        if (content_type[pos] == '\\' && pos + 1 < content_type.size()) ++pos;
        value += content_type[pos];
      }
      if (pos >= content_type.size()) return Bad("", "the boundary parameter has no closing quote");
      pos = content_type.find(';', pos);
    } else {
      size_t end = content_type.find(';', pos);
      value = std::string(Trim(content_type.substr(
          pos, end == std::string_view::npos ? std::string_view::npos : end - pos)));
      pos = end;
    }
    if (!EqualsIgnoreCase(name, "boundary")) continue;
    if (value.empty() || value.size() > kMaxBoundary || value.back() == ' ' ||
        !std::all_of(value.begin(), value.end(), IsBoundaryChar)) {
      return Bad("", "the boundary parameter must be 1 to 70 RFC 2046 boundary characters");
    }
    return value;
  }
  return Bad("", "a multipart/mixed Content-Type needs a boundary parameter");
}

Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body,
                                                  std::string_view boundary) {
  const std::string dash_boundary = "--" + std::string(boundary);
  const std::string delimiter = std::string(kCrlf) + dash_boundary;

  // The first delimiter may open the body; anything before it is preamble.
  size_t pos;
  if (body.substr(0, dash_boundary.size()) == dash_boundary) {
    pos = dash_boundary.size();
  } else {
    size_t found = body.find(delimiter);
    if (found == std::string_view::npos) {
      return Bad("", "the body contains no boundary delimiter from the Content-Type header");
    }
    pos = found + delimiter.size();
  }

  std::vector<MultipartPart> parts;
  for (;;) {
    if (body.substr(pos, 2) == "--") {
      if (parts.empty()) return Bad("", "the body has no parts");
      return parts;  // close delimiter; the epilogue is ignored
    }
    while (pos < body.size() && IsSpace(body[pos])) ++pos;  // transport padding
    if (body.substr(pos, 2) != kCrlf) {
      return Bad(PartPath(parts.size()), "a boundary delimiter line must end with CRLF");
    }
    pos += 2;
    size_t next = body.find(delimiter, pos);
    if (next == std::string_view::npos) {
      return Bad(PartPath(parts.size()), "the body ends without the closing boundary delimiter");
    }
    std::string_view content = body.substr(pos, next - pos);
    MultipartPart part;
    std::string_view header_block;
    if (content.substr(0, 2) == kCrlf) {  // no headers
      part.body = std::string(content.substr(2));
    } else if (size_t blank = content.find("\r\n\r\n"); blank != std::string_view::npos) {
      header_block = content.substr(0, blank);
      part.body = std::string(content.substr(blank + 4));
    } else {
      header_block = content;  // headers only, empty body
    }
    if (MaybeError error = ParseHeaders(header_block, parts.size(), part)) return *error;
    parts.push_back(std::move(part));
    pos = next + delimiter.size();
  }
}

Result<StatementMultipart> ParseStatementMultipart(std::string_view content_type,
                                                   std::string_view body) {
  Result<std::string> boundary = MultipartBoundary(content_type);
  if (!boundary.ok()) return boundary.error();
  Result<std::vector<MultipartPart>> parts = ParseMultipart(body, *boundary);
  if (!parts.ok()) return parts.error();

  StatementMultipart out;
  MultipartPart& first = parts->front();
  if (!IsMediaType(first.Header("Content-Type"), "application/json")) {
    return Bad(PartPath(0),
               "the first part holds the statements and has Content-Type application/json");
  }
  out.json = std::move(first.body);
  for (size_t i = 1; i < parts->size(); ++i) {
    MultipartPart& part = (*parts)[i];
    // Communication 1.5.2: "an LRS SHOULD assume a Content-Transfer-Encoding
    // of binary"; any other encoding (base64, quoted-printable) is refused
    // rather than decoded (the suite expects 400, XAPI-00135).
    std::string_view encoding = part.Header("Content-Transfer-Encoding");
    if (!encoding.empty() && !EqualsIgnoreCase(encoding, "binary")) {
      return Bad(PartPath(i), "attachment parts use Content-Transfer-Encoding: binary");
    }
    std::string_view hash = part.Header("X-Experience-API-Hash");
    if (hash.empty()) {
      return Bad(PartPath(i), "every part after the first has an X-Experience-API-Hash header");
    }
    if (!IsHex(hash) || DigestForHexLength(hash.size()) == nullptr) {
      return Bad(PartPath(i),
                 "X-Experience-API-Hash is a hex SHA-224, SHA-256, SHA-384 or SHA-512");
    }
    // The part's type may be served back with the data (when the statement
    // names none): only a media type, never a control character.
    std::string_view type = part.Header("Content-Type");
    if (!type.empty() && !IsValidMediaType(type)) {
      return Bad(PartPath(i), "the part's Content-Type is not a media type");
    }
    std::string sha2 = ToLower(hash);
    if (Sha2Hex(part.body, sha2.size()) != sha2) {
      return Bad(PartPath(i), "the part's data does not hash to its X-Experience-API-Hash");
    }
    out.attachments.push_back(
        {std::move(sha2), std::string(part.Header("Content-Type")), std::move(part.body)});
  }
  return out;
}

BuiltMultipart BuildMultipart(std::string_view json,
                              const std::vector<AttachmentPart>& attachments) {
  // A boundary derived from the content, re-derived until it occurs nowhere
  // in it (RFC 2046 5.1.1); hex only, so clients that put it in a regular
  // expression (the suite's multipartParser.js) read it literally.
  std::string seed(json);
  for (const auto& a : attachments) seed += a.sha2;
  std::string boundary;
  for (int round = 0;; ++round) {
    boundary = "xapi" + Sha2Hex(seed + std::to_string(round), 64).substr(0, 48);
    bool clash = json.find(boundary) != std::string_view::npos;
    for (const auto& a : attachments)
      clash = clash || a.content.find(boundary) != std::string::npos;
    if (!clash) break;
  }

  const std::string dash_boundary = "--" + boundary;
  std::string body;
  body.reserve(json.size() + 256);
  body += dash_boundary + "\r\nContent-Type: application/json\r\n\r\n";
  body += json;
  for (const auto& a : attachments) {
    body += "\r\n" + dash_boundary + "\r\nContent-Type: ";
    // A type stored before media types were checked is served as bytes.
    body += IsValidMediaType(a.content_type) ? a.content_type : "application/octet-stream";
    body +=
        "\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: " + a.sha2 + "\r\n\r\n";
    body += a.content;
  }
  body += "\r\n" + dash_boundary + "--\r\n";
  return {"multipart/mixed; boundary=" + boundary, std::move(body)};
}

std::string Sha2Hex(std::string_view data, size_t hex_length) {
  const EVP_MD* md = DigestForHexLength(hex_length);
  if (md == nullptr) return {};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &n, md, nullptr) != 1) return {};
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), n));
}

}  // namespace lrs::xapi
