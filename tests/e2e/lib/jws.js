// Signed statements (xAPI Data 2.6) made with node:crypto alone: an RSA key,
// a self-signed X.509 certificate for it (DER written by hand: node:crypto
// reads certificates but does not make them), and a compact JWS (RS256) over
// the statement with the certificate in "x5c", as the LRS verifies it.

import { generateKeyPairSync, randomBytes, sign, X509Certificate } from "node:crypto";

const SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature";

function derLength(n) {
  if (n < 0x80) return Buffer.from([n]);
  const bytes = [];
  for (; n > 0; n >>= 8) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag, ...content) => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
};
const seq = (...c) => tlv(0x30, ...c);
const set = (...c) => tlv(0x31, ...c);
const SHA256_WITH_RSA = Buffer.from("06092a864886f70d01010b0500", "hex"); // OID 1.2.840.113549.1.1.11, NULL
const COMMON_NAME = Buffer.from("0603550403", "hex"); // OID 2.5.4.3
const utcTime = (d) => tlv(0x17, Buffer.from(d.toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z"));

/** {privateKey, publicKey, certDer}: an RSA-2048 key and a self-signed certificate for it. */
export function makeSigner(commonName = "e2e statement signer") {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const serial = randomBytes(8);
  serial[0] = (serial[0] & 0x7f) | 0x01; // a positive INTEGER in minimal DER (no leading zero byte)
  const name = seq(set(seq(COMMON_NAME, tlv(0x0c, Buffer.from(commonName)))));
  const now = Date.now();
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // version v3
    tlv(0x02, serial),
    seq(SHA256_WITH_RSA),
    name,
    seq(utcTime(new Date(now - 86_400_000)), utcTime(new Date(now + 365 * 86_400_000))),
    name,
    publicKey.export({ type: "spki", format: "der" }),
  );
  const certDer = seq(tbs, seq(SHA256_WITH_RSA), tlv(0x03, Buffer.from([0]), sign("sha256", tbs, privateKey)));
  if (!new X509Certificate(certDer).verify(publicKey)) throw new Error("the hand-made certificate does not verify");
  return { privateKey, publicKey, certDer };
}

/** A compact JWS (RS256, x5c = the signer's certificate) whose payload is `statement`. */
export function signStatement(statement, signer) {
  const b64u = (value) => Buffer.from(value).toString("base64url");
  const header = { alg: "RS256", x5c: [signer.certDer.toString("base64")] };
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(statement))}`;
  return `${input}.${sign("sha256", Buffer.from(input), signer.privateKey).toString("base64url")}`;
}

/** The attachment object that declares a JWS (Data 2.6). */
export function signatureAttachment(jws, sha2) {
  return {
    usageType: SIGNATURE_USAGE,
    display: { "en-US": "Signature" },
    contentType: "application/octet-stream",
    length: Buffer.byteLength(jws),
    sha2,
  };
}
