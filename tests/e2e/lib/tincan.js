// The second, independent xAPI client: Rustici's TinCanJS (npm `tincanjs`).
//
// Under Node its build (tincan-node.js, the package's main) replaces
// TinCan.LRS.prototype._makeRequest with an adapter over the `xhr2` package
// (an XMLHttpRequest for Node, a dependency of tincanjs): no shim is needed,
// but synchronous requests are not supported (TinCan.LRS.syncEnabled is
// false), so every call here passes a callback.
//
// What TinCanJS can and cannot say:
// - It speaks xAPI up to 1.0.2 (TinCan.versions()); this LRS treats every
//   1.0.x header as 1.0.3. The document methods take `requestHeaders`, which
//   are applied after the version header, so a document request can still be
//   sent as 2.0.0; statements cannot (Statement.asVersion refuses "2.0.0").
// - saveStatement always PUTs (TinCan.Statement stamps an id); saveStatements
//   POSTs; attachments with content go as multipart/mixed.
// - saveActivityProfile / saveAgentProfile send If-Match: <lastSHA1> when
//   given one, otherwise If-None-Match: * (create only). saveState sends
//   If-Match only with lastSHA1.
// - There is no Agents resource method: sendRequest (public) says it.
// - HTTP failures come back as the callback's err = the status code, with the
//   XMLHttpRequest as the result.

import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
export const TinCan = require("tincanjs");

/** The newest version TinCanJS speaks. */
export const TINCAN_VERSION = "1.0.2";

/** A TinCan.LRS for this server: the LMS credential unless `credential` is given. */
export function tincanLrs(lrs, { credential = lrs.lmsCred, version = TINCAN_VERSION } = {}) {
  return new TinCan.LRS({
    endpoint: lrs.endpoint,
    username: credential.key,
    password: credential.secret,
    version,
    allowFail: false,
  });
}

/**
 * Calls a callback-style TinCan.LRS method and resolves {err, result}:
 * tc(client, "retrieveState", "key", {activity, agent}).
 * The last argument is the method's cfg object; a callback is added to it.
 */
export function tc(client, method, ...args) {
  const cfg = args.length ? args.pop() : {};
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`TinCan ${method}: no callback within 15 s`)), 15_000);
    try {
      client[method](...args, {
        ...cfg,
        callback: (err, result) => {
          clearTimeout(timer);
          resolve({ err, result });
        },
      });
    } catch (e) {
      clearTimeout(timer);
      reject(e);
    }
  });
}

/** Like tc(), but throws unless err is null; resolves the result. */
export async function tcOk(client, method, ...args) {
  const { err, result } = await tc(client, method, ...args);
  if (err !== null) {
    const detail = result && typeof result.responseText === "string" ? `: ${result.responseText}` : "";
    throw new Error(`TinCan ${method} failed with ${err}${detail}`);
  }
  return result;
}

/** The HTTP status of a failed TinCan call (err is the status for HTTP failures). */
export function tcStatus({ err, result }) {
  if (err === null) return result && typeof result.status === "number" ? result.status : 200;
  return typeof err === "number" ? err : result?.status;
}

/**
 * Headers that make a TinCan document request speak `version` (a new object
 * each call: TinCanJS writes Content-Type and If-Match into it).
 */
export function versionHeaders(version) {
  return version.startsWith("1.0") ? {} : { "X-Experience-API-Version": version };
}
