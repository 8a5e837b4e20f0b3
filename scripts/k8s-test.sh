#!/usr/bin/env bash
# npm run test:k8s — the Kubernetes manifest checks (deploy/k8s/test/manifests.test.mjs) with
# Debian's kubectl from scripts/ensure-kubectl.sh (or $KUBECTL) and any kubectl on PATH.
# Where ensure-kubectl.sh fails: under CI=true the run fails with its reason, elsewhere the
# suite is skipped loudly (scripts/skip-or-fail.sh). Needs `npm run build`.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=skip-or-fail.sh
source scripts/skip-or-fail.sh
if [ -z "${KUBECTL:-}" ]; then
  err=$(mktemp)
  KUBECTL=$(bash scripts/ensure-kubectl.sh 2>"$err") ||
    skip_or_fail "test:k8s" "scripts/ensure-kubectl.sh failed: $(tail -3 "$err" | tr '\n' ' ')"
  rm -f "$err"
fi
export KUBECTL
exec node --test deploy/k8s/test/manifests.test.mjs
