// multipart/mixed bodies of the Statement resource (xAPI Communication 1.5.2),
// built and read byte-exactly, for the requests the clients cannot make (a
// wrong hash, binary data, a signature) and to check what the server returns.

import { createHash, randomUUID } from "node:crypto";
import { VERSION } from "./http.js";

export const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

/**
 * A statements request: `json` (a statement or an array) as the first part,
 * then each attachment {contentType, data (Buffer or string), hash (default:
 * the SHA-256 of data)}. Returns {contentType, body (Buffer)}.
 */
export function buildMultipart(json, attachments, boundary = `e2e-${randomUUID()}`) {
  const crlf = "\r\n";
  const chunks = [
    Buffer.from(`--${boundary}${crlf}Content-Type: application/json${crlf}${crlf}${JSON.stringify(json)}${crlf}`),
  ];
  for (const a of attachments) {
    const data = Buffer.isBuffer(a.data) ? a.data : Buffer.from(a.data, "utf8");
    chunks.push(
      Buffer.from(
        `--${boundary}${crlf}Content-Type: ${a.contentType}${crlf}Content-Transfer-Encoding: binary${crlf}` +
          `X-Experience-API-Hash: ${a.hash ?? sha256(data)}${crlf}${crlf}`,
      ),
      data,
      Buffer.from(crlf),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--${crlf}`));
  return { contentType: `multipart/mixed; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

/** The boundary parameter of a multipart Content-Type (quoted or not). */
export function boundaryOf(contentType) {
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType || "");
  if (!m) throw new Error(`no boundary in Content-Type ${JSON.stringify(contentType)}`);
  return m[1] ?? m[2];
}

/**
 * Splits a multipart body (Buffer) strictly by RFC 2046: the first delimiter
 * may open the body, every other one is CRLF--boundary, and the close
 * delimiter must be there. Returns [{headers: {lowercased name: value}, body: Buffer}].
 */
export function parseMultipart(contentType, body) {
  const boundary = boundaryOf(contentType);
  const open = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  if (body.indexOf(open) !== 0) throw new Error("the body does not open with the boundary");
  const parts = [];
  let pos = open.length;
  for (;;) {
    if (body.subarray(pos, pos + 2).toString() === "--") return parts; // close delimiter
    if (body.subarray(pos, pos + 2).toString() !== "\r\n") throw new Error(`no CRLF after a delimiter at ${pos}`);
    const headerEnd = body.indexOf("\r\n\r\n", pos);
    if (headerEnd < 0) throw new Error("unterminated part headers");
    const headers = {};
    const headerText = body.subarray(pos + 2, headerEnd).toString("latin1");
    for (const line of headerText ? headerText.split("\r\n") : []) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const end = body.indexOf(delimiter, headerEnd + 4);
    if (end < 0) throw new Error("no delimiter after a part: close delimiter missing");
    parts.push({ headers, body: body.subarray(headerEnd + 4, end) });
    pos = end + delimiter.length;
  }
}

/** GET (by default) with fetch; resolves {status, headers, bytes (Buffer)}. */
export async function requestBytes(lrs, pathAndQuery, { method = "GET", auth = lrs.auth, version = VERSION, headers = {}, body } = {}) {
  const res = await fetch(lrs.baseUrl + pathAndQuery, {
    method,
    headers: { Authorization: auth, "X-Experience-API-Version": version, ...headers },
    body,
  });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** POSTs a multipart/mixed statements request built by buildMultipart. */
export function postMultipart(lrs, { contentType, body }, opts = {}) {
  return requestBytes(lrs, "/xapi/statements", { ...opts, method: "POST", headers: { "Content-Type": contentType }, body });
}
