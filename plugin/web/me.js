// The learner's page (/me): shows GET /privacy/me, switches consent per
// purpose, downloads the data and erases it after an explicit confirmation.
//
// Invariants, and why:
// - The token comes from the fragment (#token=...), which browsers never send
//   to a server; it is kept in this closure only and removed from the address
//   bar at once, so it is in no history entry, bookmark, log or Referer. It is
//   sent only as "Authorization: Bearer" to this origin's /privacy API.
// - Data from the server reaches the page only as text (textContent, never
//   innerHTML): statements carry whatever an LMS sent.
// - Erasure needs two clicks in the page (a confirm step, not window.confirm,
//   which a browser may suppress), and the receipt is shown afterwards.
(function () {
  "use strict";

  const MAX_LISTED_STATEMENTS = 500;
  const DOWNLOAD_URL_LIFETIME_MS = 60000;

  const $ = (id) => document.getElementById(id);
  const token = takeTokenFromFragment();
  let purposeDescriptions = {};

  function takeTokenFromFragment() {
    const params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    const value = (params.get("token") || "").trim();
    if (window.location.hash) {
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
    }
    return value;
  }

  // ---- talking to the API -------------------------------------------------

  class ApiError extends Error {
    // kind: "network" (no answer), "auth" (401), "http" (any other non-2xx)
    constructor(kind, status, message) {
      super(message);
      this.kind = kind;
      this.status = status;
    }
  }

  async function api(method, path, body) {
    const headers = { Authorization: "Bearer " + token, Accept: "application/json" };
    const init = { method, headers, cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      throw new ApiError("network", 0, "The service did not answer.");
    }
    if (response.ok) return response;
    let message = "";
    try {
      const error = await response.json();
      if (error && typeof error.message === "string") message = error.message;
    } catch (e) {
      // not the usual JSON error body; the status says enough
    }
    throw new ApiError(response.status === 401 ? "auth" : "http", response.status, message);
  }

  async function apiJson(method, path, body) {
    const response = await api(method, path, body);
    return response.status === 204 ? null : response.json();
  }

  // ---- small DOM helpers ----------------------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  // Messages appear beside what they are about; one live region each.
  const STATUS_REGIONS = ["status", "consent-status", "actions-status"];
  function say(text, where = "status") {
    for (const id of STATUS_REGIONS) $(id).textContent = id === where ? text : "";
  }

  function timeElement(iso) {
    const node = el("time", null, formatTime(iso));
    if (typeof iso === "string") node.dateTime = iso;
    return node;
  }

  function formatTime(iso) {
    if (typeof iso !== "string" || !iso) return "unknown time";
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(date);
  }

  // A language map ({"en-US": "completed"}) in the reader's language if it has it.
  function pickLanguage(map) {
    if (!map || typeof map !== "object") return "";
    const wanted = [...(navigator.languages || []), navigator.language, "en-US", "en"];
    for (const lang of wanted) {
      if (lang && typeof map[lang] === "string") return map[lang];
    }
    for (const lang of wanted) {
      const prefix = (lang || "").split("-")[0];
      const key = Object.keys(map).find((k) => k.split("-")[0] === prefix);
      if (prefix && key && typeof map[key] === "string") return map[key];
    }
    const first = Object.values(map).find((v) => typeof v === "string");
    return first || "";
  }

  function lastSegment(iri) {
    if (typeof iri !== "string") return "";
    const parts = iri.split(/[/#:]/).filter(Boolean);
    return parts.length ? parts[parts.length - 1] : iri;
  }

  function humanize(key) {
    const text = String(key).replace(/[_-]+/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2");
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function scalarText(value) {
    if (value === null || value === undefined) return "";
    if (typeof value === "boolean") return value ? "yes" : "no";
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
  }

  // Any object as a definition list: for data whose shape the page need not know.
  function describe(object) {
    const list = el("dl", "pairs");
    for (const [key, value] of Object.entries(object || {})) {
      list.append(el("dt", null, humanize(key)));
      const dd = el("dd");
      if (value !== null && typeof value === "object") {
        dd.append(el("code", null, JSON.stringify(value)));
      } else if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
        dd.append(timeElement(value));
      } else {
        dd.textContent = scalarText(value);
      }
      list.append(dd);
    }
    return list;
  }

  function renderItems(container, items, emptyText) {
    clear(container);
    if (!Array.isArray(items) || items.length === 0) {
      container.append(el("p", "muted", emptyText));
      return;
    }
    const list = el("ol", "records");
    for (const item of items) {
      const li = el("li");
      li.append(item !== null && typeof item === "object" ? describe(item) : el("span", null, scalarText(item)));
      list.append(li);
    }
    container.append(list);
  }

  // ---- problems -----------------------------------------------------------

  function showProblem(title, text, canRetry) {
    $("problem-title").textContent = title;
    $("problem-text").textContent = text;
    $("problem-actions").hidden = !canRetry;
    $("problem").hidden = false;
    $("problem").scrollIntoView({ block: "nearest" });
  }

  function hideProblem() {
    $("problem").hidden = true;
  }

  function handleError(error) {
    say("");
    if (!(error instanceof ApiError)) {
      showProblem("Something went wrong", String(error && error.message ? error.message : error), true);
      return;
    }
    if (error.kind === "auth") {
      // The data on screen may belong to a session that has ended: take it away.
      $("content").hidden = true;
      showProblem(
        "Your link has expired or is not valid",
        "Links to this page work for a short time only. Go back to your learning platform (LMS) " +
          "and open \u201cMy data\u201d again to get a new one.",
        false,
      );
    } else if (error.kind === "network") {
      showProblem(
        "The service cannot be reached",
        "Check your network connection, then try again. Nothing was changed.",
        true,
      );
    } else if (error.status === 403) {
      showProblem("This link does not allow that", error.message || "Ask your LMS for a new link.", false);
    } else {
      showProblem(
        "Something went wrong (" + error.status + ")",
        error.message || "The service could not answer. Try again in a moment.",
        true,
      );
    }
  }

  // ---- statements ---------------------------------------------------------

  function objectLabel(object) {
    if (!object || typeof object !== "object") return "something";
    switch (object.objectType) {
      case "Agent":
        return "a person";
      case "Group":
        return "a group";
      case "StatementRef":
        return "an earlier record";
      case "SubStatement":
        return "a described activity";
      default: {
        const name = object.definition && pickLanguage(object.definition.name);
        return name || object.id || "an activity";
      }
    }
  }

  function resultLabel(result) {
    if (!result || typeof result !== "object") return "";
    const parts = [];
    const score = result.score || {};
    if (typeof score.scaled === "number") parts.push("score " + Math.round(score.scaled * 100) + "%");
    else if (typeof score.raw === "number") {
      parts.push("score " + score.raw + (typeof score.max === "number" ? " of " + score.max : ""));
    }
    if (result.success === true) parts.push("passed");
    if (result.success === false) parts.push("not passed");
    if (result.completion === true) parts.push("completed");
    if (typeof result.duration === "string") parts.push("took " + result.duration);
    return parts.join(", ");
  }

  function statementTime(statement) {
    return statement.timestamp || statement.stored || "";
  }

  function renderStatements(statements) {
    const list = $("statements");
    clear(list);
    const all = Array.isArray(statements) ? statements.slice() : [];
    all.sort((a, b) => String(statementTime(b)).localeCompare(String(statementTime(a))));
    $("statement-count").textContent = String(all.length);
    $("statements-empty").hidden = all.length > 0;
    for (const statement of all.slice(0, MAX_LISTED_STATEMENTS)) {
      const verb = statement.verb || {};
      const verbText = pickLanguage(verb.display) || lastSegment(verb.id) || "did";
      const li = el("li");
      li.dataset.statementId = statement.id || "";
      const what = el("div", "record-what");
      what.append(el("span", "verb", verbText), " ", el("span", "object", objectLabel(statement.object)));
      li.append(what);
      const details = resultLabel(statement.result);
      if (details) li.append(el("div", "small", details));
      const when = el("div", "record-when");
      when.append(timeElement(statementTime(statement)));
      li.append(when);
      list.append(li);
    }
    const more = $("statements-more");
    more.hidden = all.length <= MAX_LISTED_STATEMENTS;
    more.textContent = "Showing the newest " + MAX_LISTED_STATEMENTS + " of " + all.length +
      " records; the download has all of them.";
  }

  // ---- facts --------------------------------------------------------------

  const FACT_FIELDS = new Set(["activityId", "verbId", "first", "last", "statements", "success", "scoreScaled"]);

  // A fact sums up one learner's records for one activity and verb; it is
  // named with the words the records themselves use.
  function renderFacts(facts, statements) {
    const container = $("facts");
    const all = Array.isArray(facts) ? facts : [];
    if (!all.some((fact) => fact && (fact.activityId || fact.verbId))) {
      renderItems(container, all, "No facts are kept about you.");
      return;
    }
    const activityNames = new Map();
    const verbNames = new Map();
    for (const statement of Array.isArray(statements) ? statements : []) {
      const object = statement.object || {};
      const name = object.definition && pickLanguage(object.definition.name);
      if (object.id && name) activityNames.set(object.id, name);
      const verb = statement.verb || {};
      const display = pickLanguage(verb.display);
      if (verb.id && display) verbNames.set(verb.id, display);
    }
    clear(container);
    const list = el("ol", "records");
    for (const fact of all) {
      const li = el("li");
      const what = el("div", "record-what");
      what.append(
        el("span", "verb", verbNames.get(fact.verbId) || lastSegment(fact.verbId) || "did"),
        " ",
        el("span", "object", activityNames.get(fact.activityId) || fact.activityId || "an activity"),
      );
      li.append(what);
      const parts = [];
      if (typeof fact.statements === "number") parts.push(fact.statements === 1 ? "1 record" : fact.statements + " records");
      if (typeof fact.scoreScaled === "number") parts.push("score " + Math.round(fact.scoreScaled * 100) + "%");
      if (fact.success === true) parts.push("passed");
      if (fact.success === false) parts.push("not passed");
      if (parts.length) li.append(el("div", "small", parts.join(", ")));
      const when = el("div", "record-when");
      when.append("first ", timeElement(fact.first), ", last ", timeElement(fact.last));
      li.append(when);
      const rest = Object.fromEntries(Object.entries(fact).filter(([key]) => !FACT_FIELDS.has(key)));
      if (Object.keys(rest).length) li.append(describe(rest));
      list.append(li);
    }
    container.append(list);
  }

  // ---- identities -----------------------------------------------------------

  // Agents as the LMS sent them: say each identifier in words.
  function renderIdentities(identities) {
    const container = $("identities");
    const all = Array.isArray(identities) ? identities : [];
    clear(container);
    if (all.length === 0) {
      container.append(el("p", "muted", "No identity of yours is kept: records carry only your pseudonym."));
      return;
    }
    const list = el("ol", "records");
    for (const agent of all) {
      const facts = {};
      if (agent && typeof agent === "object") {
        if (agent.name) facts["Name"] = agent.name;
        if (agent.mbox) facts["E-mail"] = String(agent.mbox).replace(/^mailto:/, "");
        if (agent.mbox_sha1sum) facts["E-mail (hashed)"] = agent.mbox_sha1sum;
        if (agent.openid) facts["OpenID"] = agent.openid;
        if (agent.account) facts["Account"] = agent.account.name + " at " + agent.account.homePage;
        for (const [key, value] of Object.entries(agent)) {
          if (!["objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"].includes(key)) facts[key] = value;
        }
      }
      const li = el("li");
      li.append(describe(facts));
      list.append(li);
    }
    container.append(list);
  }

  // ---- audit --------------------------------------------------------------

  // Audit actions ("statements.read", "token.issue") in words, from the learner's side.
  const ACTION_WORDS = {
    "statements.read": "read your learning records",
    "agents.read": "read who you are",
    "state.read": "read your saved progress",
    "agent-profile.read": "read your profile",
    "activity-profile.read": "read an activity profile",
    "token.issue": "opened your data page for you",
    "me.read": "you looked at your data",
    "me.export": "you downloaded your data",
    "consent.granted": "recorded your consent",
    "consent.withdrawn": "recorded that you withdrew consent",
    "learner.erase": "erased your data",
    "audit.read": "read the audit trail",
  };

  function actionWords(action) {
    const key = String(action || "").replace(/:/g, ".");
    return ACTION_WORDS[key] || humanize(key.replace(/\./g, " "));
  }

  function renderAudit(entries) {
    const all = Array.isArray(entries) ? entries : [];
    $("audit-count").textContent = all.length === 1 ? "1 time" : all.length + " times";
    $("audit-empty").hidden = all.length > 0;
    $("audit").hidden = all.length === 0;
    const body = $("audit").tBodies[0];
    clear(body);
    for (const entry of all) {
      const row = el("tr");
      const when = el("td");
      when.append(timeElement(entry.at));
      row.append(
        when,
        el("td", entry.role === "learner" ? null : "mono small", entry.role === "learner" ? "you" : scalarText(entry.actor)),
        el("td", null, scalarText(entry.role)),
        el("td", null, actionWords(entry.action)),
        el("td", null, entry.purpose ? humanize(scalarText(entry.purpose)) : ""),
      );
      body.append(row);
    }
  }

  // ---- consent ------------------------------------------------------------

  function renderConsent(consent) {
    consent = consent || {};
    const optIn = consent.mode === "opt-in";
    const summary = optIn
      ? "This service asks first (opt-in): nothing is stored for a purpose until you switch it on."
      : "This service stores records unless you say no (opt-out): switch a purpose off and nothing more is stored for it.";
    const storing = consent.storing === false
      ? " Right now, nothing new about you is being stored."
      : consent.storing === true
        ? " Right now, records about you are being stored."
        : "";
    $("consent-summary").textContent = summary + storing;

    const container = $("consent-switches");
    const states = consent.purposes && typeof consent.purposes === "object" ? consent.purposes : {};
    const ids = Object.keys(states);
    const known = new Set(ids);
    for (const row of Array.from(container.children)) {
      if (!known.has(row.dataset.purpose)) row.remove();
    }
    for (const id of ids) {
      let row = Array.from(container.children).find((r) => r.dataset.purpose === id);
      if (!row) {
        row = buildSwitch(id);
        container.append(row);
      }
      const input = row.querySelector("input");
      const granted = states[id] === "granted";
      input.checked = granted;
      row.querySelector(".switch-state").textContent = granted ? "On" : "Off";
    }
    if (ids.length === 0) {
      clear(container);
      container.append(el("p", "muted", "There is nothing to choose: this service uses your records for no optional purpose."));
    }

    const history = Array.isArray(consent.history) ? consent.history.slice() : [];
    history.sort((a, b) => String(b.at).localeCompare(String(a.at)));
    $("consent-history").hidden = history.length === 0;
    $("consent-history-empty").hidden = history.length > 0;
    const body = $("consent-history").tBodies[0];
    clear(body);
    for (const event of history) {
      const row = el("tr");
      const when = el("td");
      when.append(timeElement(event.at));
      const purposes = Array.isArray(event.purposes) && event.purposes.length
        ? event.purposes.map(humanize).join(", ")
        : "all purposes";
      row.append(
        when,
        el("td", null, event.state === "granted" ? "Switched on" : event.state === "withdrawn" ? "Switched off" : scalarText(event.state)),
        el("td", null, purposes),
        el("td", null, event.by === "learner" ? "you" : scalarText(event.by)),
      );
      body.append(row);
    }
  }

  function buildSwitch(id) {
    const row = el("div", "switch-row");
    row.dataset.purpose = id;
    const input = el("input", "switch");
    input.type = "checkbox";
    input.id = "consent-" + id.replace(/[^A-Za-z0-9_-]/g, "_");
    input.setAttribute("role", "switch");
    const label = el("label");
    label.htmlFor = input.id;
    const name = el("span", "purpose-id");
    name.append(humanize(id) + " ", el("span", "tag switch-state"));
    label.append(name);
    if (purposeDescriptions[id]) label.append(el("span", "muted small", purposeDescriptions[id]));
    input.addEventListener("change", () => changeConsent(id, input));
    row.append(input, label);
    return row;
  }

  function setSwitchesBusy(busy) {
    for (const input of $("consent-switches").querySelectorAll("input")) input.disabled = busy;
  }

  async function changeConsent(purpose, input) {
    const state = input.checked ? "granted" : "withdrawn";
    hideProblem();
    setSwitchesBusy(true);
    say("Saving your choice\u2026", "consent-status");
    try {
      const response = await api("PUT", "/privacy/consent", { state, purposes: [purpose] });
      const offersErasure = /rel="?erase"?/.test(response.headers.get("Link") || "");
      const consent = await apiJson("GET", "/privacy/consent");
      renderConsent(consent);
      $("erase-hint").hidden = !(state === "withdrawn" && (offersErasure || (consent && consent.erasure)));
      say(humanize(purpose) + (state === "granted" ? " is switched on." : " is switched off."), "consent-status");
    } catch (error) {
      input.checked = !input.checked;
      handleError(error);
    } finally {
      setSwitchesBusy(false);
    }
  }

  // ---- download -----------------------------------------------------------

  function fileNameFrom(disposition) {
    const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition || "");
    if (!match) return "";
    try {
      return decodeURIComponent(match[1]);
    } catch (e) {
      return match[1];
    }
  }

  async function download() {
    const button = $("download");
    hideProblem();
    button.disabled = true;
    say("Preparing your download\u2026", "actions-status");
    try {
      const response = await api("GET", "/privacy/me?format=download");
      const blob = await response.blob();
      const name = fileNameFrom(response.headers.get("Content-Disposition")) || "my-learning-data.json";
      const url = URL.createObjectURL(blob);
      const link = el("a");
      link.href = url;
      link.download = name;
      link.hidden = true;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), DOWNLOAD_URL_LIFETIME_MS);
      say("Your data was saved as " + name + ".", "actions-status");
    } catch (error) {
      handleError(error);
    } finally {
      button.disabled = false;
    }
  }

  // ---- erasure ------------------------------------------------------------

  function openEraseConfirm() {
    hideProblem();
    $("erase-confirm").hidden = false;
    $("erase").setAttribute("aria-expanded", "true");
    say("");
    $("erase-confirm").scrollIntoView({ block: "center" });
    $("erase-cancel").focus();
  }

  function closeEraseConfirm(message) {
    $("erase-confirm").hidden = true;
    $("erase").setAttribute("aria-expanded", "false");
    say(message, "actions-status");
    $("erase").focus();
  }

  const ERASED_LABELS = {
    statements: "Learning records",
    documents: "Documents",
    attachments: "Attachments",
    facts: "Facts",
    consent_events: "Consent choices",
    identities: "Sealed identities",
    data_key: "Your data key destroyed",
  };

  async function erase() {
    const confirmButton = $("erase-confirm-button");
    confirmButton.disabled = true;
    $("erase-cancel").disabled = true;
    say("Erasing your data\u2026", "actions-status");
    try {
      const receipt = await apiJson("DELETE", "/privacy/me");
      showReceipt(receipt || {});
    } catch (error) {
      handleError(error);
    } finally {
      confirmButton.disabled = false;
      $("erase-cancel").disabled = false;
    }
  }

  function showReceipt(receipt) {
    $("content").hidden = true;
    clear($("statements"));
    $("receipt-id").textContent = scalarText(receipt.receipt_id);
    clear($("receipt-at"));
    $("receipt-at").append(timeElement(receipt.erased_at));
    const body = $("receipt-erased");
    clear(body);
    for (const [key, value] of Object.entries(receipt.erased || {})) {
      const row = el("tr");
      row.append(el("th", null, ERASED_LABELS[key] || humanize(key)), el("td", null, scalarText(value)));
      row.firstChild.scope = "row";
      body.append(row);
    }
    $("receipt").hidden = false;
    say("Your data has been erased.");
    $("receipt").focus();
  }

  // ---- loading ------------------------------------------------------------

  async function loadPurposeDescriptions() {
    try {
      const response = await fetch("/privacy.json", { credentials: "omit", cache: "no-store" });
      if (!response.ok) return;
      const manifest = await response.json();
      for (const purpose of manifest.purposes || []) {
        if (purpose && typeof purpose.id === "string") purposeDescriptions[purpose.id] = String(purpose.description || "");
      }
    } catch (e) {
      // the descriptions are a courtesy; the switches work without them
    }
  }

  function render(me) {
    $("pseudonym").textContent = scalarText(me.pseudonym);
    clear($("generated"));
    $("generated").append(timeElement(me.generated));
    renderConsent(me.consent);
    renderStatements(me.statements);
    renderFacts(me.facts, me.statements);
    renderItems($("documents"), me.documents, "No documents are stored for you.");
    clear($("attachments"));
    if (Array.isArray(me.attachments) && me.attachments.length) {
      $("attachments").append(el("h3", null, "Attachments"));
      const holder = el("div");
      renderItems(holder, me.attachments, "");
      $("attachments").append(holder);
    }
    renderIdentities(me.identities);
    renderAudit(me.audit);
    const recommendations = Array.isArray(me.recommendations) ? me.recommendations : [];
    $("recommendations-section").hidden = recommendations.length === 0;
    renderItems($("recommendations"), recommendations, "");
    $("content").hidden = false;
  }

  async function load() {
    hideProblem();
    if (!token) {
      showProblem(
        "This page needs a link from your learning platform",
        "Open \u201cMy data\u201d in your LMS: it brings you here with a link that works for a short time.",
        false,
      );
      return;
    }
    say("Loading your data\u2026");
    try {
      await loadPurposeDescriptions();
      const me = await apiJson("GET", "/privacy/me");
      render(me || {});
      say("");
    } catch (error) {
      handleError(error);
    }
  }

  $("retry").addEventListener("click", load);
  $("download").addEventListener("click", download);
  $("erase").addEventListener("click", openEraseConfirm);
  $("erase-hint-button").addEventListener("click", openEraseConfirm);
  $("erase-cancel").addEventListener("click", () => closeEraseConfirm("Nothing was erased."));
  $("erase-confirm-button").addEventListener("click", erase);
  $("erase-confirm").addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeEraseConfirm("Nothing was erased.");
  });
  load();
})();
