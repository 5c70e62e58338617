// Everything an analyst can request in one epoch: the catalogue, then every
// table for every activity (and for all activities at once), by none, each
// cohort dimension and each pair, period all / day / week / month (each
// breakdown by the periods the catalogue offers it), and funnels over a few
// step lists. With allActivities (default) a table is
// requested once for every activity, and per activity only by none, period
// all (the rows are merged, so a difference would show as a contradiction). Answers that are not 200 are recorded (a
// table that does not apply to an activity answers 400) and skipped.

function sameEpoch(a, b) {
  return a && b && a.id === b.id;
}

/**
 * get(pathAndQuery) -> {status, json}. Returns {catalogue, released:
 * [{table, request, rows}], requests, refused: [...]}.
 */
export async function fetchEverything(get, { purpose = "analytics", funnels, allActivities = true } = {}) {
  const cat = await get(`/analytics/tables?purpose=${encodeURIComponent(purpose)}`);
  if (cat.status !== 200) throw new Error(`GET /analytics/tables: ${cat.status} ${JSON.stringify(cat.json)}`);
  const catalogue = cat.json;
  const dims = catalogue.cohort_dimensions || [];
  const bys = [[]];
  for (const d of dims) bys.push([d]);
  for (let i = 0; i < dims.length; i++) for (let j = i + 1; j < dims.length; j++) bys.push([dims[i], dims[j]]);
  const periods = ["all", "day", "week", "month"];
  // The catalogue says how many cohort dimensions each period takes.
  const maxBy = new Map((catalogue.periods || []).map((p) => [p.period, p.max_by]));
  const offered = (period, by) => !maxBy.has(period) || by.length <= maxBy.get(period);
  const activities = (catalogue.activities || []).map((a) => a.id);
  const stepLists = funnels || defaultFunnels(activities);
  const merged = new Map(); // request signature -> {table, request, rows: Map}
  const refused = [];
  let requests = 0;
  const run = async (table, request) => {
    const q = [`purpose=${encodeURIComponent(purpose)}`];
    if (request.activity) q.push(`activity=${encodeURIComponent(request.activity)}`);
    if (request.by.length) q.push(`by=${request.by.join(",")}`);
    q.push(`period=${request.period}`);
    if (request.steps) q.push(`steps=${request.steps.map(encodeURIComponent).join(",")}`);
    const path = `/analytics/tables/${encodeURIComponent(table)}?${q.join("&")}`;
    requests++;
    const r = await get(path);
    if (r.status !== 200) {
      refused.push({ path, status: r.status });
      return;
    }
    if (!sameEpoch(r.json.epoch, catalogue.epoch)) throw new Error(`${path}: answered from another epoch`);
    const sig = JSON.stringify([table, request.by, request.period, request.steps || null]);
    if (!merged.has(sig)) merged.set(sig, { table, request: { by: request.by, period: request.period, steps: request.steps }, rows: new Map() });
    const m = merged.get(sig);
    for (const row of r.json.rows || []) m.rows.set(JSON.stringify(Object.entries(row).sort()), row);
  };
  for (const t of catalogue.tables || []) {
    const params = t.parameters || [];
    const takesBy = params.includes("by");
    const takesPeriod = params.includes("period");
    const takesActivity = params.includes("activity");
    for (const by of takesBy ? bys : [[]]) {
      for (const period of takesPeriod ? periods : ["all"]) {
        if (!offered(period, by)) continue;
        if (t.id === "funnel" || params.includes("steps")) {
          for (const steps of stepLists) await run(t.id, { by, period, steps });
          continue;
        }
        // every activity at once answers the same rows as each activity alone
        // (checked for by none, period all; merged rows are deduplicated)
        await run(t.id, { by, period });
        if (takesActivity && (allActivities === false || (by.length === 0 && period === "all"))) {
          for (const a of activities) await run(t.id, { by, period, activity: a });
        }
      }
    }
  }
  const released = [...merged.values()].map((m) => ({ ...m, rows: [...m.rows.values()] }));
  return { catalogue, released, requests, refused };
}

function defaultFunnels(activities) {
  const out = [];
  if (activities.length >= 2) out.push(activities.slice(0, 2));
  if (activities.length >= 3) out.push(activities.slice(0, 3));
  if (activities.length >= 3) out.push([activities[activities.length - 1], activities[0]]);
  return out;
}
