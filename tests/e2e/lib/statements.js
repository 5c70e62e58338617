// Statement builders for the end-to-end tests. Every builder takes a `tag`
// (random per test) so tests can filter their own statements by activity,
// registration or agent on a shared server.

import { randomUUID } from "node:crypto";

export const uuid = () => randomUUID();
export const tag = () => randomUUID().slice(0, 8);

export const VERBS = {
  experienced: { id: "http://adlnet.gov/expapi/verbs/experienced", display: { "en-US": "experienced" } },
  completed: { id: "http://adlnet.gov/expapi/verbs/completed", display: { "en-US": "completed" } },
  attempted: { id: "http://adlnet.gov/expapi/verbs/attempted", display: { "en-US": "attempted" } },
  viewed: { id: "http://id.tincanapi.com/verb/viewed", display: { en: "viewed" } },
};

export function mboxAgent(t, who = "learner") {
  return { objectType: "Agent", name: `${who} ${t}`, mbox: `mailto:${who}.${t}@example.org` };
}

export function accountAgent(t, who = "learner") {
  return { objectType: "Agent", name: `${who} ${t}`, account: { homePage: "https://lms.example.org", name: `${who}-${t}` } };
}

export function activity(t, n = 0) {
  return {
    objectType: "Activity",
    id: `https://courses.example.org/e2e/${t}/activity/${n}`,
    definition: { name: { "en-US": `Activity ${n}` }, type: "http://adlnet.gov/expapi/activities/lesson" },
  };
}

/** A plain, valid statement. Pass {id} to fix the id, {registration} to group. */
export function simpleStatement(t, { actor = mboxAgent(t), verb = VERBS.experienced, n = 0, id, registration } = {}) {
  const s = {
    actor,
    verb,
    object: activity(t, n),
    timestamp: new Date(Date.UTC(2024, 0, 1, 12, 0, n % 60)).toISOString(),
  };
  if (id) s.id = id;
  if (registration) s.context = { registration };
  return s;
}

/**
 * A statement shaped like Moodle's xAPI logstore plugin output: an account
 * actor (homePage = the Moodle site, name = the user id) with a name, a
 * Tin Can verb, the module as object, and context with platform "Moodle" and
 * the site and course under contextActivities.grouping.
 */
export function moodleStatement(t, i) {
  const site = "https://moodle.example.org";
  const userId = String(1000 + (i % 7));
  const courseId = 42;
  const cmid = 300 + (i % 5);
  const verb = [
    { id: "http://id.tincanapi.com/verb/viewed", display: { en: "viewed" } },
    { id: "http://adlnet.gov/expapi/verbs/completed", display: { en: "completed" } },
    { id: "http://adlnet.gov/expapi/verbs/attempted", display: { en: "attempted" } },
  ][i % 3];
  return {
    id: uuid(),
    actor: {
      objectType: "Agent",
      name: `Moodle Learner ${userId} ${t}`,
      account: { homePage: site, name: `${userId}-${t}` },
    },
    verb,
    object: {
      objectType: "Activity",
      id: `${site}/mod/page/view.php?id=${cmid}&e2e=${t}`,
      definition: {
        type: "http://id.tincanapi.com/activitytype/lms/module",
        name: { en: `Page ${cmid}` },
      },
    },
    timestamp: new Date(Date.UTC(2024, 2, 4, 9, 0, i)).toISOString(),
    context: {
      platform: "Moodle",
      language: "en",
      contextActivities: {
        grouping: [
          {
            objectType: "Activity",
            id: site,
            definition: { type: "http://id.tincanapi.com/activitytype/lms", name: { en: "Moodle site" } },
          },
          {
            objectType: "Activity",
            id: `${site}/course/view.php?id=${courseId}&e2e=${t}`,
            definition: { type: "http://id.tincanapi.com/activitytype/lms/course", name: { en: `Course ${courseId}` } },
          },
        ],
        category: [
          {
            objectType: "Activity",
            id: "http://moodle.org",
            definition: { type: "http://id.tincanapi.com/activitytype/source", name: { en: "Moodle" } },
          },
        ],
      },
    },
  };
}

/** The course activity id used by moodleStatement(t, *). */
export const moodleCourseId = (t) => `https://moodle.example.org/course/view.php?id=42&e2e=${t}`;

/**
 * What the LRS returns for a statement it was sent: the sent statement plus
 * the properties the LRS sets (id, timestamp if absent, stored, authority,
 * version). Strips those the LRS adds so the rest can be compared exactly.
 */
export function withoutLrsProperties(stored, sent) {
  const copy = structuredClone(stored);
  delete copy.stored;
  delete copy.authority;
  delete copy.version;
  if (!("id" in sent)) delete copy.id;
  if (!("timestamp" in sent)) delete copy.timestamp;
  return copy;
}

/** Walks `more` links with the given client; returns every statement in order. */
export async function collectAll(client, params, { maxPages = 1000 } = {}) {
  const pages = [];
  let res = await client.getStatements(params);
  pages.push(res.data.statements);
  let pagesLeft = maxPages;
  while (res.data.more && --pagesLeft > 0) {
    res = await client.getMoreStatements({ more: res.data.more });
    pages.push(res.data.statements);
  }
  return { statements: pages.flat(), pages };
}
