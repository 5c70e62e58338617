// A deterministic test store with planted homogeneous groups, for the
// attacker test: statements as an LMS would send them, cohort values in
// context.extensions (department, role, site).
//  - legal (8): every quiz completer failed;
//  - finance (6, one role): every quiz score in 0.2-0.3, all failed, all
//    answered the question wrong;
//  - board (3): below k; 4 learners without a department, ~10% without a site.
// Every learner's statements about one activity fall on one day and carry the
// same cohort values, so every measure of a learner has the same place
// whichever statement the release places it by; whether a release stays safe
// when a learner's measures fall in different periods is not tested here.

import { mulberry32 } from "./random.js";

export const EXT = "https://example.com/xapi/extensions/";
export const DIMS = ["department", "role", "site"];
const ADL = "http://adlnet.gov/expapi/verbs/";
const ACT = "https://example.com/attacker/";
export const COURSE = `${ACT}course/onboarding`;
export const QUIZ = `${ACT}quiz/safety`;
export const QUESTION = `${ACT}quiz/safety/q1`;
export const REQUIRED = `${ACT}course/compliance`;
export const DUE = "2026-10-20";
export const PASS_MARK = 0.5;
export const K = 5;


const DEPARTMENTS = [
  ["sales", 80], ["engineering", 70], ["support", 45], ["hr", 20],
  ["legal", 8], // every quiz completer failed
  ["finance", 6], // a small team, every quiz score in 0.2-0.3
  ["board", 3], // below k
  [null, 4], // no department: "(none)"
];

export function generateStore(seed = 16) {
  const r = mulberry32(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const day0 = Date.UTC(2026, 9, 1); // 2026-10-01
  const at = (d, minutes) => new Date(day0 + d * 86400000 + minutes * 60000).toISOString();
  const statements = [];
  let n = 0;
  for (const [department, count] of DEPARTMENTS) {
    for (let i = 0; i < count; i++, n++) {
      const actor = { objectType: "Agent", name: `Learner ${n}`, mbox: `mailto:learner${n}@attacker.example.com` };
      const role = department === "finance" ? "analyst" : pick(["staff", "staff", "staff", "manager", "intern"]);
      const site = r() < 0.1 ? null : pick(["north", "south", "south"]);
      const extensions = {};
      if (department) extensions[`${EXT}department`] = department;
      extensions[`${EXT}role`] = role;
      if (site) extensions[`${EXT}site`] = site;
      const context = { extensions, platform: "attacker-e2e" };
      const say = (verb, object, d, minutes, result) => {
        const s = { actor, verb: { id: ADL + verb, display: { "en-US": verb } }, object, context, timestamp: at(d, minutes) };
        if (result) s.result = result;
        statements.push(s);
      };
      const obj = (id, name, type, extra = {}) => ({ objectType: "Activity", id, definition: { name: { "en-US": name }, type, ...extra } });
      const course = obj(COURSE, "Onboarding", "http://adlnet.gov/expapi/activities/course");
      const quiz = obj(QUIZ, "Safety quiz", "http://adlnet.gov/expapi/activities/assessment");
      const question = obj(QUESTION, "Which exit is safe?", "http://adlnet.gov/expapi/activities/cmi.interaction", {
        interactionType: "choice",
        correctResponsesPattern: ["a"],
        choices: [{ id: "a", description: { "en-US": "A" } }, { id: "b", description: { "en-US": "B" } }, { id: "c", description: { "en-US": "C" } }],
      });
      const required = obj(REQUIRED, "Compliance", "http://adlnet.gov/expapi/activities/course");

      // Onboarding: most attempt, most of them complete (same day).
      if (r() < 0.9) {
        const d = Math.floor(r() * 28);
        say("attempted", course, d, 540);
        if (r() < 0.8) say("completed", course, d, 600 + Math.floor(r() * 60), { completion: true, duration: `PT${20 + Math.floor(r() * 40)}M` });
      }
      // Safety quiz: attempted, then a score and passed / failed.
      if (department === "legal" || department === "finance" || r() < 0.75) {
        const d = Math.floor(r() * 28);
        say("attempted", quiz, d, 700);
        const answer = department === "finance" ? "b" : r() < 0.7 ? "a" : pick(["b", "c"]);
        say("answered", question, d, 705, { response: answer, success: answer === "a" });
        if (department === "finance" || department === "legal" || r() < 0.85) {
          let score;
          if (department === "finance") score = 0.2 + r() * 0.09;
          else if (department === "legal") score = 0.1 + r() * 0.35;
          else score = 0.3 + r() * 0.7;
          score = Math.round(score * 100) / 100;
          const passed = score >= PASS_MARK;
          say(passed ? "passed" : "failed", quiz, d, 720, {
            score: { scaled: score }, success: passed, completion: true, duration: `PT${10 + Math.floor(r() * 20)}M`,
          });
        }
      }
      // Compliance (required, due DUE): active learners, some late, some not done.
      if (r() < 0.85) {
        const d = Math.floor(r() * 28);
        say("attempted", required, d, 800);
        if (r() < 0.8) {
          const done = d; // one day per learner and activity: see the header
          say("completed", required, done, 830, { completion: true, duration: "PT15M" });
        }
      }
    }
  }
  return { statements, learners: n };
}

