# Station Hotline on Node, for self-hosting: the API, the built site and the
# background jobs in one process, on PostgreSQL (compose.yaml) or on the
# embedded database in /app/.data (a single small office; mount a volume there).
#
#   podman build -t station-hotline .        (or docker build)
#   see compose.yaml and README.md "Going to production"
#
# The server migrates the database and seeds the reference data (departments,
# categories, stations, the calendar) each time it starts; both are idempotent.

ARG NODE_VERSION=22

FROM docker.io/library/node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
ENV ASTRO_TELEMETRY_DISABLED=1 \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
# Dependencies first, so that a change to the code does not reinstall them.
COPY package.json package-lock.json ./
COPY site/typecheck/ site/typecheck/
RUN npm ci
COPY . .
# The site is built here; the runtime needs only its output. Then the dev
# dependencies go, except tsx: the server runs its TypeScript through it.
RUN npm run build:site \
 && TSX_VERSION="$(node -p "require('./package-lock.json').packages['node_modules/tsx'].version")" \
 && npm prune --omit=dev \
 && npm install --no-save --omit=dev "tsx@${TSX_VERSION}" \
 && rm -rf site/node_modules site/.astro tests .ci

FROM docker.io/library/node:${NODE_VERSION}-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8787 \
    DATA_DIR=/app/.data \
    LOG_LEVEL=info
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /app/.data && chown node:node /app/.data
# Not root: the image's own unprivileged user.
USER node
EXPOSE 8787
VOLUME ["/app/.data"]
# /api/health answers 200 when the database does, 503 when it does not.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8787) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM starts a graceful stop (SHUTDOWN_TIMEOUT_MS, 20 s by default): give
# the container at least that long before it is killed (compose: stop_grace_period).
STOPSIGNAL SIGTERM
# Straight to node (not `npm start`): signals reach the server, and nothing tries to rebuild the site.
CMD ["node", "--import", "tsx", "workers/node.ts"]
