#!/usr/bin/env bash
# Ingest benchmark: builds Release, then for each (batch, connections) starts a
# fresh `lrs serve` on a free loopback port with a fresh data dir, posts with
# the load generator, stops the server; runs the raw SQLite baseline (batch
# 100) in the same run; prints a Markdown table and writes
# bench/results/ingest-<date>.md with the machine, the commit and the table.
#
# Usage: bench/ingest/run.sh
# Environment (all optional):
#   TOTAL=100000          statements per configuration
#   TOTAL_BATCH1=20000    statements for batch 1 (fewer, to keep the run short)
#   BATCHES="1 10 100"    CONNECTIONS="8 64"    LEARNERS=1000
#   SKIP_BUILD=1          use the binaries already in $BUILD_DIR
#   BUILD_DIR=build       build directory (absolute, or relative to the repo root)
#   BENCH_TMP=/tmp        where the data dirs go (must be a real disk, not tmpfs)
#   RESULTS=path.md       where to write the report
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
. bench/lib/common.sh
BUILD_DIR=${BUILD_DIR:-build}
TOTAL=${TOTAL:-100000}
TOTAL_BATCH1=${TOTAL_BATCH1:-20000}
BATCHES=${BATCHES:-"1 10 100"}
CONNECTIONS=${CONNECTIONS:-"8 64"}
LEARNERS=${LEARNERS:-1000}
BENCH_TMP=${BENCH_TMP:-${TMPDIR:-/tmp}}
DATE=$(date -u +%Y-%m-%d)
RESULTS=${RESULTS:-$REPO/bench/results/ingest-$DATE.md}

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DLRS_BUILD_BENCH=ON >&2
  cmake --build "$BUILD_DIR" -j2 >&2
fi
[[ "$BUILD_DIR" == /* ]] || BUILD_DIR=$REPO/$BUILD_DIR
LRS=$BUILD_DIR/lrs
LOADGEN=$BUILD_DIR/bench/ingest_loadgen
RAW=$BUILD_DIR/bench/ingest_raw_sqlite
for bin in "$LRS" "$LOADGEN" "$RAW"; do
  [[ -x "$bin" ]] || { echo "run.sh: missing $bin" >&2; exit 1; }
done

SERVER_PID=""
WORK=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  [[ -n "$WORK" ]] && rm -rf "$WORK"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop_server() {
  [[ -z "$SERVER_PID" ]] && return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# run_lrs BATCH CONNECTIONS TOTAL -> prints the loadgen JSON line (or FAILED ...)
run_lrs() {
  local batch=$1 conns=$2 total=$3 port creds key secret line rc
  WORK=$(mktemp -d "$BENCH_TMP/lrs-bench.XXXXXX")
  creds=$("$LRS" credentials add --role lms --name bench --data "$WORK/data" --json)
  key=$(jget "$creds" key)
  secret=$(jget "$creds" secret)
  port=$(free_port)
  "$LRS" serve --listen "127.0.0.1:$port" --data "$WORK/data" >"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  local ready=0
  for _ in $(seq 1 200); do
    if grep -q "listening on http://127.0.0.1:$port/xapi" "$WORK/serve.log"; then ready=1; break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [[ $ready != 1 ]]; then
    echo "run.sh: lrs did not start; its output:" >&2
    cat "$WORK/serve.log" >&2
    stop_server
    rm -rf "$WORK"; WORK=""
    echo "FAILED server did not start"
    return 0
  fi
  rc=0
  line=$("$LOADGEN" --url "http://127.0.0.1:$port/xapi" --key "$key" --secret "$secret" \
    --total "$total" --batch "$batch" --connections "$conns" --learners "$LEARNERS") || rc=$?
  stop_server
  local db_mb
  db_mb=$(du -sm "$WORK/data" | cut -f1)
  rm -rf "$WORK"; WORK=""
  if [[ $rc != 0 ]]; then
    echo "FAILED loadgen exit $rc: $line"
  else
    echo "$line $db_mb"
  fi
}

machine_info() {
  local cpu mem_kb src fstype dev rota model
  cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
  mem_kb=$(awk '/MemTotal/ {print $2}' /proc/meminfo)
  read -r src fstype < <(df --output=source,fstype "$BENCH_TMP" | tail -1)
  dev=$(basename "$src")
  rota=$(lsblk -dno ROTA "/dev/$dev" 2>/dev/null | tr -d ' ' || true)
  if [[ -z "$rota" ]]; then
    local parent
    parent=$(lsblk -no PKNAME "/dev/$dev" 2>/dev/null | head -1 || true)
    [[ -n "$parent" ]] && rota=$(lsblk -dno ROTA "/dev/$parent" 2>/dev/null | tr -d ' ' || true)
  fi
  model=$(lsblk -dno MODEL "/dev/$dev" 2>/dev/null | sed 's/ *$//' || true)
  local disk="$src ($fstype)"
  case "$rota" in
    0) disk+=", non-rotational (as the kernel reports it)" ;;
    1) disk+=", rotational (as the kernel reports it)" ;;
  esac
  [[ "$dev" == vd* ]] && disk+=", virtio block device"
  [[ -n "$model" ]] && disk+=", model $model"
  echo "- CPU: $(nproc) cores, ${cpu:-unknown}"
  echo "- Memory: $((mem_kb / 1024 / 1024)) GiB"
  echo "- Disk (data dirs in $BENCH_TMP): $disk"
  echo "- Kernel: $(uname -sr)"
  echo "- SQLite: $(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || echo unknown) (sqlite3 CLI)"
  local commit dirty=""
  commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
  [[ -n "$(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null)" ]] && dirty=" (with uncommitted changes)"
  echo "- Commit: $commit$dirty"
}

ROWS=()
row() {  # row NAME BATCH CONNS TOTAL RESULT_LINE
  local name=$1 batch=$2 conns=$3 total=$4 line=$5
  if [[ "$line" == FAILED* ]]; then
    ROWS+=("| $name | $batch | $conns | $total | ${line} | | | | |")
    return
  fi
  local json=${line% *} extra=${line##* }
  [[ "$json" == "$line" ]] && extra=""
  ROWS+=("| $name | $batch | $conns | $(jget "$json" statements) | $(jget "$json" seconds) | $(jget "$json" statements_per_s) | $(jget "$json" p50_ms) | $(jget "$json" p99_ms) | ${extra} |")
}

declare -A RATE
echo "Running the ingest benchmark (this takes a few minutes)..." >&2
for batch in $BATCHES; do
  total=$TOTAL
  [[ $batch == 1 ]] && total=$TOTAL_BATCH1
  for conns in $CONNECTIONS; do
    echo "  lrs: batch $batch, $conns connections, $total statements" >&2
    line=$(run_lrs "$batch" "$conns" "$total")
    echo "    $line" >&2
    row "lrs" "$batch" "$conns" "$total" "$line"
    [[ "$line" != FAILED* ]] && RATE["$batch/$conns"]=$(jget "$line" statements_per_s)
  done
done

echo "  raw SQLite: batch 100, $TOTAL statements" >&2
RAW_DB_DIR=$(mktemp -d "$BENCH_TMP/raw-sqlite.XXXXXX")
raw_line=$("$RAW" --total "$TOTAL" --batch 100 --learners "$LEARNERS" --db "$RAW_DB_DIR/raw.db" 2>/dev/null)
raw_mb=$(du -sm "$RAW_DB_DIR" | cut -f1)
rm -rf "$RAW_DB_DIR"
echo "    $raw_line" >&2
row "raw SQLite" 100 1 "$TOTAL" "$raw_line $raw_mb"
RAW_RATE=$(jget "$raw_line" statements_per_s)

mkdir -p "$(dirname "$RESULTS")"
ratio_lines=()
for conns in $CONNECTIONS; do
  r=${RATE["100/$conns"]:-}
  if [[ -n "$r" && -n "$RAW_RATE" ]]; then
    ratio_lines+=("- lrs batch 100, $conns connections: $(awk -v a="$r" -v b="$RAW_RATE" 'BEGIN { printf "%.2f", a / b }') of raw SQLite's throughput ($r vs $RAW_RATE statements/s)")
  fi
done

{
  echo "# Ingest benchmark, $DATE"
  echo
  echo "## Machine"
  machine_info
  echo
  echo "## Method"
  echo "- \`bench/ingest/run.sh\`: Release build; each lrs row is a fresh \`lrs serve\` (default manifest and limits) on a loopback port with an empty data dir, loaded by \`ingest_loadgen\` (C++, one thread and one HTTP/1.1 keep-alive connection per client, Basic auth) on the same machine, so client and server share its $(nproc) cores."
  echo "- Statements are Moodle-like (account and mbox actors with names from a pool of $LEARNERS learners, ADL/Tin Can verbs, module objects, registration, course and site context; about 0.8 KB each), posted without ids. Every response was checked to be 200 with one id per statement; a failed run shows as FAILED."
  echo "- Batch 1 posts $TOTAL_BATCH1 statements (single statement objects) to keep the run short; the other rows post $TOTAL."
  echo "- Latencies are per HTTP request (per transaction for raw SQLite). \"data MB\" is the size of the data dir after the run."
  echo "- raw SQLite is this machine's limit: the same statements inserted straight into SQLite (WAL, synchronous=FULL, one transaction per 100 statements) into a schema shaped like an LRS's (statements with query-column indexes, agent and activity rows with their indexes), no HTTP, JSON parsing, validation or sealing."
  echo
  echo "## Results"
  echo
  echo "| server | batch | connections | statements | seconds | statements/s | p50 ms | p99 ms | data MB |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  if ((${#ratio_lines[@]})); then
    echo "## lrs against raw SQLite (batch 100)"
    printf '%s\n' "${ratio_lines[@]}"
  fi
} >"$RESULTS.tmp"
mv "$RESULTS.tmp" "$RESULTS"
cat "$RESULTS"
echo >&2
echo "Written to ${RESULTS#"$REPO"/}" >&2
