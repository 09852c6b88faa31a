#!/bin/sh
# The national benchmark's evidence for the targets of issue 6, in the production layout
# (decision 0023: two servers of one process x 4 threads, as two pods): RUNS runs of the mixed
# load at 16 clients, then ROUNDS rounds of the API-only load against the naive endpoints, the
# order swapping each round. Each run's JSON goes to OUT; `summary.py OUT/mixed-*.json` prints
# the table docs/benchmarks.md shows. Needs DATABASE_URL with the generated national data
# (`generate.py --scale 1`); see docs/benchmarks.md, "Reproduce".
#
#   RUNS=3 ROUNDS=3 DURATION=45 WARMUP=10 OUT=bench scripts/national/suite.sh
set -eu
: "${DATABASE_URL:?DATABASE_URL must point at the generated national data}"
RUNS=${RUNS:-3}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-45}
WARMUP=${WARMUP:-10}
OUT=${OUT:-bench}
PYTHON=${PYTHON:-.venv/bin/python}
LAYOUT="--start-server --servers 2 --workers 1 --threads 4"
export NIEUWESTART_TESTING=1 NIEUWESTART_OIDC_ENABLED= DJANGO_LOG_LEVEL=WARNING
mkdir -p "$OUT"
run=1
while [ "$run" -le "$RUNS" ]; do
    echo "== mixed load, run $run of $RUNS"
    # shellcheck disable=SC2086  # LAYOUT is a list of options
    "$PYTHON" scripts/national/load.py $LAYOUT --duration "$DURATION" --warmup "$WARMUP" \
        --json "$OUT/mixed-$run.json"
    run=$((run + 1))
done
if [ "$ROUNDS" -gt 0 ]; then
    echo "== API-only load against the naive endpoints, $ROUNDS rounds"
    # shellcheck disable=SC2086
    "$PYTHON" scripts/national/load.py $LAYOUT --profile api --compare-rounds "$ROUNDS" \
        --duration "$DURATION" --warmup "$WARMUP" --json "$OUT/naive.json"
fi
"$PYTHON" scripts/national/summary.py "$OUT"/mixed-*.json
if [ "$ROUNDS" -gt 0 ]; then
    "$PYTHON" scripts/national/summary.py --naive "$OUT/naive.json"
fi
