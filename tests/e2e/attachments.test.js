// Statements with attachments (xAPI Communication 1.5.2, Data 2.4.11) and
// signed statements (Data 2.6): multipart/mixed requests with
// X-Experience-API-Hash through both clients, GET ?attachments=true answered
// as multipart/mixed with the same bytes, fileUrl-only attachments in plain
// JSON, and the refusals (a wrong hash, a missing or an extra part, a
// tampered signed statement) that store nothing.
//
// @xapi/xapi builds multipart bodies, but under Node its default (axios)
// adapter sends the body Blob as application/octet-stream, dropping the
// multipart Content-Type; its "fetch" adapter keeps it, so attachments are
// sent through a client with adapter "fetch". Its builder also omits the CRLF
// before every delimiter but the last, so it can carry one attachment per
// request; bodies with several parts, binary data or wrong hashes are built
// by hand (lib/multipart.js).
// Last: no learner identity (the attachment texts name the learner) reached
// the data dir.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import XAPI from "@xapi/xapi";
import { startLrs } from "./lib/harness.js";
import { isErrorBody } from "./lib/http.js";
import { uuid, tag, VERBS, activity } from "./lib/statements.js";
import { TinCan, tincanLrs, tcOk } from "./lib/tincan.js";
import { sha256, buildMultipart, parseMultipart, requestBytes, postMultipart } from "./lib/multipart.js";
import { makeSigner, signStatement, signatureAttachment } from "./lib/jws.js";
import { identitiesOnDisk, agentNeedles } from "./lib/disk.js";

const SUPPORTING_MEDIA = "http://id.tincanapi.com/attachment/supporting_media";

let lrs;
let xapi; // axios adapter: JSON requests and reads
let xapiMultipart; // fetch adapter: multipart requests
before(async () => {
  lrs = await startLrs();
  xapi = lrs.client();
  xapiMultipart = new XAPI({ endpoint: lrs.endpoint, auth: lrs.auth, version: "1.0.3", adapter: "fetch" });
});
after(async () => {
  await lrs?.stop();
});

const usedAgents = [];
function learner(t, who) {
  const agent = { objectType: "Agent", name: `${who} Abernathy-${t}`, mbox: `mailto:${who}.abernathy.${t}@example.org` };
  usedAgents.push(agent);
  return agent;
}

function attachmentFor(data, { contentType = "text/plain", usageType = SUPPORTING_MEDIA, fileUrl } = {}) {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data, "utf8");
  const a = { usageType, display: { "en-US": "essay" }, contentType, length: bytes.length, sha2: sha256(bytes) };
  if (fileUrl) a.fileUrl = fileUrl;
  return a;
}

async function getStatementBytes(id, { attachments = true, version } = {}) {
  return requestBytes(lrs, `/xapi/statements?statementId=${id}${attachments ? "&attachments=true" : ""}`, { version });
}

async function assertNotStored(id, what) {
  const res = await requestBytes(lrs, `/xapi/statements?statementId=${id}`);
  assert.equal(res.status, 404, `${what}: the statement must not be stored`);
}

/** A 400 with the project's error body naming `path` (the part or the attachment at fault). */
function assertRefused(res, what, path) {
  const text = res.bytes.toString();
  assert.equal(res.status, 400, `${what}: ${text}`);
  const body = JSON.parse(text);
  assert.ok(isErrorBody(body, 400), `${what}: error body ${text}`);
  assert.equal(body.path, path, `${what}: the error names what is at fault: ${text}`);
}

test("@xapi/xapi: a text attachment sent as multipart/mixed comes back from GET ?attachments=true with the same bytes and hash", async () => {
  const t = tag();
  const actor = learner(t, "essayist");
  const text = `Essay by ${actor.name}: caf\u00e9, na\u00efve \u2713 \u2014 ${t}`;
  const registration = uuid();
  const statement = {
    id: uuid(),
    actor,
    verb: VERBS.completed,
    object: activity(t, 1),
    context: { registration },
    attachments: [attachmentFor(text)],
  };
  const sent = await xapiMultipart.sendStatement({ statement, attachments: [Buffer.from(text, "utf8")] });
  assert.equal(sent.status, 200);
  assert.deepEqual(sent.data, [statement.id]);

  // The client reads it back, attachment included.
  const got = await xapi.getStatement({ statementId: statement.id, attachments: true });
  assert.match(got.headers["content-type"], /^multipart\/mixed; *boundary=/);
  assert.equal(got.data.length, 2, "the statement and one attachment");
  assert.deepEqual(got.data[0].attachments, statement.attachments);
  assert.deepEqual(got.data[0].actor, actor);
  assert.equal(got.data[1], text);

  // The bytes, exactly.
  const raw = await getStatementBytes(statement.id);
  assert.equal(raw.status, 200);
  const parts = parseMultipart(raw.headers.get("content-type"), raw.bytes);
  assert.equal(parts.length, 2);
  assert.match(parts[0].headers["content-type"], /^application\/json/);
  assert.equal(JSON.parse(parts[0].body.toString("utf8")).id, statement.id);
  assert.equal(parts[1].headers["x-experience-api-hash"], statement.attachments[0].sha2);
  assert.equal(parts[1].headers["content-type"], "text/plain");
  assert.equal(parts[1].headers["content-transfer-encoding"], "binary");
  assert.ok(parts[1].body.equals(Buffer.from(text, "utf8")), "the attachment's bytes are the ones sent");

  // Without attachments=true: plain JSON, the attachment object only.
  const plain = await getStatementBytes(statement.id, { attachments: false });
  assert.match(plain.headers.get("content-type"), /^application\/json/);
  assert.deepEqual(JSON.parse(plain.bytes.toString()).attachments, statement.attachments);

  // A query with attachments=true is multipart too: the StatementResult, then the data.
  const query = await requestBytes(lrs, `/xapi/statements?registration=${registration}&attachments=true`);
  assert.equal(query.status, 200);
  const queryParts = parseMultipart(query.headers.get("content-type"), query.bytes);
  assert.deepEqual(JSON.parse(queryParts[0].body.toString()).statements.map((s) => s.id), [statement.id]);
  assert.equal(queryParts.length, 2);
  assert.ok(queryParts[1].body.equals(Buffer.from(text, "utf8")));
});

test("TinCanJS: saveStatement with attachment content goes as multipart/mixed; retrieveStatement with attachments returns it", async () => {
  const t = tag();
  const actor = learner(t, "tincan-writer");
  const text = `Reflection by ${actor.name} \u00e0 ${t}`;
  const client = tincanLrs(lrs);
  const statement = new TinCan.Statement({
    actor,
    verb: { id: VERBS.completed.id, display: VERBS.completed.display },
    target: { id: activity(t, 2).id },
    attachments: [{ usageType: SUPPORTING_MEDIA, display: { "en-US": "reflection" }, contentType: "text/plain", content: text }],
  });
  assert.equal(statement.attachments[0].sha2, sha256(Buffer.from(text, "utf8")));
  const saved = await tcOk(client, "saveStatement", statement, {});
  assert.equal(saved.status, 204, "TinCanJS PUTs a statement with its id");

  const back = await tcOk(client, "retrieveStatement", statement.id, { params: { attachments: true } });
  assert.equal(back.id, statement.id);
  assert.equal(back.attachments.length, 1);
  assert.equal(back.attachments[0].sha2, statement.attachments[0].sha2);
  assert.equal(back.attachments[0].getContentAsString(), text);

  const raw = await getStatementBytes(statement.id);
  const parts = parseMultipart(raw.headers.get("content-type"), raw.bytes);
  assert.ok(parts[1].body.equals(Buffer.from(text, "utf8")));
  // And @xapi/xapi reads what TinCanJS wrote.
  const viaXapi = await xapi.getStatement({ statementId: statement.id });
  assert.deepEqual(viaXapi.data.attachments, [{ ...attachmentFor(text), display: { "en-US": "reflection" } }]);
});

test("hand-built multipart: binary data and two attachments round-trip byte for byte (1.0.3 and 2.0.0)", async () => {
  for (const version of ["1.0.3", "2.0.0"]) {
    const t = tag();
    const binary = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37 + 255) & 0xff)); // not UTF-8
    const text = `notes ${t}\r\n--not-a-boundary\r\n`;
    const statement = {
      id: uuid(),
      actor: learner(t, `binary-${version}`),
      verb: VERBS.experienced,
      object: activity(t, 3),
      attachments: [attachmentFor(binary, { contentType: "application/octet-stream" }), attachmentFor(text)],
    };
    const res = await postMultipart(lrs, buildMultipart(statement, [{ contentType: "application/octet-stream", data: binary }, { contentType: "text/plain", data: text }]), { version });
    assert.equal(res.status, 200, `${version}: ${res.bytes.toString()}`);
    const raw = await getStatementBytes(statement.id, { version });
    const parts = parseMultipart(raw.headers.get("content-type"), raw.bytes);
    assert.equal(parts.length, 3, version);
    const byHash = Object.fromEntries(parts.slice(1).map((p) => [p.headers["x-experience-api-hash"], p.body]));
    assert.ok(byHash[sha256(binary)]?.equals(binary), `${version}: the binary attachment's bytes`);
    assert.ok(byHash[sha256(Buffer.from(text))]?.equals(Buffer.from(text)), `${version}: the text attachment's bytes`);
  }
});

test("the part returned for an attachment carries the contentType its statement declares, even for bytes stored before under another", async () => {
  // Communication 1.5.2 (Requirements for Attachment Statement Batches, which
  // statement results follow): a part's Content-Type and its attachment
  // object's contentType MUST match. The same bytes may well be sent twice
  // under two types (a file uploaded as text/plain, later as text/markdown).
  const t = tag();
  const actor = learner(t, "retyped");
  const data = `# the same notes ${t}`;
  const asText = { id: uuid(), actor, verb: VERBS.experienced, object: activity(t, 7), attachments: [attachmentFor(data, { contentType: "text/plain" })] };
  const asMarkdown = { ...asText, id: uuid(), attachments: [attachmentFor(data, { contentType: "text/markdown" })] };
  for (const s of [asText, asMarkdown]) {
    const res = await postMultipart(lrs, buildMultipart(s, [{ contentType: s.attachments[0].contentType, data }]));
    assert.equal(res.status, 200, res.bytes.toString());
  }
  for (const s of [asText, asMarkdown]) {
    const raw = await getStatementBytes(s.id);
    const parts = parseMultipart(raw.headers.get("content-type"), raw.bytes);
    assert.equal(parts[1].body.toString(), data);
    assert.equal(
      parts[1].headers["content-type"],
      JSON.parse(parts[0].body.toString()).attachments[0].contentType,
      `GET ?statementId=${s.id}&attachments=true: the part's Content-Type must match the attachment's contentType (${s.attachments[0].contentType})`,
    );
  }
});

test("a fileUrl-only attachment goes in plain JSON; one without fileUrl or data is 400", async () => {
  const t = tag();
  const withUrl = {
    id: uuid(),
    actor: learner(t, "linker"),
    verb: VERBS.experienced,
    object: activity(t, 4),
    attachments: [attachmentFor("hosted elsewhere", { contentType: "application/pdf", fileUrl: `https://files.example.org/${t}/certificate.pdf` })],
  };
  const sent = await xapi.sendStatement({ statement: withUrl });
  assert.deepEqual(sent.data, [withUrl.id]);
  const got = await xapi.getStatement({ statementId: withUrl.id });
  assert.deepEqual(got.data.attachments, withUrl.attachments);
  const raw = await getStatementBytes(withUrl.id);
  assert.equal(raw.status, 200);
  const parts = parseMultipart(raw.headers.get("content-type"), raw.bytes);
  assert.equal(parts.length, 1, "no data part for an attachment known by its fileUrl only");
  assert.deepEqual(JSON.parse(parts[0].body.toString()).attachments, withUrl.attachments);

  const noData = { ...withUrl, id: uuid(), attachments: [attachmentFor("no url, no part")] };
  await assert.rejects(xapi.sendStatement({ statement: noData }), (e) => e.response?.status === 400);
  await assertNotStored(noData.id, "an attachment with neither fileUrl nor data");
});

test("multipart refusals store nothing: wrong hash, missing part, extra part, a first part that is not JSON", async () => {
  const t = tag();
  const text = `the real essay ${t}`;
  const make = () => ({ id: uuid(), actor: learner(t, "refused"), verb: VERBS.completed, object: activity(t, 5), attachments: [attachmentFor(text)] });

  // The part says (and the statement declares) the hash of `text`, but carries other bytes.
  const wrongHash = make();
  assertRefused(await postMultipart(lrs, buildMultipart(wrongHash, [{ contentType: "text/plain", data: `${text} (altered)`, hash: sha256(Buffer.from(text)) }])), "bytes that do not match X-Experience-API-Hash", "part[1]");
  await assertNotStored(wrongHash.id, "wrong hash");

  // The part is honest about its hash, but it is not the declared attachment's.
  const otherData = make();
  assertRefused(await postMultipart(lrs, buildMultipart(otherData, [{ contentType: "text/plain", data: "different bytes" }])), "a part for no declared attachment", "$.attachments[0].sha2");
  await assertNotStored(otherData.id, "undeclared part");

  const missing = make();
  assertRefused(await postMultipart(lrs, buildMultipart(missing, [])), "a declared attachment without its part", "$.attachments[0].sha2");
  await assertNotStored(missing.id, "missing part");

  const extra = make();
  assertRefused(
    await postMultipart(lrs, buildMultipart(extra, [{ contentType: "text/plain", data: text }, { contentType: "text/plain", data: "unasked for" }])),
    "an extra part",
    "part[2]",
  );
  await assertNotStored(extra.id, "extra part");

  // In a batch, one bad statement refuses the whole request.
  const good = make();
  const bad = { ...make(), attachments: [attachmentFor("never sent")] };
  assertRefused(await postMultipart(lrs, buildMultipart([good, bad], [{ contentType: "text/plain", data: text }])), "a batch with one attachment missing", "$[1].attachments[0].sha2");
  await assertNotStored(good.id, "the good statement of a refused batch");

  const notJson = make();
  const body = buildMultipart(notJson, [{ contentType: "text/plain", data: text }]);
  body.body = Buffer.from(body.body.toString("latin1").replace("Content-Type: application/json", "Content-Type: text/plain"), "latin1");
  assertRefused(await postMultipart(lrs, body), "a first part that is not application/json", "part[0]");
  await assertNotStored(notJson.id, "first part not JSON");
});

test("a JWS-signed statement (RS256, x5c) is accepted and returned with its signature; a tampered one is 400", async () => {
  const t = tag();
  const signer = makeSigner(`e2e signer ${t}`);
  const original = {
    id: uuid(),
    actor: learner(t, "signer"),
    verb: VERBS.completed,
    object: activity(t, 6),
    result: { score: { scaled: 0.9 }, success: true },
    timestamp: "2024-05-01T10:00:00.000Z",
  };
  const jws = signStatement(original, signer);
  const signed = { ...original, attachments: [signatureAttachment(jws, sha256(Buffer.from(jws)))] };

  const sent = await xapiMultipart.sendStatement({ statement: signed, attachments: [Buffer.from(jws)] });
  assert.deepEqual(sent.data, [original.id]);
  const raw = await getStatementBytes(original.id);
  const parts = parseMultipart(raw.headers.get("content-type"), raw.bytes);
  assert.deepEqual(JSON.parse(parts[0].body.toString()).attachments, signed.attachments);
  assert.equal(parts[1].body.toString(), jws, "the JWS comes back as sent");

  // The statement changed after signing: the payload no longer matches it.
  const tamperedStatement = { ...signed, id: uuid(), result: { score: { scaled: 1.0 }, success: true } };
  const tamperedJws = signStatement({ ...original, id: tamperedStatement.id }, signer);
  tamperedStatement.attachments = [signatureAttachment(tamperedJws, sha256(Buffer.from(tamperedJws)))];
  assertRefused(
    await postMultipart(lrs, buildMultipart(tamperedStatement, [{ contentType: "application/octet-stream", data: tamperedJws }])),
    "a statement that differs from its signed payload",
    "$.attachments[0]",
  );
  await assertNotStored(tamperedStatement.id, "tampered statement");

  // The signature bytes changed: it no longer verifies with the x5c certificate.
  const forged = { ...original, id: uuid() };
  const goodJws = signStatement(forged, signer);
  const [h, p, s] = goodJws.split(".");
  const flipped = `${h}.${p}.${(s[0] === "A" ? "B" : "A") + s.slice(1)}`;
  forged.attachments = [signatureAttachment(flipped, sha256(Buffer.from(flipped)))];
  assertRefused(await postMultipart(lrs, buildMultipart(forged, [{ contentType: "application/octet-stream", data: flipped }])), "a signature that does not verify", "$.attachments[0]");
  await assertNotStored(forged.id, "forged signature");

  // Signed by another key than the certificate's.
  const impostor = makeSigner("impostor");
  const mixed = { ...original, id: uuid() };
  const [mh] = signStatement(mixed, signer).split(".");
  const [, mp, ms] = signStatement(mixed, impostor).split(".");
  const mixedJws = `${mh}.${mp}.${ms}`;
  mixed.attachments = [signatureAttachment(mixedJws, sha256(Buffer.from(mixedJws)))];
  assertRefused(await postMultipart(lrs, buildMultipart(mixed, [{ contentType: "application/octet-stream", data: mixedJws }])), "signed by a key the x5c certificate does not hold", "$.attachments[0]");
  await assertNotStored(mixed.id, "impostor signature");
});

test("no name or mbox of the learners above (nor the attachment texts naming them) is on disk", async () => {
  const needles = usedAgents.flatMap(agentNeedles);
  assert.ok(needles.length >= 20);
  assert.deepEqual(identitiesOnDisk(lrs, needles), [], "while the server runs (WAL included)");
  await lrs.shutdown();
  assert.deepEqual(identitiesOnDisk(lrs, needles), [], "after a clean stop");
  assert.deepEqual(needles.filter((n) => lrs.output().includes(n)), [], "in the server's output");
});
