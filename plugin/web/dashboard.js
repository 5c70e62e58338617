// The analysts' dashboard (/dashboard): signs in with an analyst's key and
// secret, reads the catalogue and tables of GET /analytics/tables, and draws
// them with Apache ECharts (/dashboard/echarts.min.js, served by lrs).
//
// Invariants, and why:
// - The key and secret live in this closure only: never in a URL, a cookie,
//   localStorage or sessionStorage, never in the DOM after sign-in (the
//   secret field is emptied at once). They travel only as
//   "Authorization: Basic" on fetch() to this origin's /analytics.
// - Every request names the purpose of the reading (purpose=, the selector,
//   "analytics" unless the analyst picks another of the manifest's).
// - A hidden cell ("suppressed": true) is never drawn as a number: in a chart
//   it is a striped grey bar labelled "hidden" whose height means nothing
//   (the legend and the tooltip say so), in a table the words "hidden to
//   protect small groups". Every hidden cell looks the same, whatever the
//   reason, as the API labels them (ANALYTICS.md, "An attacker who knows the
//   method").
// - Numbers are only ever shown as the API published them; the page adds
//   none that the API did not (the pass rate is two published numbers
//   divided, or hidden when either is).
// - Text from the server reaches the page only as text (textContent), and
//   reaches ECharts' tooltips (HTML) only escaped: activity names are
//   whatever an LMS sent.
// - Every chart has a table with the same numbers beneath it, so nothing
//   rests on colour or on seeing the chart.
(function () {
  "use strict";

  const HIDDEN_TEXT = "hidden to protect small groups";
  const HIDDEN_LEGEND = "Hidden to protect small groups";
  const hiddenWhy = () =>
    "Not shown: it would stand for fewer than " + (catalogue ? catalogue.k : "k") + " learners " +
    "or tell what a whole group did, or it is hidden so that another hidden number cannot be " +
    "worked out. It is not a zero, and the bar's height means nothing.";
  const OUTCOMES = ["attempted", "completed", "passed", "failed"];
  const MEASURE_LABELS = {
    attempted: "Attempted",
    completed: "Completed",
    passed: "Passed",
    failed: "Failed",
    learners: "Learners",
    reached: "Reached",
    pass_rate: "Pass rate",
  };
  const COLOURS = {
    attempted: "#8fb3de",
    completed: "#1f5fbf",
    passed: "#1d7044",
    failed: "#c2410c",
    learners: "#1f5fbf",
    reached: "#6a3d9a",
    pass_rate: "#1d7044",
    hidden: "#9ca3af",
  };
  const SCORE_BINS = ["below-0", "0.0-0.1", "0.1-0.2", "0.2-0.3", "0.3-0.4", "0.4-0.5",
    "0.5-0.6", "0.6-0.7", "0.7-0.8", "0.8-0.9", "0.9-1.0"];
  const MIN_STEPS = 2;
  const MAX_STEPS = 10;
  const MAX_RETRIES = 5;          // while the first epoch is being built (503)
  const MAX_RETRY_WAIT_S = 5;
  const ROW_HEIGHT_PX = 34;       // per activity in the outcomes chart
  const MIN_CHART_PX = 320;
  const DOWNLOAD_URL_LIFETIME_MS = 60000;
  const DEFAULT_PURPOSE = "analytics";

  const $ = (id) => document.getElementById(id);

  let credentials = null;  // {key, secret}: this closure only
  let catalogue = null;
  let purpose = DEFAULT_PURPOSE;
  let activity = "";       // the chosen activity's IRI
  let funnelSteps = [];    // IRIs, in order
  let generation = 0;      // bumped on sign-out, so late answers are dropped
  const shown = {};        // card -> {table, params}: what its CSV button downloads

  // ---- talking to the API -------------------------------------------------

  class ApiError extends Error {
    // kind: "network" (no answer), "auth" (401), "forbidden" (403), "http" (other)
    constructor(kind, status, message) {
      super(message);
      this.kind = kind;
      this.status = status;
    }
  }

  function basicAuth({ key, secret }) {
    const bytes = new TextEncoder().encode(key + ":" + secret);
    let binary = "";
    for (const b of bytes) binary += String.fromCharCode(b);
    return "Basic " + btoa(binary);
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function api(path, accept) {
    if (!credentials) throw new ApiError("auth", 401, "Not signed in.");
    const init = {
      headers: { Authorization: basicAuth(credentials), Accept: accept },
      cache: "no-store",
      credentials: "omit",
      referrerPolicy: "no-referrer",
      redirect: "error",
    };
    for (let attempt = 0; ; attempt++) {
      let response;
      try {
        response = await fetch(path, init);
      } catch (e) {
        throw new ApiError("network", 0, "The service did not answer.");
      }
      if (response.ok) return response;
      if (response.status === 503 && attempt < MAX_RETRIES) {
        const wait = Math.min(Number(response.headers.get("Retry-After")) || 1, MAX_RETRY_WAIT_S);
        await sleep(wait * 1000);
        continue;
      }
      let message = "";
      try {
        const error = await response.json();
        if (error && typeof error.message === "string") message = error.message;
      } catch (e) {
        // not JSON: keep the status alone
      }
      const kind = response.status === 401 ? "auth" : response.status === 403 ? "forbidden" : "http";
      throw new ApiError(kind, response.status, message || "The service answered " + response.status + ".");
    }
  }

  async function getJson(path) {
    return (await api(path, "application/json")).json();
  }

  function tablePath(table, params, format) {
    const query = new URLSearchParams();
    query.set("purpose", purpose);
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined && value !== null && value !== "") query.set(name, value);
    }
    if (format) query.set("format", format);
    return "/analytics/tables/" + encodeURIComponent(table) + "?" + query.toString();
  }

  async function getTable(card, table, params) {
    const answer = await getJson(tablePath(table, params));
    shown[card] = { table, params };
    return answer;
  }

  // ---- small helpers --------------------------------------------------------

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) =>
      ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  function el(tag, props, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else if (name.startsWith("data-") || name.startsWith("aria-") || name === "scope" || name === "for" || name === "role") node.setAttribute(name, value);
      else node[name] = value;
    }
    for (const child of children || []) node.appendChild(child);
    return node;
  }

  function languageMapText(map) {
    if (!map || typeof map !== "object") return "";
    for (const tag of [navigator.language, "en-US", "en-GB", "en"]) {
      if (typeof map[tag] === "string" && map[tag]) return map[tag];
    }
    const first = Object.values(map).find((v) => typeof v === "string" && v);
    return first || "";
  }

  function activityName(iri) {
    const found = catalogue && catalogue.activities.find((a) => a.id === iri);
    return (found && languageMapText(found.name)) || iri;
  }

  function humanize(id) {
    const text = String(id).replace(/[-_]/g, " ");
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function plural(n, one, many) {
    return n + " " + (n === 1 ? one : many);
  }

  function cardStatus(card, text) {
    const status = document.querySelector("#card-" + card + " .status");
    if (status) status.textContent = text;
  }

  function problemText(error) {
    if (error.kind === "auth") return "The key or secret was not accepted. Sign in again.";
    if (error.kind === "forbidden") return "This credential may not read analytics: use an analyst's key. (" + error.message + ")";
    if (error.kind === "network") return "The service did not answer. Check the connection and try again.";
    return error.message;
  }

  // A published number of a row, or null when the row is hidden or absent.
  const published = (row) => (row && !row.suppressed ? (row.learners ?? row.value ?? null) : null);

  // ---- the look of charts -----------------------------------------------------

  function themeColours() {
    const style = getComputedStyle(document.body);
    return {
      text: style.getPropertyValue("--text").trim() || "#1c2330",
      muted: style.getPropertyValue("--muted").trim() || "#515b6b",
      line: style.getPropertyValue("--line").trim() || "#d6dbe3",
    };
  }

  // The hidden look (dashboard.css's stripes, for the canvas): grey with
  // diagonal stripes that contrast with the page, light or dark.
  function hiddenItemStyle() {
    const dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    return {
      color: COLOURS.hidden,
      opacity: dark ? 0.5 : 0.35,
      decal: {
        symbol: "rect",
        symbolSize: 1,
        dashArrayX: [1, 0],
        dashArrayY: [3, 4],
        rotation: -Math.PI / 4,
        color: dark ? "rgba(20, 23, 28, 0.7)" : "rgba(55, 65, 81, 0.55)",
      },
    };
  }

  function chart(id) {
    const node = $(id);
    node.hidden = false;
    return window.echarts.getInstanceByDom(node) || window.echarts.init(node, null, { renderer: "canvas" });
  }

  function tooltipHtml(category, seriesName, data, unit) {
    const title = '<div class="tip-title">' + escapeHtml(category) + "</div>";
    if (data && data.hiddenCell) {
      return title + '<div class="tip-hidden">' + escapeHtml(seriesName) + ": " + HIDDEN_TEXT +
        '</div><div class="tip-why">' + escapeHtml(hiddenWhy()) + "</div>";
    }
    const value = data && typeof data === "object" ? data.shownValue : data;
    return title + "<div>" + escapeHtml(seriesName) + ": " + escapeHtml(value) + (unit ? " " + escapeHtml(unit) : "") + "</div>";
  }

  // A bar chart of categories x series, where each series' cells are API rows
  // (or computed {value, suppressed}); hidden cells become striped ghost bars.
  //   spec: {categories: [{key, label}], series: [{id, name, cells: [row|undefined]}],
  //          horizontal, unit, percent}
  function barOption(spec) {
    const colours = themeColours();
    let highest = 0;
    for (const s of spec.series) {
      for (const row of s.cells) {
        const v = published(row);
        if (typeof v === "number" && v > highest) highest = v;
      }
    }
    const ghost = spec.percent ? 100 : Math.max(highest, catalogue ? catalogue.k : 1, 1);
    let anyHidden = false;
    const hiddenStyle = hiddenItemStyle();
    const series = spec.series.map((s) => ({
      type: "bar",
      id: s.id,
      name: s.name,
      itemStyle: { color: COLOURS[s.id] || COLOURS.learners },
      emphasis: { focus: "none" },
      data: s.cells.map((row) => {
        if (!row) return null;
        if (row.suppressed) {
          anyHidden = true;
          return {
            value: ghost,
            hiddenCell: true,
            itemStyle: hiddenStyle,
            // The word on the bar where there is room for it (one series);
            // beside others, the stripes, the legend and the tooltip say it.
            label: {
              show: spec.series.length === 1,
              formatter: "hidden",
              position: spec.horizontal ? "insideLeft" : "insideTop",
              color: colours.text,
              fontStyle: "italic",
            },
          };
        }
        const v = published(row);
        if (v === null) return null;
        return { value: v, shownValue: spec.percent ? v.toFixed(1) : v };
      }),
    }));
    // The legend's entry for hidden cells: a series with no bars of its own.
    series.push({ type: "bar", id: "hidden", name: HIDDEN_LEGEND, data: [], itemStyle: hiddenStyle });

    const categoryAxis = {
      type: "category",
      data: spec.categories.map((c) => c.label),
      axisLabel: { color: colours.muted, width: spec.horizontal ? 220 : 110, overflow: "truncate", interval: 0, hideOverlap: !spec.horizontal },
      axisLine: { lineStyle: { color: colours.line } },
      inverse: !!spec.horizontal,
    };
    const valueAxis = {
      type: "value",
      minInterval: spec.percent ? undefined : 1,
      max: spec.percent ? 100 : undefined,
      name: spec.unit || "learners",
      nameTextStyle: { color: colours.muted },
      axisLabel: { color: colours.muted, formatter: spec.percent ? "{value}%" : "{value}" },
      splitLine: { lineStyle: { color: colours.line } },
    };
    return {
      anyHidden,
      option: {
        animation: false,
        aria: { enabled: false },
        textStyle: { color: colours.text },
        legend: {
          top: 0,
          textStyle: { color: colours.text },
          data: spec.series.map((s) => s.name).concat([HIDDEN_LEGEND]),
        },
        toolbox: { right: 0, top: 0, feature: { saveAsImage: { title: "Save as image", pixelRatio: 2 } } },
        grid: { left: spec.horizontal ? 230 : 50, right: 30, top: 40, bottom: spec.horizontal ? 30 : 60, containLabel: false },
        tooltip: {
          trigger: "item",
          confine: true,
          formatter: (p) => tooltipHtml(spec.categories[p.dataIndex].label, p.seriesName, p.data, spec.unit),
        },
        xAxis: spec.horizontal ? valueAxis : categoryAxis,
        yAxis: spec.horizontal ? categoryAxis : valueAxis,
        series,
      },
    };
  }

  function drawBars(chartId, spec) {
    const { option } = barOption(spec);
    const c = chart(chartId);
    c.setOption(option, { notMerge: true });
    return c;
  }

  // The table beneath a chart: one row per category, one column per series.
  function drawTable(containerId, caption, rowHeader, spec) {
    const head = el("tr", {}, [el("th", { scope: "col", text: rowHeader })].concat(
      spec.series.map((s) => el("th", { scope: "col", className: "number", text: s.name }))));
    const body = spec.categories.map((category, i) => el("tr", { "data-key": category.key }, [
      el("th", { scope: "row", text: category.label }),
    ].concat(spec.series.map((s) => {
      const row = s.cells[i];
      if (row && row.suppressed) {
        return el("td", { className: "hidden-cell", "data-measure": s.id, "data-key": category.key, text: HIDDEN_TEXT });
      }
      const v = published(row);
      const text = v === null ? (row && row.note) || "\u2014" : spec.percent ? v.toFixed(1) + "%" : String(v);
      return el("td", { className: "number", "data-measure": s.id, "data-key": category.key, text });
    }))));
    const table = el("table", {}, [
      el("caption", { text: caption }),
      el("thead", {}, [head]),
      el("tbody", {}, body),
    ]);
    // A scrolling region a keyboard can reach, named by its caption.
    const holder = $(containerId);
    holder.tabIndex = 0;
    holder.setAttribute("role", "region");
    holder.setAttribute("aria-label", caption);
    holder.replaceChildren(table);
  }

  function summary(spec) {
    let hidden = 0;
    let cells = 0;
    for (const s of spec.series) {
      for (const row of s.cells) {
        if (!row) continue;
        cells++;
        if (row.suppressed) hidden++;
      }
    }
    if (cells === 0) return "Nothing to show for this selection in this epoch.";
    return plural(cells, "number", "numbers") + ", " + (hidden === 0 ? "none hidden." : hidden + " " + HIDDEN_TEXT + ".");
  }

  // Rows of a table answer, indexed: key(row) -> measure -> row.
  function index(rows, keyOf, filter) {
    const map = new Map();
    for (const row of rows) {
      if (filter && !filter(row)) continue;
      const key = keyOf(row);
      if (key === undefined || key === null) continue;
      if (!map.has(key)) map.set(key, {});
      map.get(key)[row.measure] = row;
    }
    return map;
  }

  // Rows without any cohort dimension (by= absent): the table's totals.
  function withoutCohorts(row) {
    return catalogue.cohort_dimensions.every((d) => !(d in row));
  }

  // ---- the charts ---------------------------------------------------------------

  async function drawCompletions(gen) {
    const card = "completions";
    cardStatus(card, "Loading\u2026");
    const period = $("period").value;
    const answer = await getTable(card, "outcomes", { activity, period });
    if (gen !== generation) return;
    const byPeriod = index(answer.rows, (r) => r.period, (r) => withoutCohorts(r) && r.activity === activity);
    const periods = [...byPeriod.keys()].sort();
    const spec = {
      categories: periods.map((p) => ({ key: p, label: p })),
      series: [{ id: "completed", name: MEASURE_LABELS.completed, cells: periods.map((p) => byPeriod.get(p).completed) }],
    };
    drawBars("chart-completions", spec);
    drawTable("table-completions", "Learners who completed it, per " + period, humanize(period), spec);
    cardStatus(card, summary(spec));
  }

  async function drawOutcomes(gen) {
    const card = "outcomes";
    cardStatus(card, "Loading\u2026");
    const answer = await getTable(card, "outcomes", {});
    if (gen !== generation) return null;
    const byActivity = index(answer.rows, (r) => r.activity, (r) => withoutCohorts(r) && !("period" in r));
    // Activities in the catalogue's order (a course beside its modules).
    const order = new Map(catalogue.activities.map((a, i) => [a.id, i]));
    const ids = [...byActivity.keys()]
      .sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity) || a.localeCompare(b));
    const categories = ids.map((id) => ({ key: id, label: activityName(id) }));
    const outcomes = {
      categories,
      series: OUTCOMES.map((m) => ({ id: m, name: MEASURE_LABELS[m], cells: ids.map((id) => byActivity.get(id)[m]) })),
      horizontal: true,
    };
    const rates = ids.map((id) => passRate(byActivity.get(id)));
    // The pass-rate chart leaves out activities nobody passed (published 0):
    // modules without an assessment, mostly; the table still lists them.
    const assessed = ids.map((id, i) => i).filter((i) => published(byActivity.get(ids[i]).passed) !== 0);
    const passRateSpec = {
      categories: assessed.map((i) => categories[i]),
      series: [{ id: "pass_rate", name: MEASURE_LABELS.pass_rate, cells: assessed.map((i) => rates[i]) }],
      horizontal: true,
      percent: true,
      unit: "%",
    };

    $("chart-outcomes").style.height = Math.max(MIN_CHART_PX, ids.length * ROW_HEIGHT_PX * 1.25 + 80) + "px";
    $("chart-passrate").style.height = Math.max(MIN_CHART_PX, assessed.length * ROW_HEIGHT_PX * 0.8 + 80) + "px";
    drawBars("chart-outcomes", outcomes).resize();
    drawBars("chart-passrate", passRateSpec).resize();
    drawTable("table-outcomes", "Learners per activity, and the pass rate", "Activity", {
      categories,
      series: outcomes.series.concat([{ id: "pass_rate", name: MEASURE_LABELS.pass_rate, cells: rates }]),
      percent: false,
    });
    // The pass-rate column reads as a percentage.
    for (const td of $("table-outcomes").querySelectorAll('td[data-measure="pass_rate"]')) {
      const rate = rates[ids.indexOf(td.getAttribute("data-key"))];
      if (rate && !rate.suppressed && typeof rate.value === "number") td.textContent = rate.value.toFixed(1) + "%";
    }
    cardStatus(card, summary(outcomes));
    return byActivity;
  }

  // passed / (passed + failed), from published numbers only.
  function passRate(cells) {
    const passed = cells.passed;
    const failed = cells.failed;
    if (!passed || !failed) return undefined;
    if (passed.suppressed || failed.suppressed) return { suppressed: true };
    const results = passed.learners + failed.learners;
    if (results === 0) return { value: null, note: "no results" };
    return { value: (100 * passed.learners) / results };
  }

  async function drawScores(gen) {
    const card = "scores";
    cardStatus(card, "Loading\u2026");
    const answer = await getTable(card, "scores", { activity });
    if (gen !== generation) return;
    const rows = answer.rows.filter((r) => withoutCohorts(r) && !("period" in r) && r.activity === activity);
    const byBin = index(rows, (r) => r.bin, (r) => r.measure === "learners");
    const bins = [...byBin.keys()].sort((a, b) => rank(a) - rank(b));
    const spec = {
      categories: bins.map((b) => ({ key: b, label: b === "below-0" ? "below 0" : b })),
      series: [{ id: "learners", name: MEASURE_LABELS.learners, cells: bins.map((b) => byBin.get(b).learners) }],
    };
    drawBars("chart-scores", spec);
    drawTable("table-scores", "Learners per score band (scaled score, best per learner)", "Band", spec);
    const median = rows.find((r) => r.measure === "median_scaled" && !("bin" in r));
    $("scores-median").textContent = !median ? "" : median.suppressed
      ? "Median best score: " + HIDDEN_TEXT + "."
      : "Median best score: " + Number(median.value).toFixed(2) + ".";
    cardStatus(card, summary(spec));
  }

  // Medians of the chosen activity (durations), for groups of at least k only.
  async function drawDurations(gen) {
    const answer = await getJson(tablePath("durations", { activity }));
    if (gen !== generation) return;
    const rows = answer.rows.filter((r) => withoutCohorts(r) && !("period" in r) && r.activity === activity);
    for (const [measure, id] of [["median_duration_s", "median-duration"], ["median_time_spent_s", "median-time-spent"]]) {
      const row = rows.find((r) => r.measure === measure);
      const node = $(id);
      node.classList.toggle("hidden-text", !!(row && row.suppressed));
      node.textContent = !row ? "\u2014" : row.suppressed ? HIDDEN_TEXT : duration(row.value);
    }
  }

  function duration(seconds) {
    const s = Math.round(Number(seconds));
    if (!isFinite(s)) return "\u2014";
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const rest = s % 60;
    return (h ? h + " h " : "") + (h || m ? m + " min " : "") + rest + " s";
  }

  function rank(bin) {
    const i = SCORE_BINS.indexOf(bin);
    return i < 0 ? SCORE_BINS.length : i;
  }

  async function drawFunnel(gen) {
    const card = "funnel";
    if (funnelSteps.length < MIN_STEPS) return;
    cardStatus(card, "Loading\u2026");
    const answer = await getTable(card, "funnel", { steps: funnelSteps.join(",") });
    if (gen !== generation) return;
    const byStep = index(answer.rows, (r) => String(r.step), (r) => withoutCohorts(r) && !("period" in r) && r.measure === "reached");
    const steps = funnelSteps.map((iri, i) => ({ key: String(i + 1), label: (i + 1) + ". " + activityName(iri) }));
    const spec = {
      categories: steps,
      series: [{ id: "reached", name: MEASURE_LABELS.reached, cells: steps.map((s) => (byStep.get(s.key) || {}).reached) }],
      horizontal: true,
    };
    drawBars("chart-funnel", spec).resize();
    drawTable("table-funnel", "Learners who completed every step up to this one", "Step", spec);
    document.querySelector('#card-funnel button.csv').disabled = false;
    cardStatus(card, summary(spec));
  }

  function breakdownCards() {
    const holder = $("breakdowns");
    for (const node of holder.querySelectorAll(".chart")) {
      const instance = window.echarts.getInstanceByDom(node);
      if (instance) instance.dispose();
    }
    holder.replaceChildren();
    for (const dimension of catalogue.cohort_dimensions) {
      const card = "by-" + dimension;
      const titleId = card + "-title";
      holder.appendChild(el("section", { className: "card chart-card", id: "card-" + card, "aria-labelledby": titleId }, [
        el("h2", { id: titleId, text: "By " + humanize(dimension) }),
        el("p", { className: "muted small" }, [
          document.createTextNode("Outcomes of "),
          el("span", { className: "activity-name", text: activityName(activity) }),
          document.createTextNode(" per " + humanize(dimension).toLowerCase() +
            ". Each learner counts in the group of the record that first made an outcome true; \u201c(none)\u201d is learners with no value."),
        ]),
        el("div", { className: "chart", id: "chart-" + card, role: "img", "aria-label": "Outcomes by " + dimension + ", as a bar chart; the table below has the same numbers" }),
        el("div", { className: "table-wrap", id: "table-" + card }),
        el("div", { className: "actions" }, [el("button", { type: "button", className: "csv", "data-card": card, text: "Download CSV" })]),
        el("p", { className: "status", role: "status", "aria-live": "polite" }),
      ]));
    }
  }

  async function drawBreakdown(dimension, gen) {
    const card = "by-" + dimension;
    cardStatus(card, "Loading\u2026");
    const answer = await getTable(card, "outcomes", { activity, by: dimension });
    if (gen !== generation) return;
    const byGroup = index(answer.rows, (r) => r[dimension], (r) => !("period" in r) && r.activity === activity);
    const groups = [...byGroup.keys()].sort((a, b) => (a === "(none)") - (b === "(none)") || a.localeCompare(b));
    const spec = {
      categories: groups.map((g) => ({ key: g, label: g })),
      series: OUTCOMES.map((m) => ({ id: m, name: MEASURE_LABELS[m], cells: groups.map((g) => byGroup.get(g)[m]) })),
    };
    drawBars("chart-" + card, spec);
    drawTable("table-" + card, "Learners per " + humanize(dimension).toLowerCase(), humanize(dimension), spec);
    cardStatus(card, summary(spec));
  }

  // ---- loading --------------------------------------------------------------------

  async function drawActivityCharts(gen) {
    for (const node of document.querySelectorAll(".activity-name")) node.textContent = activityName(activity);
    const jobs = [drawCompletions(gen), drawScores(gen), drawDurations(gen)];
    for (const dimension of catalogue.cohort_dimensions) jobs.push(drawBreakdown(dimension, gen));
    await settle(jobs, ["completions", "scores", "scores"].concat(catalogue.cohort_dimensions.map((d) => "by-" + d)));
  }

  // Waits for every job; a card whose job failed says why, and a lost
  // sign-in sends the analyst back to the form.
  async function settle(jobs, cards) {
    const results = await Promise.allSettled(jobs);
    results.forEach((result, i) => {
      if (result.status === "rejected") {
        const error = result.reason;
        if (error instanceof ApiError && error.kind === "auth") signOut(problemText(error));
        else cardStatus(cards[i], error instanceof ApiError ? problemText(error) : "This chart could not be drawn: " + error.message);
      }
    });
  }

  function fillSelect(select, activities, chosen) {
    select.replaceChildren(...activities.map((a) => el("option", { value: a.id, text: activityName(a.id), selected: a.id === chosen })));
  }

  async function loadCatalogue() {
    const gen = generation;
    catalogue = await getJson("/analytics/tables?purpose=" + encodeURIComponent(purpose));
    if (gen !== generation) return;
    const asOf = new Date(catalogue.epoch.as_of);
    $("epoch-as-of").dateTime = catalogue.epoch.as_of;
    $("epoch-as-of").textContent = isNaN(asOf) ? catalogue.epoch.as_of
      : asOf.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC";
    $("epoch-id").textContent = catalogue.epoch.id;
    $("k-value").textContent = plural(catalogue.k, "learner", "learners");
    $("lead-k").textContent = String(catalogue.k);
    for (const node of document.querySelectorAll(".k-inline")) node.textContent = String(catalogue.k);

    $("content").hidden = false;
    $("signin-section").hidden = true;
    breakdownCards();

    const outcomes = await settleOne(drawOutcomes(gen), "outcomes");
    if (gen !== generation) return;
    const known = new Set(catalogue.activities.map((a) => a.id));
    if (!known.has(activity)) activity = (await defaultActivity(outcomes)) || (catalogue.activities[0] || {}).id || "";
    if (gen !== generation) return;
    fillSelect($("activity"), catalogue.activities, activity);
    fillSelect($("funnel-activity"), catalogue.activities, funnelSteps.length ? "" : activity);
    funnelSteps = funnelSteps.filter((s) => known.has(s));
    renderSteps();
    if (!activity) return;
    const jobs = [drawActivityCharts(gen)];
    if (funnelSteps.length >= MIN_STEPS) jobs.push(settle([drawFunnel(gen)], ["funnel"]));
    await Promise.all(jobs);
  }

  async function settleOne(job, card) {
    try {
      return await job;
    } catch (error) {
      await settle([Promise.reject(error)], [card]);
      return null;
    }
  }

  // The activity with the most learners in published score bins (so every
  // chart of the activity has something to show), else the one most learners
  // attempted. Published numbers only.
  async function defaultActivity(byActivity) {
    let best = "";
    let most = 0;
    try {
      const scores = await getJson(tablePath("scores", {}));
      const scored = new Map();
      for (const row of scores.rows) {
        if (row.measure !== "learners" || !("bin" in row) || !withoutCohorts(row) || "period" in row) continue;
        scored.set(row.activity, (scored.get(row.activity) || 0) + (published(row) || 0));
      }
      for (const [id, n] of scored) {
        if (n > most) {
          most = n;
          best = id;
        }
      }
    } catch (error) {
      if (error instanceof ApiError && error.kind === "auth") throw error;
    }
    if (best || !byActivity) return best;
    for (const [id, cells] of byActivity) {
      const n = published(cells.attempted) || 0;
      if (n > most) {
        most = n;
        best = id;
      }
    }
    return best;
  }

  async function loadPurposes() {
    // The manifest's purposes are public (/privacy.json): no credential sent.
    let purposes = [{ id: DEFAULT_PURPOSE }];
    try {
      const response = await fetch("/privacy.json", { credentials: "omit", cache: "no-store" });
      const manifest = await response.json();
      if (Array.isArray(manifest.purposes) && manifest.purposes.length) purposes = manifest.purposes;
    } catch (e) {
      // keep the default
    }
    const select = $("purpose");
    select.replaceChildren(...purposes.map((p) => el("option", {
      value: p.id, text: humanize(p.id), selected: p.id === purpose,
    })));
    if (!purposes.some((p) => p.id === purpose)) select.value = purposes[0].id;
  }

  // ---- the funnel builder -----------------------------------------------------------

  function renderSteps() {
    const list = $("funnel-steps");
    list.replaceChildren(...funnelSteps.map((iri, i) => {
      const name = activityName(iri);
      const up = el("button", { type: "button", text: "Move up", disabled: i === 0, "aria-label": "Move step " + (i + 1) + " up" });
      up.addEventListener("click", () => moveStep(i, -1));
      const remove = el("button", { type: "button", text: "Remove", "aria-label": "Remove step " + (i + 1) + ", " + name });
      remove.addEventListener("click", () => {
        funnelSteps.splice(i, 1);
        renderSteps();
      });
      return el("li", { "data-iri": iri }, [el("span", { className: "step-name", text: name }), up, remove]);
    }));
    $("funnel-hint").textContent = funnelSteps.length === 0 ? "No steps yet."
      : funnelSteps.length < MIN_STEPS ? "Add at least one more step."
      : funnelSteps.length >= MAX_STEPS ? "A funnel has at most " + MAX_STEPS + " steps." : "";
    $("funnel-show").disabled = funnelSteps.length < MIN_STEPS;
    $("funnel-add").disabled = funnelSteps.length >= MAX_STEPS;
  }

  function moveStep(i, by) {
    const j = i + by;
    if (j < 0 || j >= funnelSteps.length) return;
    [funnelSteps[i], funnelSteps[j]] = [funnelSteps[j], funnelSteps[i]];
    renderSteps();
    const buttons = $("funnel-steps").querySelectorAll("li")[j].querySelectorAll("button");
    (j === 0 ? buttons[1] : buttons[0]).focus();
  }

  function addStep() {
    const iri = $("funnel-activity").value;
    if (!iri) return;
    if (funnelSteps.includes(iri)) {
      $("funnel-hint").textContent = "That activity is already a step.";
      return;
    }
    if (funnelSteps.length >= MAX_STEPS) return;
    funnelSteps.push(iri);
    renderSteps();
    // Offer the next activity, so building a funnel in order is quick.
    const select = $("funnel-activity");
    if (select.selectedIndex < select.options.length - 1) select.selectedIndex += 1;
  }

  // ---- CSV downloads -----------------------------------------------------------------

  function filename(card) {
    const { table, params } = shown[card];
    const parts = [table];
    if (params.by) parts.push("by-" + params.by);
    if (params.period) parts.push(params.period);
    if (params.activity) parts.push(activityName(params.activity));
    if (params.steps) parts.push(params.steps.split(",").length + "-steps");
    const base = parts.join("-").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80);
    return (base || "table") + ".csv";
  }

  async function downloadCsv(card, button) {
    if (!shown[card]) return;
    const { table, params } = shown[card];
    button.disabled = true;
    cardStatus(card, "Preparing the CSV\u2026");
    try {
      const text = await (await api(tablePath(table, params, "csv"), "text/csv")).text();
      const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
      const link = el("a", { href: url, download: filename(card), hidden: true });
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), DOWNLOAD_URL_LIFETIME_MS);
      cardStatus(card, "Downloaded " + filename(card) + ".");
    } catch (error) {
      if (error instanceof ApiError && error.kind === "auth") signOut(problemText(error));
      else cardStatus(card, error instanceof ApiError ? problemText(error) : error.message);
    } finally {
      button.disabled = false;
    }
  }

  // ---- signing in and out ---------------------------------------------------------------

  function showProblem(title, text) {
    $("problem-title").textContent = title;
    $("problem-text").textContent = text;
    $("problem").hidden = false;
  }

  function disposeCharts() {
    for (const node of document.querySelectorAll(".chart")) {
      const instance = window.echarts && window.echarts.getInstanceByDom(node);
      if (instance) instance.dispose();
    }
  }

  function signOut(message) {
    generation++;
    credentials = null;
    catalogue = null;
    for (const card of Object.keys(shown)) delete shown[card];
    disposeCharts();
    for (const node of document.querySelectorAll(".table-wrap")) node.replaceChildren();
    $("content").hidden = true;
    $("signin-section").hidden = false;
    $("secret").value = "";
    $("signin-button").disabled = false;
    $("signin-status").textContent = message || "Signed out. The key and secret are forgotten.";
    $("key").focus();
  }

  async function signIn(event) {
    event.preventDefault();
    const key = $("key").value.trim();
    const secret = $("secret").value;
    $("secret").value = "";  // from here on, only this closure holds it
    $("problem").hidden = true;
    if (!key || !secret) {
      $("signin-status").textContent = "Enter both the key and the secret.";
      return;
    }
    if (!window.echarts) {
      showProblem("The charts could not load", "The page's chart library did not load; reload the page.");
      return;
    }
    credentials = { key, secret };
    $("signin-button").disabled = true;
    $("signin-status").textContent = "Signing in\u2026";
    try {
      await loadCatalogue();
      $("signin-status").textContent = "";
      $("main").focus();
    } catch (error) {
      const text = error instanceof ApiError ? problemText(error) : error.message;
      signOut(text);
    }
  }

  async function reload() {
    if (!credentials) return;
    const gen = ++generation;
    try {
      await loadCatalogue();
    } catch (error) {
      if (gen !== generation) return;
      if (error instanceof ApiError && error.kind === "auth") signOut(problemText(error));
      else showProblem("The dashboard could not be loaded", error instanceof ApiError ? problemText(error) : error.message);
    }
  }

  function start() {
    $("signin").addEventListener("submit", signIn);
    $("signout").addEventListener("click", () => signOut());
    $("purpose").addEventListener("change", (e) => {
      purpose = e.target.value;
      reload();
    });
    $("activity").addEventListener("change", (e) => {
      activity = e.target.value;
      drawActivityCharts(generation);
    });
    $("period").addEventListener("change", () => settle([drawCompletions(generation)], ["completions"]));
    $("funnel-add").addEventListener("click", addStep);
    $("funnel-clear").addEventListener("click", () => {
      funnelSteps = [];
      renderSteps();
    });
    $("funnel-show").addEventListener("click", () => settle([drawFunnel(generation)], ["funnel"]));
    document.addEventListener("click", (e) => {
      const button = e.target.closest("button.csv");
      if (button) downloadCsv(button.getAttribute("data-card"), button);
    });
    let resizeTimer = 0;
    window.addEventListener("resize", () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => {
        for (const node of document.querySelectorAll(".chart")) {
          const instance = window.echarts && window.echarts.getInstanceByDom(node);
          if (instance) instance.resize();
        }
      }, 150);
    });
    renderSteps();
    loadPurposes();
    $("key").focus();
  }

  start();
})();
