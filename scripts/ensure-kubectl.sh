#!/usr/bin/env bash
# Prints the path of a kubectl that can `kubectl kustomize` offline, for npm run test:k8s.
# Always Debian's kubernetes-client (kubectl 1.20, kustomize v2), unpacked into $CACHE_DIR
# without installing it (it would clash with a kubectl from another package); the manifest
# test also renders with any other `kubectl` on PATH, so both kustomize generations are held.
set -euo pipefail
CACHE_DIR=${CACHE_DIR:-/var/cache/insupclient-kubectl}
KUBECTL=$CACHE_DIR/usr/bin/kubectl
if [ ! -x "$KUBECTL" ]; then
  mkdir -p "$CACHE_DIR"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && { apt-get download kubernetes-client >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null && apt-get download kubernetes-client >/dev/null; }; }) ||
    { echo "ensure-kubectl: apt-get download kubernetes-client failed" >&2; exit 1; }
  dpkg-deb -x "$tmp"/kubernetes-client_*.deb "$CACHE_DIR"
fi
"$KUBECTL" version --client >/dev/null
echo "$KUBECTL"
