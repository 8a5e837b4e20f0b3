# skip_or_fail <suite> <reason> (sourced): a suite that cannot run on this machine.
# Under CI=true it fails the run with its reason: CI installs what every suite needs, so a
# suite that cannot run there is a broken CI, never a pass. Elsewhere (a developer's laptop)
# it skips, loudly, and exits 0. The TypeScript twin is test/support/skip-or-fail.ts.
skip_or_fail() {
  if [ "${CI:-}" = true ] || [ "${CI:-}" = 1 ]; then
    echo "=== $1 FAILED: it cannot run here and CI=$CI: $2 ===" >&2
    exit 1
  fi
  echo "=== $1 SKIPPED (NOT PASSED): $2 (under CI=true this fails the run) ===" >&2
  exit 0
}
