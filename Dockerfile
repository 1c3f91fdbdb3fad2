# syntax=docker/dockerfile:1
# One image recipe for every Herald service:
#   docker build --build-arg SERVICE=router -t herald/router .
# The build stage installs the workspace and runs scripts/image-files.mjs, which bundles
# services/$SERVICE (scripts/build-service.mjs: libs and every third-party package that can be
# inlined are compiled in; the config API's web page is built into dist/web/) and writes the image's
# file set: the bundle, the Avro schemas, and only the packages the bundle loads from node_modules
# (kafkajs and mongodb, which Herald patches, with their dependencies). The runtime stage is Node
# with that file set, run as non-root. No test browser driver, SMTP test server, esbuild, TypeScript
# or Nx is in an image. There is no Docker engine where Herald is developed: test/integration/
# images.test.ts runs the same script and starts every service from its file set alone; the README's
# "Images" section lists each image's file set and size.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund --ignore-scripts
ARG SERVICE
RUN test -n "$SERVICE" || (echo "build with --build-arg SERVICE=<name of a folder under services/>" >&2; exit 1)
RUN node scripts/image-files.mjs "${SERVICE}" /image

FROM ${NODE_IMAGE}
ARG SERVICE
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    HTTP_HOST=0.0.0.0 \
    OPS_HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=root:root /image/ ./
USER node
# Shutdown is graceful on SIGTERM within SHUTDOWN_TIMEOUT_MS; give the orchestrator's grace period more.
STOPSIGNAL SIGTERM
# dist/node-args: the service's node flags (herald.nodeArgs in its package.json), written by the build.
# The router image also runs `node services/router/dist/init-topics.js apply` (topic provisioning).
CMD ["sh", "-c", "exec node $(cat services/${SERVICE}/dist/node-args) services/${SERVICE}/dist/main.js"]
