# Helpers for scripts/container-test.sh (sourced): timed steps, ok/die/skip, waits.
# Uses LOG; die shows the logs of the containers named in DIE_CONTAINERS.

T0=$(date +%s.%N)
LAST=$T0
secs() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
step() {
  printf '[%6ss | +%5ss] %s\n' "$(secs "$T0")" "$(secs "$LAST")" "$*"
  LAST=$(date +%s.%N)
}
ok() { echo "  ok: $*"; }
die() {
  echo "FAIL: $*" >&2
  echo "--- last lines of $LOG:" >&2
  tail -40 "$LOG" >&2 || true
  for c in ${DIE_CONTAINERS:-}; do
    podman logs --tail 30 "$c" >&2 2>&1 && echo "--- ($c logs above)" >&2 || true
  done
  exit 1
}
# shellcheck source=../skip-or-fail.sh
source "$(dirname "${BASH_SOURCE[0]}")/../skip-or-fail.sh"
# podman cannot run here: fails the run under CI=true, skips loudly elsewhere
skip() { skip_or_fail "container test" "$*"; }
# podman 4.3 without systemd logs a harmless "unable to get systemd connection" per healthcheck.
quiet() { "$@" 2> >(grep -v 'systemd connection' >&2); }

http_code() { curl -s -o /dev/null -w '%{http_code}' "$1" || true; }
wait_for() { # wait_for <seconds> <description> <command...>
  local until=$(($(date +%s) + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$until" ] || die "timed out waiting for: $what"
    sleep 0.2
  done
}
# logs_have <container> <pattern>: through a file, as `podman logs | grep -q` fails under
# pipefail when grep stops reading early (SIGPIPE).
logs_have() {
  podman logs "$1" >"$WORK/logs.txt" 2>&1 || return 1
  grep -q -- "$2" "$WORK/logs.txt"
}
