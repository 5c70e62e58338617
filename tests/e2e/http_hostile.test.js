// The HTTP layer against hostile clients, through the real binary (issue 15,
// findings 1-4 and 10): slow bodies do not lock others out, bad framing and
// oversized headers or chunks are refused before they are buffered, idle
// connections time out, the connection cap sheds the longest idle one, and
// CORS preflights for /xapi are answered. tests/plugin/http_server_test.cc
// covers the same at the server's seam; tests/plugin/http_server_fd_limit_test.cc
// the open-file limit.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { startLrs } from "./lib/harness.js";
import { VERSION, isErrorBody } from "./lib/http.js";
import { uuid, tag, simpleStatement } from "./lib/statements.js";

/** A raw socket to the server; `read()` resolves with the first whole response. */
function connect(port) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, "127.0.0.1");
    let data = Buffer.alloc(0);
    let closed = false;
    const waiters = [];
    const wake = () => waiters.splice(0).forEach((w) => w());
    sock.on("data", (c) => {
      data = Buffer.concat([data, c]);
      wake();
    });
    sock.on("error", () => {});
    sock.on("close", () => {
      closed = true;
      wake();
    });
    const conn = {
      sock,
      send: (text) => sock.write(text),
      get closed() {
        return closed;
      },
      /** The next response {status, headers, body}, or null on close/timeout. */
      read(timeoutMs = 5000) {
        return new Promise((done) => {
          const timer = setTimeout(() => done(null), timeoutMs);
          const attempt = () => {
            const split = data.indexOf("\r\n\r\n");
            if (split >= 0) {
              const head = data.subarray(0, split).toString("latin1").split("\r\n");
              const status = Number(head.shift().split(" ")[1]);
              const headers = {};
              for (const line of head) {
                const i = line.indexOf(":");
                headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
              }
              const length = Number(headers["content-length"] || 0);
              if (data.length >= split + 4 + length) {
                const body = data.subarray(split + 4, split + 4 + length).toString("utf8");
                data = data.subarray(split + 4 + length);
                clearTimeout(timer);
                return done({ status, headers, body });
              }
            }
            if (closed) {
              clearTimeout(timer);
              return done(null);
            }
            waiters.push(attempt);
          };
          attempt();
        });
      },
      /** Resolves true when the server closes the connection within timeoutMs. */
      closedWithin(timeoutMs) {
        return new Promise((done) => {
          if (closed) return done(true);
          const timer = setTimeout(() => done(false), timeoutMs);
          sock.once("close", () => {
            clearTimeout(timer);
            done(true);
          });
        });
      },
      end: () => sock.destroy(),
    };
    sock.once("connect", () => resolve(conn));
    sock.once("error", reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe("default limits", () => {
  let lrs;
  before(async () => {
    lrs = await startLrs({ args: ["--max-body-bytes", "65536"] });
  });
  after(async () => {
    await lrs?.stop();
  });

  const post = (framing, body = "") =>
    `POST /xapi/statements HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${lrs.auth}\r\n` +
    `X-Experience-API-Version: ${VERSION}\r\nContent-Type: application/json\r\n${framing}\r\n${body}`;

  test("a CORS preflight for /xapi is answered with the methods and headers xAPI uses", async () => {
    for (const path of ["/xapi/statements", "/xapi/activities/state", "/xapi/about"]) {
      const res = await fetch(lrs.baseUrl + path, {
        method: "OPTIONS",
        headers: {
          Origin: "http://lms.example",
          "Access-Control-Request-Method": "PUT",
          "Access-Control-Request-Headers": "authorization, content-type, x-experience-api-version, if-match",
        },
      });
      assert.ok(res.status >= 200 && res.status < 300, `${path}: ${res.status}`);
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
      const methods = res.headers.get("access-control-allow-methods").split(/,\s*/);
      for (const m of ["GET", "PUT", "POST", "DELETE", "HEAD", "OPTIONS"]) assert.ok(methods.includes(m), `${path} allows ${m}`);
      const allowed = res.headers.get("access-control-allow-headers").toLowerCase().split(/,\s*/);
      for (const h of ["authorization", "content-type", "x-experience-api-version", "if-match", "if-none-match", "x-experience-api-hash"]) {
        assert.ok(allowed.includes(h), `${path} allows header ${h}: ${allowed}`);
      }
      assert.ok(Number(res.headers.get("access-control-max-age")) > 0);
    }
  });

  test("ordinary answers keep their CORS headers", async () => {
    const res = await fetch(lrs.baseUrl + "/xapi/about", { headers: { "X-Experience-API-Version": VERSION } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("access-control-allow-origin"), "*");
    assert.match(res.headers.get("access-control-expose-headers"), /ETag/);
  });

  test("150 connections that never send their bodies do not stop a probe or a write", async () => {
    const slow = [];
    for (let i = 0; i < 150; i++) {
      const c = await connect(lrs.port);
      c.send(post("Content-Length: 5000\r\n", "[{"));
      slow.push(c);
    }
    await sleep(200);
    const start = Date.now();
    const probe = await fetch(lrs.baseUrl + "/xapi/about", {
      headers: { "X-Experience-API-Version": VERSION },
      signal: AbortSignal.timeout(3000),
    }).catch((e) => ({ status: `no answer (${e.name})` }));
    assert.equal(probe.status, 200);
    assert.ok(Date.now() - start < 1000, `probe took ${Date.now() - start} ms`);
    const statement = simpleStatement(tag(), { id: uuid() });
    const c = await connect(lrs.port);
    const body = JSON.stringify(statement);
    c.send(post(`Content-Length: ${Buffer.byteLength(body)}\r\n`, body));
    const res = await c.read(5000);
    assert.equal(res?.status, 200, res?.body);
    c.end();
    slow.forEach((s) => s.end());
  });

  const refusals = [
    ["two different Content-Lengths", "Content-Length: 2\r\nContent-Length: 4\r\n", "[]  ", 400],
    ["a non-numeric Content-Length", "Content-Length: 2a\r\n", "[]", 400],
    ["an overflowing Content-Length", "Content-Length: 184467440737095516160\r\n", "[]", 400],
    ["Content-Length with chunked", "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n", "2\r\n[]\r\n0\r\n\r\n", 400],
    ["an unknown transfer coding", "Transfer-Encoding: gzip\r\n", "[]", 400],
    ["a negative chunk size", "Transfer-Encoding: chunked\r\n", "-2\r\n[]\r\n0\r\n\r\n", 400],
    ["a chunk size of ffffffffffff", "Transfer-Encoding: chunked\r\n", "ffffffffffff\r\n[", 413],
    ["a 20 KB header line", `X-Pad: ${"p".repeat(20 * 1024)}\r\nContent-Length: 2\r\n`, "[]", 431],
  ];
  for (const [what, framing, body, status] of refusals) {
    test(`${what} is ${status} with an error body, and the connection is closed`, async () => {
      const c = await connect(lrs.port);
      c.send(post(framing, body));
      const res = await c.read(3000);
      assert.equal(res?.status, status, res?.body);
      assert.ok(isErrorBody(JSON.parse(res.body), status), res.body);
      assert.ok(await c.closedWithin(3000), "closed");
      c.end();
    });
  }

  test("a header that never ends is 431 once it passes 16 KB", async () => {
    const c = await connect(lrs.port);
    c.send(`GET /xapi/about HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
    let sent = 0;
    while (!c.closed && sent < 4 * 1024 * 1024) {
      c.send(`X-Pad-${sent}: ${"q".repeat(1000)}\r\n`);
      sent += 1000;
      if (sent % 65536 < 1000) await sleep(1);
    }
    const res = await c.read(3000);
    assert.equal(res?.status, 431);
    c.end();
  });
});

describe("configured timeouts and connection cap", () => {
  let lrs;
  before(async () => {
    lrs = await startLrs({
      args: ["--header-timeout-ms", "500", "--idle-timeout-ms", "500", "--body-timeout-ms", "500", "--max-connections", "6"],
    });
  });
  after(async () => {
    await lrs?.stop();
  });

  const get = () => `GET /xapi/about HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Experience-API-Version: ${VERSION}\r\n\r\n`;

  test("--header-timeout-ms closes a connection that sends nothing", async () => {
    const c = await connect(lrs.port);
    assert.ok(await c.closedWithin(3000));
  });

  test("--idle-timeout-ms closes a kept-alive connection after its answer", async () => {
    const c = await connect(lrs.port);
    c.send(get());
    assert.equal((await c.read())?.status, 200);
    const start = Date.now();
    assert.ok(await c.closedWithin(3000));
    assert.ok(Date.now() - start >= 400, `closed after ${Date.now() - start} ms`);
  });

  test("--body-timeout-ms closes a connection whose body stalls", async () => {
    const c = await connect(lrs.port);
    c.send(`POST /xapi/statements HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n[`);
    assert.ok(await c.closedWithin(3000));
  });

  test("--max-connections: a new client closes the connection idle longest", async () => {
    const idle = [];
    for (let i = 0; i < 6; i++) {
      const c = await connect(lrs.port);
      c.send(get());
      assert.equal((await c.read())?.status, 200);
      idle.push(c);
      await sleep(5);
    }
    const newcomer = await connect(lrs.port);
    newcomer.send(get());
    assert.equal((await newcomer.read())?.status, 200);
    assert.ok(await idle[0].closedWithin(1000), "the longest idle connection was closed");
    assert.equal(idle[5].closed, false);
    [...idle, newcomer].forEach((c) => c.end());
  });
});
