#!/usr/bin/env bash
# Lint the OpenAPI document against the project's NL API Design Rules ruleset (Spectral).
#
#   npm ci --ignore-scripts      # once: installs the pinned @stoplight/spectral-cli
#   scripts/api-lint.sh
#
# 1. Exports the document exactly as /api/v1/openapi.json serves it (manage.py spectacular,
#    in-memory SQLite: nothing is written).
# 2. Proves the ruleset still bites: api-rules/tests/violations.json breaks every nlgov-* rule
#    on purpose, and each of them must report it.
# 3. Lints the real document: any error fails; warnings are printed for a human to judge.
# Exit status: 0 when both checks pass, 1 otherwise. See docs/security.md.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
SPECTRAL=node_modules/.bin/spectral
RULESET=api-rules/.spectral.yml
if [[ ! -x $SPECTRAL ]]; then
    echo "error: $SPECTRAL not found; run 'npm ci --ignore-scripts' first" >&2
    exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "Exporting the OpenAPI document (manage.py spectacular)"
NIEUWESTART_TESTING=1 DATABASE_URL=sqlite://:memory: "$PY" manage.py spectacular \
    --format openapi-json --validate --fail-on-warn --file "$work/openapi.json"

echo "Checking that every nlgov rule catches its violation (api-rules/tests/violations.json)"
"$SPECTRAL" lint --quiet --ruleset "$RULESET" --format json --output "$work/violations.json" \
    --fail-severity error api-rules/tests/violations.json || true
node - "$RULESET" "$work/violations.json" <<'EOF'
const fs = require("fs");
const [ruleset, report] = process.argv.slice(2);
const expected = [...fs.readFileSync(ruleset, "utf8").matchAll(/^  (nlgov-[a-z-]+):/gm)].map((m) => m[1]);
const found = new Set(JSON.parse(fs.readFileSync(report, "utf8")).map((r) => r.code));
const silent = expected.filter((rule) => !found.has(rule));
if (silent.length) {
  console.error(`error: these rules did not report their violation: ${silent.join(", ")}`);
  process.exit(1);
}
console.log(`  all ${expected.length} nlgov rules report their violation`);
EOF

echo "Linting the OpenAPI document with $RULESET"
"$SPECTRAL" lint --ruleset "$RULESET" --fail-severity error "$work/openapi.json"
echo "API lint passed: 0 errors"
