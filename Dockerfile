# Multi-stage build: compile with dev dependencies, run with production dependencies only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary can be downloaded.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ARG CCR_BUILD_COMMIT=""
ENV NODE_ENV=production \
    CCR_BUILD_COMMIT=${CCR_BUILD_COMMIT} \
    CCR_DB_DIR=/app/db/ccr.db \
    CCR_LOG_DIR=/app/log \
    CCR_LOG_ALSO_TO_STDERR=true
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin/ccr_syncer ./bin/ccr_syncer
COPY scripts/start_syncer.sh scripts/stop_syncer.sh scripts/enable_db_binlog.sh ./scripts/
RUN mkdir -p /app/db /app/log && chown -R node:node /app/db /app/log
USER node
VOLUME ["/app/db", "/app/log"]
EXPOSE 9190
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.CCR_PORT || 9190) + '/version').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# SIGTERM stops the syncer gracefully (jobs stop at a checkpoint); give it the grace period.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/bin/ccr_syncer"]
