// What is on disk under a server's temp dir, for the privacy assertions: no
// learner identity (mbox, account name, display name) in any file.

import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export function filesUnder(dir) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

/** "needle in file" for every needle found in any file under lrs's data and keys dirs. */
export function identitiesOnDisk(lrs, needles) {
  const hits = [];
  for (const file of [lrs.dataDir, lrs.keysDir].flatMap(filesUnder)) {
    const bytes = fs.readFileSync(file);
    for (const needle of needles) {
      if (bytes.includes(Buffer.from(needle, "utf8"))) hits.push(`${JSON.stringify(needle)} in ${path.relative(lrs.root, file)}`);
    }
  }
  return hits;
}

const sha1 = (s) => createHash("sha1").update(s, "utf8").digest("hex");

/**
 * The strings of an agent that must not reach disk: name, mbox (with and
 * without mailto:), the SHA-1 of the mbox IRI (either case) or the
 * mbox_sha1sum given, account name.
 */
export function agentNeedles(agent) {
  const needles = [];
  if (agent.name) needles.push(agent.name);
  if (agent.mbox) needles.push(agent.mbox, agent.mbox.replace(/^mailto:/, ""), sha1(agent.mbox), sha1(agent.mbox).toUpperCase());
  if (agent.mbox_sha1sum) needles.push(agent.mbox_sha1sum.toLowerCase(), agent.mbox_sha1sum.toUpperCase());
  if (agent.account) needles.push(agent.account.name);
  return needles;
}
