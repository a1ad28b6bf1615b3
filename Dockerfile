# syntax=docker/dockerfile:1

# Build: compile the TypeScript sources to dist/src.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY src ./src
RUN npm run build

# Runtime: production dependencies and the compiled daemon only.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY config ./config
COPY connectors ./connectors
# Defaults for `docker run` without mounts (the container worker config listens on 0.0.0.0 with
# http.allowUnauthenticated: mount a worker config with http.authToken before publishing the port);
# docker-compose.yml mounts over both paths.
COPY config/container/worker.json /etc/binlogd/worker.json
COPY connectors /etc/binlogd/connectors

USER node
EXPOSE 8083
# The slim image has no curl: ask node itself.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8083/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/dist/src/cli.js"]
CMD ["run", "--config", "/etc/binlogd/worker.json", "--connectors", "/etc/binlogd/connectors"]
