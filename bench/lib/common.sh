# Helpers the benchmark scripts share; source it: . "$REPO/bench/lib/common.sh"

# A loopback port nothing answers on right now.
free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  echo "$(basename "$0"): no free port found" >&2
  return 1
}

# jget JSON FIELD: the value of a flat field in a one-line JSON object.
jget() {
  local re="\"$2\"[[:space:]]*:[[:space:]]*\"?([^\",}]*)"
  [[ "$1" =~ $re ]] && echo "${BASH_REMATCH[1]}"
}
