#!/usr/bin/env bash
# Analytics benchmark (issue 16, "Performance"): fills a store with
# `lrs demo --learners 20000` (about 1,000,000 statements through the door),
# reports the fill's time and the store's size, then serves it and measures
#   - the epoch build: POST /admin/epoch (admin credential), its time and the
#     server's RSS from /proc before and after, and its peak (VmHWM);
#   - table requests: p50/p90/p99 over many DISTINCT requests
#     (bench/analytics/tables.mjs, keep-alive, bounded count).
# Prints a Markdown report and writes it to bench/results/analytics-<date>.md.
#
# Usage: bench/analytics/run.sh
# Environment (all optional):
#   LEARNERS=20000  DAYS=90  SEED=1     the demo store
#   STORE=DIR       a data directory already filled by `lrs demo` (skips the
#                   fill; it is served as it is, and kept)
#   REQUESTS=2000   CONCURRENCY=4       table requests (distinct), connections
#   EPOCHS=3        POST /admin/epoch this many times (the report gives each)
#   SKIP_BUILD=1    use $BUILD_DIR/lrs as it is
#   BUILD_DIR=build build directory (absolute, or relative to the repo root)
#   BENCH_TMP=/tmp  where the store goes (a real disk, not tmpfs)
#   RESULTS=path.md where to write the report
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
. bench/lib/common.sh
BUILD_DIR=${BUILD_DIR:-build}
LEARNERS=${LEARNERS:-20000}
DAYS=${DAYS:-90}
SEED=${SEED:-1}
REQUESTS=${REQUESTS:-2000}
CONCURRENCY=${CONCURRENCY:-4}
EPOCHS=${EPOCHS:-3}
BENCH_TMP=${BENCH_TMP:-${TMPDIR:-/tmp}}
DATE=$(date -u +%Y-%m-%d)
RESULTS=${RESULTS:-$REPO/bench/results/analytics-$DATE.md}

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >&2
  cmake --build "$BUILD_DIR" -j2 --target lrs >&2
fi
[[ "$BUILD_DIR" == /* ]] || BUILD_DIR=$REPO/$BUILD_DIR
LRS=$BUILD_DIR/lrs
[[ -x "$LRS" ]] || { echo "run.sh: missing $LRS" >&2; exit 1; }
command -v node >/dev/null || { echo "run.sh: node is needed for tables.mjs" >&2; exit 1; }

SERVER_PID=""
WORK=$(mktemp -d "$BENCH_TMP/lrs-analytics-bench.XXXXXX")
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# rss_kb FIELD: VmRSS or VmHWM of the server, in kB.
rss_kb() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$SERVER_PID/status"; }
mb() { echo $(( ($1 + 512) / 1024 )); }

# ---- 1. the store ---------------------------------------------------------
if [[ -n "${STORE:-}" ]]; then
  DATA=$STORE
  FILL="(given store $STORE, not filled by this run)"
  FILL_S="-"
  STATEMENTS="-"
else
  DATA=$WORK/data
  echo "run.sh: lrs demo --learners $LEARNERS --days $DAYS --seed $SEED" >&2
  FILL=$("$LRS" demo --data "$DATA" --learners "$LEARNERS" --days "$DAYS" --seed "$SEED" | tail -1)
  echo "$FILL" >&2
  # "lrs: demo: N statements, N learners, S seconds"
  STATEMENTS=$(sed -E 's/^lrs: demo: ([0-9]+) statements.*/\1/' <<<"$FILL")
  FILL_S=$(sed -E 's/.* ([0-9.]+) seconds$/\1/' <<<"$FILL")
fi
STORE_MB=$(du -sm "$DATA" | cut -f1)

# ---- 2. credentials and the server -----------------------------------------
cred() { "$LRS" credentials add --role "$1" --name "bench-$1" --data "$DATA" --json; }
ANALYST=$(cred analyst)
ADMIN=$(cred admin)
basic() { printf '%s:%s' "$(jget "$1" key)" "$(jget "$1" secret)" | base64 -w0; }
ANALYST_AUTH="Basic $(basic "$ANALYST")"
ADMIN_AUTH="Basic $(basic "$ADMIN")"

PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
START_NS=$(date +%s%N)
"$LRS" serve --listen "127.0.0.1:$PORT" --data "$DATA" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
  grep -q "listening on $BASE/xapi" "$WORK/serve.log" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
  sleep 0.1
done
# The first epoch is built when the server starts; tables answer 503 until then.
CATALOGUE_STATUS=""
for _ in $(seq 1 1200); do
  CATALOGUE_STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: $ANALYST_AUTH" \
    "$BASE/analytics/tables?purpose=analytics" || true)
  [[ $CATALOGUE_STATUS == 200 ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
  sleep 0.1
done
READY_S=$(awk -v a="$START_NS" -v b="$(date +%s%N)" 'BEGIN {printf "%.1f", (b - a) / 1e9}')
[[ $CATALOGUE_STATUS == 200 ]] || { echo "run.sh: the catalogue answered $CATALOGUE_STATUS" >&2; exit 1; }
echo "run.sh: serving $BASE, first epoch ready after $READY_S s" >&2

# ---- 3. epochs ---------------------------------------------------------------
EPOCH_ROWS=""
for i in $(seq 1 "$EPOCHS"); do
  before=$(rss_kb VmRSS)
  answer=$(curl -s -w '\n%{http_code} %{time_total}' -X POST -H "Authorization: $ADMIN_AUTH" \
    -H 'Content-Type: application/json' -d '{}' "$BASE/admin/epoch")
  read -r status seconds <<<"$(tail -1 <<<"$answer")"
  after=$(rss_kb VmRSS)
  peak=$(rss_kb VmHWM)
  [[ $status == 200 ]] || { echo "run.sh: POST /admin/epoch answered $status: $answer" >&2; exit 1; }
  EPOCH_ROWS+="| $i | $(printf '%.2f' "$seconds") | $(mb "$before") | $(mb "$after") | $(mb "$peak") |"$'\n'
  UTILITY=$(head -1 <<<"$answer" | node -e \
    'let t="";process.stdin.on("data",c=>t+=c).on("end",()=>{try{console.log(JSON.stringify(JSON.parse(t).utility))}catch{console.log("(no utility in the answer)")}})')
done

# ---- 4. table requests -------------------------------------------------------
TABLES=$(node "$REPO/bench/analytics/tables.mjs" --base "$BASE" --auth "$ANALYST_AUTH" \
  --requests "$REQUESTS" --concurrency "$CONCURRENCY" --seed "$SEED") || {
  echo "run.sh: tables.mjs failed: $TABLES" >&2
  exit 1
}
RSS_END=$(rss_kb VmRSS)

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
REPORT=$(cat <<EOF
# Analytics benchmark, $DATE

- commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)
- machine: $(nproc) cores ($cpu), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), store on $(df --output=source,fstype "$BENCH_TMP" | tail -1 | tr -s ' ')
- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared; read the numbers with it)

## The store
$( [[ -n "${STORE:-}" ]] && echo "$FILL" || echo "\`lrs demo --learners $LEARNERS --days $DAYS --seed $SEED\`: $FILL")

| statements | fill (s) | statements/s | store (MB) |
|---:|---:|---:|---:|
| $STATEMENTS | $FILL_S | $( [[ $STATEMENTS != - ]] && awk -v n="$STATEMENTS" -v s="$FILL_S" 'BEGIN {printf "%.0f", n / s}' || echo -) | $STORE_MB |

## Epochs
Server start to the first table answer (opening the store and building the first epoch): $READY_S s.

| POST /admin/epoch | time (s) | RSS before (MB) | RSS after (MB) | peak RSS (MB) |
|---:|---:|---:|---:|---:|
$EPOCH_ROWS
Utility of the last epoch (POST /admin/epoch's answer): \`$UTILITY\`

## Table requests
$REQUESTS distinct requests over $CONCURRENCY kept-alive connections (bench/analytics/tables.mjs):

\`\`\`
$TABLES
\`\`\`
Server RSS after the requests: $(mb "$RSS_END") MB.

The server's own account of each epoch it built (serve's log):
\`\`\`
$(grep 'analytics: epoch' "$WORK/serve.log" || echo "(none logged)")
\`\`\`
EOF
)
echo "$REPORT"
mkdir -p "$(dirname "$RESULTS")"
echo "$REPORT" >"$RESULTS"
echo "run.sh: wrote $RESULTS" >&2
