#!/usr/bin/env bash
# Document merge benchmark (issue 15, finding 6): how long a POST that merges
# a KEYS-key JSON object into a stored KEYS-key State document takes, end to
# end over loopback. Half of the posted keys replace stored ones, half are
# new, so both paths of the merge (replace, add) are timed. The result is
# checked: the merged document must hold 1.5 * KEYS members.
#
# Starts a fresh `lrs serve` on a free loopback port with a fresh data dir,
# stops it and removes the dir when done. Prints one Markdown table row.
#
# Usage: bench/documents/merge.sh
# Environment (all optional):
#   KEYS=200000        members in the stored document and in the posted one
#   BUILD_DIR=build    build directory holding `lrs` (absolute, or relative to the repo root)
#   BENCH_TMP=/tmp     where the data dir goes
#   TIMEOUT=300        seconds the merge POST may take before it counts as failed
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
. bench/lib/common.sh
KEYS=${KEYS:-200000}
BUILD_DIR=${BUILD_DIR:-build}
[[ "$BUILD_DIR" == /* ]] || BUILD_DIR=$REPO/$BUILD_DIR
BENCH_TMP=${BENCH_TMP:-${TMPDIR:-/tmp}}
TIMEOUT=${TIMEOUT:-300}
LRS=$BUILD_DIR/lrs
[[ -x "$LRS" ]] || { echo "merge.sh: missing $LRS (build the lrs target)" >&2; exit 1; }

SERVER_PID=""
WORK=$(mktemp -d "$BENCH_TMP/lrs-merge-bench.XXXXXX")
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    sleep 1
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# object FIRST COUNT: {"k<FIRST>":"v<FIRST>", ...} with COUNT members.
object() {
  awk -v first="$1" -v count="$2" 'BEGIN {
    printf "{";
    for (i = first; i < first + count; i++) printf "%s\"k%07d\":\"v%07d\"", (i > first ? "," : ""), i, i;
    printf "}";
  }'
}

object 0 "$KEYS" >"$WORK/stored.json"
object $((KEYS / 2)) "$KEYS" >"$WORK/posted.json"
bytes=$(wc -c <"$WORK/posted.json")
max_body=$((bytes * 2 + 1048576))

creds=$("$LRS" credentials add --role lms --name bench --data "$WORK/data" --json)
auth="$(jget "$creds" key):$(jget "$creds" secret)"
port=$(free_port)
"$LRS" serve --listen "127.0.0.1:$port" --data "$WORK/data" --max-body-bytes "$max_body" \
  >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 200); do
  grep -q "listening on http://127.0.0.1:$port/xapi" "$WORK/serve.log" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
  sleep 0.1
done

url="http://127.0.0.1:$port/xapi/activities/state?activityId=http%3A%2F%2Fexample.org%2Fbench"
url+="&agent=%7B%22mbox%22%3A%22mailto%3Abench%40example.org%22%7D&stateId=merge"
send() {  # METHOD FILE -> prints "status seconds"
  curl -sS -o /dev/null -w '%{http_code} %{time_total}' --max-time "$TIMEOUT" -u "$auth" \
    -H 'X-Experience-API-Version: 1.0.3' -H 'Content-Type: application/json' \
    -X "$1" --data-binary "@$2" "$url"
}

read -r put_status put_s <<<"$(send PUT "$WORK/stored.json")"
[[ "$put_status" == 204 ]] || { echo "merge.sh: PUT answered $put_status" >&2; exit 1; }
read -r post_status post_s <<<"$(send POST "$WORK/posted.json" || echo "timeout $TIMEOUT")"
[[ "$post_status" == 204 ]] || { echo "merge.sh: POST answered $post_status" >&2; exit 1; }
members=$(curl -sS --max-time "$TIMEOUT" -u "$auth" -H 'X-Experience-API-Version: 1.0.3' "$url" |
  jq 'length')
expected=$((KEYS + KEYS / 2))
[[ "$members" == "$expected" ]] || { echo "merge.sh: merged $members members, not $expected" >&2; exit 1; }

commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
echo "| $commit | $KEYS | $bytes | $put_s | $post_s | $members |"
