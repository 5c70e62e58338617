// Raw HTTP for the cases an xAPI client cannot express: missing headers,
// bytes that are not JSON or not UTF-8, streamed bodies, HEAD, PUT.

import http from "node:http";
import net from "node:net";

export const VERSION = "1.0.3";

/**
 * fetch() against the server; returns {status, headers, text, json}.
 * opts: {method, auth, version (null = omit the header), headers, body, query}.
 */
export async function request(lrs, pathAndQuery, opts = {}) {
  const headers = { ...(opts.headers || {}) };
  if (opts.auth !== null) headers.Authorization = opts.auth ?? lrs.auth;
  if (opts.version !== null) headers["X-Experience-API-Version"] = opts.version ?? VERSION;
  let body = opts.body;
  if (body !== undefined && typeof body !== "string" && !Buffer.isBuffer(body)) {
    body = JSON.stringify(body);
  }
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
    headers["Content-Type"] = "application/json";
  }
  const res = await fetch(lrs.baseUrl + pathAndQuery, { method: opts.method || "GET", headers, body });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/**
 * The project's error body: {"status":N,"rule":"...","path":P,"message":"..."},
 * P a JSON path into the body ("$..."), "?name" for a query parameter,
 * "part[N]" for a part of a multipart body, or "".
 */
export function isErrorBody(json, status) {
  return (
    json !== null &&
    typeof json === "object" &&
    json.status === status &&
    typeof json.rule === "string" &&
    typeof json.path === "string" &&
    (json.path === "" || json.path.startsWith("$") || /^(\?[A-Za-z_]|part\[\d+\])/.test(json.path)) && // "" where nothing is at fault
    typeof json.message === "string"
  );
}

/**
 * node:http POST with full control of the body: `body` is a Buffer (sent with
 * Content-Length unless chunked), or chunked=true with a Buffer streamed in
 * `chunkSize` pieces (Transfer-Encoding: chunked). declaredLength sends a
 * Content-Length header but only `body` (possibly nothing) of it.
 * Resolves with {status, headers, text, writeError} as soon as the response
 * ends; the server may cut the upload short, so write errors are recorded,
 * not thrown.
 */
export function rawPost(lrs, pathAndQuery, { body = Buffer.alloc(0), chunked = false, chunkSize = 8192, declaredLength, timeoutMs = 15_000, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const h = {
      Authorization: lrs.auth,
      "X-Experience-API-Version": VERSION,
      "Content-Type": "application/json",
      Connection: "close",
      ...headers,
    };
    if (chunked) h["Transfer-Encoding"] = "chunked";
    else h["Content-Length"] = String(declaredLength ?? body.length);
    const req = http.request({
      host: "127.0.0.1",
      port: lrs.port,
      method: "POST",
      path: pathAndQuery,
      headers: h,
      agent: false,
    });
    let writeError = null;
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(new Error(`no response within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on("response", (res) => {
      const parts = [];
      res.on("data", (c) => parts.push(c));
      const finish = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(parts).toString("utf8"), writeError });
      };
      res.on("end", finish);
      res.on("error", finish);
      res.on("aborted", finish);
    });
    req.on("error", (e) => {
      // EPIPE / ECONNRESET while we are still uploading is expected when the
      // server rejects early; only fail if no response ever comes.
      writeError = e;
      setTimeout(() => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(new Error(`connection failed before any response: ${e.code || e.message}`));
      }, 500);
    });
    if (chunked) {
      let off = 0;
      const pump = () => {
        while (off < body.length && !settled) {
          const piece = body.subarray(off, off + chunkSize);
          off += piece.length;
          if (!req.write(piece)) {
            req.once("drain", pump);
            return;
          }
        }
        if (!settled) req.end();
      };
      pump();
    } else if (declaredLength !== undefined && declaredLength > body.length) {
      // Send the headers and whatever part of the body we have, then wait:
      // the server must answer from the headers alone.
      if (body.length) req.write(body);
      else req.flushHeaders();
    } else {
      req.end(body);
    }
  });
}

/**
 * One request over a plain socket with Connection: close; returns the raw
 * status line, headers and the exact bytes after the header block.
 */
export function rawExchange(port, requestText, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, "127.0.0.1");
    const parts = [];
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error("raw exchange timed out"));
    }, timeoutMs);
    sock.on("connect", () => sock.write(requestText));
    sock.on("data", (c) => parts.push(c));
    sock.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on("close", () => {
      clearTimeout(timer);
      const all = Buffer.concat(parts);
      const split = all.indexOf("\r\n\r\n");
      if (split < 0) return reject(new Error(`no header block in ${JSON.stringify(all.toString())}`));
      const head = all.subarray(0, split).toString("latin1").split("\r\n");
      const statusLine = head.shift();
      const headers = {};
      for (const line of head) {
        const i = line.indexOf(":");
        headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status: Number(statusLine.split(" ")[1]), statusLine, headers, body: all.subarray(split + 4) });
    });
  });
}

/**
 * POSTs `body` with Transfer-Encoding: chunked over a plain socket, in
 * `chunkSize` chunks every `paceMs`, and reads whatever the server
 * answers. Write errors after the server stops reading are ignored: the
 * question is only whether a response came back. Resolves {status, text}
 * (status 0 when the connection closed with no response).
 */
export function rawChunkedPost(lrs, pathAndQuery, body, { chunkSize = 4096, paceMs = 1, timeoutMs = 10_000 } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(lrs.port, "127.0.0.1");
    const parts = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const all = Buffer.concat(parts).toString("utf8");
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(all);
      const split = all.indexOf("\r\n\r\n");
      resolve({ status: m ? Number(m[1]) : 0, text: split >= 0 ? all.slice(split + 4) : "" });
    };
    const timer = setTimeout(() => {
      if (parts.length) return finish();
      done = true;
      sock.destroy();
      reject(new Error(`no response within ${timeoutMs} ms to a chunked body of ${body.length} bytes`));
    }, timeoutMs);
    sock.on("data", (c) => {
      parts.push(c);
      // One response is all we wait for; stop once its body is complete.
      const all = Buffer.concat(parts).toString("latin1");
      const split = all.indexOf("\r\n\r\n");
      const cl = /\r\ncontent-length:\s*(\d+)/i.exec(all.slice(0, split));
      if (split >= 0 && cl && all.length - split - 4 >= Number(cl[1])) finish();
    });
    sock.on("error", () => {});
    sock.on("close", finish);
    sock.on("connect", () => {
      sock.write(
        `POST ${pathAndQuery} HTTP/1.1\r\nHost: 127.0.0.1:${lrs.port}\r\nAuthorization: ${lrs.auth}\r\n` +
          `X-Experience-API-Version: ${VERSION}\r\nContent-Type: application/json\r\n` +
          `Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n`,
      );
      // A streamed upload: one chunk per `paceMs`, as a producer of data
      // would send it, so a client that sees the early 413 stops sending.
      let off = 0;
      const pump = () => {
        if (done || sock.destroyed) return;
        if (off >= body.length) return void sock.write("0\r\n\r\n");
        const piece = body.subarray(off, off + chunkSize);
        off += piece.length;
        sock.write(Buffer.concat([Buffer.from(piece.length.toString(16) + "\r\n"), piece, Buffer.from("\r\n")]));
        setTimeout(pump, paceMs);
      };
      pump();
    });
  });
}

/** GET /xapi/about without credentials; resolves to the HTTP status. */
export async function aboutStatus(lrs) {
  const res = await fetch(lrs.baseUrl + "/xapi/about", { headers: { "X-Experience-API-Version": VERSION } });
  await res.arrayBuffer();
  return res.status;
}
