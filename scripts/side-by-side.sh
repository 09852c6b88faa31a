#!/usr/bin/env bash
# Run commands side by side, each writing to its own log, and report all of them.
#
#   scripts/side-by-side.sh NAME CMD [NAME CMD ...]
#
# `make test` runs the pytest suite on SQLite and on PostgreSQL this way: on a machine with two
# CPUs the two runs take about as long as the slower one alone, not as long as both together.
#
# Each CMD runs under `bash -c` with its output in $SIDE_BY_SIDE_LOGS/NAME.log (default
# test-results/). Every minute one line says how far each run is (pytest's last percentage),
# so a long run shows it is alive. When all have ended, every log is printed whole, then one
# summary line per run. Exits 0 if every CMD did, else with the first failing CMD's code.
# Stopped (TERM, INT, HUP): stops the runs and prints the end of every log.
#
# The runs read nothing from the terminal (stdin is /dev/null): a `breakpoint()` or `--pdb`
# cannot stop there. To debug, run one suite alone (`make test-sqlite`, `make test-postgres`).
set -uo pipefail

[[ $# -ge 2 && $(($# % 2)) -eq 0 ]] || {
    echo "usage: $0 NAME CMD [NAME CMD ...]" >&2
    exit 2
}

dir="${SIDE_BY_SIDE_LOGS:-test-results}"
mkdir -p "$dir"
names=() pids=() logs=()
while [[ $# -ge 2 ]]; do
    log="$dir/$1.log"
    # Its own process group (set -m), so stopping it reaches everything it started.
    set -m
    bash -c "$2" </dev/null >"$log" 2>&1 &
    set +m
    names+=("$1") pids+=("$!") logs+=("$log")
    shift 2
done
start=$SECONDS

progress() {  # the last "[ 42%]" of a pytest log, or its last line
    local last
    last="$(grep -o '\[ *[0-9]*%\]' "$1" 2>/dev/null | tail -n 1 | tr -d '[] ')"
    if [[ -n "$last" ]]; then
        echo "$last"
    else
        tail -n 1 "$1" 2>/dev/null | cut -c1-60
    fi
}

status() {
    local line="side-by-side after $((SECONDS - start))s:" i
    for i in "${!names[@]}"; do
        line+=" ${names[$i]} $(progress "${logs[$i]}"),"
    done
    echo "${line%,}"
}

running() {
    local pid
    for pid in "${pids[@]}"; do
        kill -0 "$pid" 2>/dev/null && return 0
    done
    return 1
}

stop() {
    trap - TERM INT HUP
    echo "side-by-side: stopped; the end of every log follows" >&2
    local pid waited=0
    for pid in "${pids[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null
    done
    # Give them time to end (with-postgres stops its cluster), then kill what is left.
    while running && ((waited < ${SIDE_BY_SIDE_GRACE:-10})); do
        sleep 1
        waited=$((waited + 1))
    done
    for pid in "${pids[@]}"; do
        kill -KILL -- "-$pid" 2>/dev/null
    done
    for i in "${!names[@]}"; do
        printf '\n--- %s (last 60 lines of %s) ---\n' "${names[$i]}" "${logs[$i]}"
        tail -n 60 "${logs[$i]}"
    done
    exit 143
}
trap stop TERM INT HUP

next=60
while running; do
    sleep 2
    if ((SECONDS - start >= next)); then
        status
        next=$((next + 60))
    fi
done

result=0 summary=()
for i in "${!names[@]}"; do
    wait "${pids[$i]}"
    code=$?
    printf '\n\033[1m--- %s (%s) ---\033[0m\n' "${names[$i]}" "${logs[$i]}"
    cat "${logs[$i]}"
    summary+=("${names[$i]}: exit $code, $(grep -E '(passed|failed|error)' "${logs[$i]}" \
        | tail -n 1 | tr -d '=' | sed 's/^ *//')")
    if [[ $code -ne 0 && $result -eq 0 ]]; then
        result=$code
    fi
done
echo
printf '%s\n' "${summary[@]}"
echo "side-by-side: all ended in $((SECONDS - start))s"
exit "$result"
