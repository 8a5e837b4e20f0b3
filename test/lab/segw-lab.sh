#!/usr/bin/env bash
# insupclient's own strongSwan lab for the SEGW failover tests (test/segw-lab.e2e-spec.ts).
# A real strongSwan lab on one machine: an initiator charon (the gateway's IPsec side)
# and N responder charons (the security gateways, SEGWs), each in its own network
# namespace, joined by veth pairs. Nothing leaves the machine: every address below
# lives only inside these namespaces.
#
#   segw-lab.sh up [N]        build the lab with N SEGWs (default 2) and start every charon
#   segw-lab.sh down          stop every charon, kill any process left inside the lab
#                             namespaces, and remove the namespaces
#   segw-lab.sh env           print the variables a test needs (VICI socket, addresses, PSK)
#   segw-lab.sh status        IKE SAs as the initiator sees them
#   segw-lab.sh stop-segw I   kill SEGW I's charon (SIGKILL: no DELETE is sent, like a crash)
#   segw-lab.sh start-segw I  start SEGW I's charon again and load its config
#   segw-lab.sh cut-segw I    take SEGW I's link down (a network failure; charon keeps running)
#   segw-lab.sh mend-segw I   bring SEGW I's link back up
#   segw-lab.sh exec HOST CMD...  run CMD inside a host's namespace: HOST is init or segwI.
#                             Behind every SEGW the same inner address 10.2.0.1 answers
#                             (the core network); from init it is reached only through
#                             the tunnel, from source 10.1.0.1.
#   segw-lab.sh install       install the packages below with apt-get (CI runs it before jest)
#   segw-lab.sh check        exit 0 when this machine can host the lab, 3 when it cannot
#   segw-lab.sh stop-init     kill the initiator's charon (the gateway's VICI peer)
#   segw-lab.sh start-init    start the initiator's charon again (empty: no connections)
#   segw-lab.sh selftest      up, then prove the lab works with swanctl alone: a tunnel to
#                             SEGW 1, SEGW 1 killed, the initiator sees the SA go down
#
# Requires root, iproute2, and Debian's strongswan-charon, strongswan-swanctl,
# libcharon-extra-plugins (kernel-libipsec lives there, not in strongswan-charon) and
# iputils-ping (`install` installs them with apt-get; `check` and `up` never do). ESP runs in user
# space (charon's kernel-libipsec plugin over a TUN device), so the lab works on kernels
# whose XFRM lacks ESP. Exit status 3 means the machine cannot host
# the lab (no network namespaces, no XFRM): a test must report that as skipped, never
# as passed.
#
# Environment: LAB_DIR (default /tmp/insupclient-segw-lab), LAB_PREFIX (default insclab, namespace
# name prefix), LAB_DPD (initiator DPD delay in seconds, default 1).
set -euo pipefail

LAB_DIR=${LAB_DIR:-/tmp/insupclient-segw-lab}
P=${LAB_PREFIX:-insclab}
DPD=${LAB_DPD:-1}
CHARON=/usr/lib/ipsec/charon
LIBIPSEC=/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so
PSK=lab-psk-secret-0123456789
INIT_ID=client@lab.test
SEGW_ID=segw@lab.test
LOCAL_TS=10.1.0.0/24
REMOTE_TS=10.2.0.0/24

die() { echo "segw-lab: $*" >&2; exit 1; }
cannot() { echo "segw-lab: CANNOT RUN HERE: $*" >&2; exit 3; }

init_ns() { echo "${P}-init"; }
segw_ns() { echo "${P}-segw$1"; }
# SEGW i is 10.99.i.2, reached from the initiator's 10.99.i.1 over its own veth pair.
segw_addr() { echo "10.99.$1.2"; }
init_addr() { echo "10.99.$1.1"; }
count() { cat "$LAB_DIR/count" 2>/dev/null || echo 0; }

PKGS="strongswan-charon strongswan-swanctl libcharon-extra-plugins iputils-ping iproute2 util-linux"
have_packages() {
  [ -x "$CHARON" ] && [ -e "$LIBIPSEC" ] && command -v swanctl >/dev/null && command -v ping >/dev/null \
    && command -v ip >/dev/null && command -v unshare >/dev/null
}

# The package install is a step of its own (CI runs it before jest): test collection only
# checks, it never waits on apt-get.
cmd_install() {
  [ "$(id -u)" = 0 ] || cannot "needs root to install $PKGS"
  have_packages && { echo "segw-lab: packages present" >&2; return 0; }
  command -v apt-get >/dev/null || cannot "strongSwan is missing and there is no apt-get to install it"
  echo "segw-lab: installing $PKGS" >&2
  # shellcheck disable=SC2086
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $PKGS) >&2 \
    || cannot "could not install strongSwan with apt-get"
}

need_tools() {
  [ "$(id -u)" = 0 ] || cannot "needs root"
  have_packages || cannot "strongSwan packages missing: run 'bash test/lab/segw-lab.sh install' first ($PKGS)"
  command -v ip >/dev/null || cannot "iproute2 (ip) is missing"
  [ -x "$CHARON" ] || cannot "charon is missing ($CHARON)"
  command -v swanctl >/dev/null || cannot "swanctl is missing"
  # Without this plugin charon still starts but builds no CHILD_SA (NO_PROPOSAL_CHOSEN).
  [ -e "$LIBIPSEC" ] || cannot "charon's kernel-libipsec plugin is missing ($LIBIPSEC)"
  [ -c /dev/net/tun ] || cannot "/dev/net/tun is missing (kernel-libipsec needs a TUN device)"
  ip netns add "${P}-probe" 2>/dev/null || cannot "network namespaces unavailable (ip netns add failed)"
  if ! ip netns exec "${P}-probe" ip xfrm state >/dev/null 2>&1; then
    ip netns del "${P}-probe"; cannot "the kernel has no XFRM (IPsec) support"
  fi
  ip netns del "${P}-probe"
}

# strongswan.conf for one instance: its own VICI socket and log file, a small plugin set.
write_conf() { # name dir
  local dir=$2
  mkdir -p "$dir/run"
  cat >"$dir/strongswan.conf" <<EOF
charon {
  load_modular = no
  load = random nonce openssl pem pkcs1 pubkey x509 revocation constraints curve25519 gmp aes sha1 sha2 hmac kdf kernel-libipsec kernel-netlink socket-default vici
  install_virtual_ip = no
  retransmit_timeout = 1.0
  retransmit_base = 1.2
  retransmit_tries = 2
  half_open_timeout = 5
  plugins {
    vici { socket = unix://$dir/charon.vici }
  }
  filelog {
    log { path = $dir/charon.log
          default = 1
          ike = 2
          time_format = %H:%M:%S
          flush_line = yes }
  }
  syslog { daemon { default = -1 } }
}
EOF
}

# Start one charon inside namespace $1 with config dir $2. A private /run per instance
# keeps the fixed pid file (/run/charon.pid) of each instance apart.
start_charon() { # ns dir
  local ns=$1 dir=$2
  rm -f "$dir/charon.vici" "$dir/charon.pid"
  ip netns exec "$ns" unshare --mount --propagation private sh -c \
    "mount -t tmpfs lab-run /run && echo \$\$ > '$dir/charon.pid' && STRONGSWAN_CONF='$dir/strongswan.conf' exec $CHARON" \
    >>"$dir/charon.out" 2>&1 </dev/null &
  for _ in $(seq 1 100); do
    [ -S "$dir/charon.vici" ] && return 0
    sleep 0.1
  done
  die "charon in $ns did not open its VICI socket; see $dir/charon.out and $dir/charon.log"
}

stop_charon() { # dir
  local dir=$1 pid
  pid=$(cat "$dir/charon.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$dir/charon.pid" "$dir/charon.vici"
}

swan() { # dir command args...  (swanctl against one instance)
  local dir=$1 cmd=$2; shift 2
  swanctl "$cmd" --uri "unix://$dir/charon.vici" "$@"
}

# The responder side of SEGW i: accepts the initiator with a PSK, any TS inside the lab.
load_segw() { # i
  local i=$1 dir="$LAB_DIR/segw$1"
  cat >"$dir/swanctl.conf" <<EOF
connections {
  lab-segw {
    version = 2
    local_addrs = $(segw_addr "$i")
    proposals = aes128-sha256-modp2048,aes128-sha256-x25519
    dpd_delay = 2s
    local { auth = psk
            id = $SEGW_ID }
    remote { auth = psk
             id = $INIT_ID }
    children {
      lab-child { local_ts = $REMOTE_TS
                  remote_ts = $LOCAL_TS
                  esp_proposals = aes128-sha256-modp2048,aes128-sha256 }
    }
  }
}
secrets {
  ike-lab { id-a = $INIT_ID
            id-b = $SEGW_ID
            secret = "$PSK" }
}
EOF
  swan "$dir" --load-all --file "$dir/swanctl.conf" >/dev/null 2>&1
}

# The lab's prefixes exist only inside its namespaces. While the lab is up they are made
# unreachable in the host's own namespace too, so a test that mistakenly connects from
# outside a lab namespace fails at once instead of sending traffic off the machine.
LAB_PREFIXES="10.1.0.0/24 10.2.0.0/24 10.99.0.0/16"
fence_up() {
  for p in $LAB_PREFIXES; do
    if ip -4 route show match "$p" | grep -qv '^default'; then
      echo "segw-lab: the host already routes $p; not fencing it" >&2
    else
      ip route replace unreachable "$p" 2>/dev/null || true
    fi
  done
}
fence_down() {
  for p in $LAB_PREFIXES; do
    ip -4 route show "$p" | grep -q '^unreachable' && ip route del unreachable "$p" 2>/dev/null || true
  done
}

cmd_up() {
  local n=${1:-2}
  [[ "$n" =~ ^[1-9]$ ]] || die "N must be 1..9"
  need_tools
  cmd_down >/dev/null 2>&1 || true
  mkdir -p "$LAB_DIR"
  echo "$n" >"$LAB_DIR/count"
  fence_up
  ip netns add "$(init_ns)"
  ip -n "$(init_ns)" link set lo up
  # Inner addresses for traffic through the tunnel: the initiator is 10.1.0.1 inside
  # LOCAL_TS, every SEGW is 10.2.0.1 inside REMOTE_TS.
  ip -n "$(init_ns)" addr add 10.1.0.1/32 dev lo
  for i in $(seq 1 "$n"); do
    local ns; ns=$(segw_ns "$i")
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add 10.2.0.1/32 dev lo
    ip link add "${P}c$i" netns "$(init_ns)" type veth peer name "${P}s$i" netns "$ns"
    ip -n "$(init_ns)" addr add "$(init_addr "$i")/24" dev "${P}c$i"
    ip -n "$ns" addr add "$(segw_addr "$i")/24" dev "${P}s$i"
    ip -n "$(init_ns)" link set "${P}c$i" up
    ip -n "$ns" link set "${P}s$i" up
  done
  write_conf init "$LAB_DIR/init"
  start_charon "$(init_ns)" "$LAB_DIR/init"
  for i in $(seq 1 "$n"); do
    write_conf "segw$i" "$LAB_DIR/segw$i"
    start_charon "$(segw_ns "$i")" "$LAB_DIR/segw$i"
    load_segw "$i"
  done
  echo "segw-lab: up with $n SEGW(s); initiator VICI socket $LAB_DIR/init/charon.vici" >&2
  cmd_env
}

# Deleting a namespace does not end the processes inside it (a test's gateway or INSUPC
# simulator started with `exec`): whatever a failed test left behind is killed here.
kill_ns_procs() { # ns
  local pids; pids=$(ip netns pids "$1" 2>/dev/null || true)
  [ -n "$pids" ] || return 0
  echo "segw-lab: killing processes left in $1: $(echo $pids)" >&2
  kill -KILL $pids 2>/dev/null || true
}

cmd_down() {
  local n; n=$(count)
  stop_charon "$LAB_DIR/init" 2>/dev/null || true
  for i in $(seq 1 9); do stop_charon "$LAB_DIR/segw$i" 2>/dev/null || true; done
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^${P}-" || true); do
    kill_ns_procs "$ns"
    ip netns del "$ns" 2>/dev/null || true
  done
  fence_down
  rm -f "$LAB_DIR/count"
  [ "$n" = 0 ] || echo "segw-lab: down" >&2
}

cmd_env() {
  local n addrs=""; n=$(count)
  [ "$n" != 0 ] || die "the lab is not up"
  for i in $(seq 1 "$n"); do addrs+="${addrs:+,}$(segw_addr "$i")"; done
  cat <<EOF
SEGW_LAB_VICI=$LAB_DIR/init/charon.vici
SEGW_LAB_ADDRS=$addrs
SEGW_LAB_LOCAL_ID=$INIT_ID
SEGW_LAB_REMOTE_ID=$SEGW_ID
SEGW_LAB_PSK=$PSK
SEGW_LAB_LOCAL_TS=$LOCAL_TS
SEGW_LAB_REMOTE_TS=$REMOTE_TS
SEGW_LAB_PROPOSALS=aes128-sha256-modp2048
SEGW_LAB_DPD=${DPD}s
SEGW_LAB_LOG=$LAB_DIR/init/charon.log
EOF
}

cmd_status() { swan "$LAB_DIR/init" --list-sas; }

segw_index() { [[ "${1:-}" =~ ^[1-9]$ ]] && [ "$1" -le "$(count)" ] || die "no SEGW '${1:-}' (lab has $(count))"; }

cmd_stop_segw() { segw_index "$1"; stop_charon "$LAB_DIR/segw$1"; echo "segw-lab: SEGW $1 killed" >&2; }
cmd_start_segw() {
  segw_index "$1"
  start_charon "$(segw_ns "$1")" "$LAB_DIR/segw$1"
  load_segw "$1"
  echo "segw-lab: SEGW $1 started" >&2
}
cmd_cut_segw() { segw_index "$1"; ip -n "$(segw_ns "$1")" link set "${P}s$1" down; echo "segw-lab: SEGW $1 link down" >&2; }
cmd_mend_segw() { segw_index "$1"; ip -n "$(segw_ns "$1")" link set "${P}s$1" up; echo "segw-lab: SEGW $1 link up" >&2; }

# Proves the lab with swanctl alone (no gateway): tunnel to SEGW 1, then SEGW 1 crashes
# and the initiator's DPD tears the SA down.
cmd_selftest() {
  cmd_up 2 >/dev/null
  local dir="$LAB_DIR/init"
  cat >"$dir/swanctl.conf" <<EOF
connections {
  lab-tunnel {
    version = 2
    remote_addrs = $(segw_addr 1)
    proposals = aes128-sha256-modp2048
    dpd_delay = ${DPD}s
    keyingtries = 1
    mobike = no
    local { auth = psk
            id = $INIT_ID }
    remote { auth = psk
             id = $SEGW_ID }
    children {
      lab-child { local_ts = $LOCAL_TS
                  remote_ts = $REMOTE_TS
                  esp_proposals = aes128-sha256-modp2048 }
    }
  }
}
secrets {
  ike-lab { id-a = $INIT_ID
            id-b = $SEGW_ID
            secret = "$PSK" }
}
EOF
  swan "$dir" --load-all --file "$dir/swanctl.conf" >/dev/null 2>&1
  swan "$dir" --initiate --child lab-child --timeout 10 >/dev/null || die "selftest: initiate to SEGW 1 failed; see $dir/charon.log"
  swan "$dir" --list-sas | grep -q "ESTABLISHED" || die "selftest: no ESTABLISHED IKE SA"
  swan "$dir" --list-sas | grep -q "$(segw_addr 1)" || die "selftest: SA is not with SEGW 1"
  ip netns exec "$(init_ns)" ping -c 1 -W 3 -I 10.1.0.1 10.2.0.1 >/dev/null \
    || die "selftest: no traffic through the tunnel (ping 10.1.0.1 -> 10.2.0.1)"
  echo "selftest: tunnel up to SEGW 1 ($(segw_addr 1)), traffic flows through it"
  local t0; t0=$(date +%s.%N)
  cmd_stop_segw 1 2>/dev/null
  for _ in $(seq 1 300); do
    swan "$dir" --list-sas 2>/dev/null | grep -q "ESTABLISHED" || break
    sleep 0.1
  done
  swan "$dir" --list-sas 2>/dev/null | grep -q "ESTABLISHED" && die "selftest: SA still up 30 s after SEGW 1 died"
  printf 'selftest: initiator saw SEGW 1 go down after %.1f s (DPD %ss)\n' "$(echo "$(date +%s.%N) - $t0" | bc)" "$DPD"
  : >"$dir/swanctl.conf"   # loading an empty file unloads what the selftest loaded
  swan "$dir" --load-all --file "$dir/swanctl.conf" >/dev/null 2>&1 || true
  cmd_start_segw 1 2>/dev/null
  echo "selftest: passed"
}

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  down) cmd_down ;;
  env) cmd_env ;;
  status) cmd_status ;;
  stop-segw) cmd_stop_segw "${2:-}" ;;
  start-segw) cmd_start_segw "${2:-}" ;;
  cut-segw) cmd_cut_segw "${2:-}" ;;
  mend-segw) cmd_mend_segw "${2:-}" ;;
  selftest) cmd_selftest ;;
  check) need_tools ;;
  install) cmd_install ;;
  stop-init) stop_charon "$LAB_DIR/init"; echo "segw-lab: initiator charon killed" >&2 ;;
  start-init) start_charon "$(init_ns)" "$LAB_DIR/init"; echo "segw-lab: initiator charon started" >&2 ;;
  exec)
    shift
    case "${1:-}" in
      init) ns=$(init_ns) ;;
      segw[1-9]) segw_index "${1#segw}"; ns=$(segw_ns "${1#segw}") ;;
      *) die "exec: HOST is init or segwI" ;;
    esac
    shift
    exec ip netns exec "$ns" "$@" ;;
  *) awk 'NR>1 && /^#/ {sub(/^# ?/, ""); print; next} NR>1 {exit}' "$0"; exit 2 ;;
esac
