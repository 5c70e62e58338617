// A stand-in LRS for checking the load generator itself (not a benchmark):
// answers POST /xapi/statements with a JSON array of fresh ids, one per
// statement, after checking Basic auth and parsing the body. Loopback only.
//   node bench/ingest/stub-lrs.mjs PORT KEY SECRET
import http from "node:http";
import { randomUUID } from "node:crypto";

const [port, key, secret] = process.argv.slice(2);
const auth = "Basic " + Buffer.from(`${key}:${secret}`).toString("base64");
http
  .createServer((req, res) => {
    const parts = [];
    req.on("data", (c) => parts.push(c));
    req.on("end", () => {
      const reply = (status, body) => {
        const text = JSON.stringify(body);
        // STUB_CHUNKED=1 answers with Transfer-Encoding: chunked instead.
        const length = process.env.STUB_CHUNKED === "1" ? {} : { "Content-Length": Buffer.byteLength(text) };
        res.writeHead(status, { "Content-Type": "application/json", ...length });
        res.end(text);
      };
      if (req.headers.authorization !== auth) return reply(401, { status: 401 });
      if (req.method !== "POST" || req.url !== "/xapi/statements") return reply(404, { status: 404 });
      try {
        const body = JSON.parse(Buffer.concat(parts).toString("utf8"));
        reply(200, (Array.isArray(body) ? body : [body]).map(() => randomUUID()));
      } catch {
        reply(400, { status: 400 });
      }
    });
  })
  .listen(Number(port), "127.0.0.1", () => console.log(`stub listening on http://127.0.0.1:${port}/xapi`));
