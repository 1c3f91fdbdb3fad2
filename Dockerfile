# syntax=docker/dockerfile:1
# One image recipe for every Herald service:
#   docker build --build-arg SERVICE=router -t herald/router .
# The build stage installs the workspace and bundles services/$SERVICE (libs compiled in); the
# runtime stage has production dependencies, the bundle and the Avro schemas, and runs as non-root.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund --ignore-scripts
ARG SERVICE
RUN test -n "$SERVICE" || (echo "build with --build-arg SERVICE=<name of a folder under services/>" >&2; exit 1)
RUN node scripts/build-service.mjs "services/${SERVICE}" && npm prune --omit=dev --no-audit --no-fund --ignore-scripts

FROM ${NODE_IMAGE}
ARG SERVICE
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    HTTP_HOST=0.0.0.0 \
    OPS_HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/schemas ./schemas
COPY --from=build --chown=root:root /app/services/${SERVICE} ./services/${SERVICE}
USER node
# Shutdown is graceful on SIGTERM within SHUTDOWN_TIMEOUT_MS; give the orchestrator's grace period more.
STOPSIGNAL SIGTERM
# dist/node-args: the service's node flags (herald.nodeArgs in its package.json), written by the build.
CMD ["sh", "-c", "exec node $(cat services/${SERVICE}/dist/node-args) services/${SERVICE}/dist/main.js"]
