# syntax=docker/dockerfile:1
# insupclient gateway image (operations spec 6.1). Builds anywhere from the public Node image:
#   docker build -t insupclient .
# and, where no registry is reachable, from a locally made base (scripts/container-test.sh):
#   podman build --format docker --build-arg NODE_IMAGE=localhost/node:20-bookworm-slim .
# Optional build secrets: npm_ca (extra CA bundle for the registry), npmrc (registry URL/auth).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npm_ca,required=false \
    --mount=type=secret,id=npmrc,required=false \
    --mount=type=cache,target=/root/.npm,sharing=locked \
    set -eu; \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi; \
    if [ -s /run/secrets/npmrc ]; then export NPM_CONFIG_USERCONFIG=/run/secrets/npmrc; fi; \
    npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY apps ./apps
COPY libs ./libs
# Production dependencies only from here on: prune instead of a second install (no network);
# type declarations, source maps and docs of the dependencies are dead weight at run time.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund \
 && find node_modules -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' \
      -o -name '*.d.cts' -o -iname '*.md' \) -delete \
 && rm -rf dist/apps/*/bench

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    INSUPCLIENT_CONFIG=/etc/insupclient/insupclient.yaml
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The INSUPC simulator runs from the same image (compose, container test); its config binds 0.0.0.0.
COPY deploy/container/simulator.yaml ./apps/insupc-simulator/config/simulator.yaml
COPY deploy/container/insupclient.yaml /etc/insupclient/insupclient.yaml
# Seeds a fresh named volume with the OAM file; stats.json appears on the first snapshot.
COPY --chown=node:node deploy/container/oam-conf.json /var/lib/insupclient/oam/oam-conf.json
RUN chown node:node /var/lib/insupclient /var/lib/insupclient/oam
VOLUME ["/var/lib/insupclient"]
USER node
EXPOSE 15020 15021
# Needs no curl: a few lines of node that GET /health/live on the configured admin port.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "dist/src/health/liveness-probe.js"]
STOPSIGNAL SIGTERM
# PID 1 is node itself (no shell): SIGTERM reaches the gateway's graceful drain.
ENTRYPOINT ["node", "dist/src/main.js"]
