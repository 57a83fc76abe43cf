# syntax=docker/dockerfile:1
# Seckill's images, from one build:
#   target `app` (the default): the API, the consumer and the migrations, production dependencies
#     only (pnpm deploy), the built web app, NODE_ENV=production, a non-root user, a health check.
#     `docker run` starts the API (serving the web app itself, as scripts/start.sh does; it needs
#     JWT_SECRET, 32+ random bytes, and refuses to start without); the consumer is
#     `working_dir: /app/consumer`, the migrations `working_dir: /app/db`.
#   target `nginx`: the front of docker-compose.yml, deploy/nginx/ and the web app gzipped at build time.
# The sources are TypeScript run by tsx (the repository has no compile step): the lockfile's tsx
# is installed in /app, beside the deployed packages, and found from each of them.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
ENV CI=1
RUN npm install -g pnpm@12.4.2 --silent
WORKDIR /src
# The packages are fetched from the lockfile alone: this layer changes only with it.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile
RUN pnpm --filter @seckill/web run build \
 && mkdir -p /out/web /web \
 && cp -r web/dist /out/web/dist \
 && cp -r web/dist/. /web/ \
 && node deploy/precompress.mjs /web
RUN pnpm --filter @seckill/server deploy --prod /out/server \
 && pnpm --filter @seckill/consumer deploy --prod /out/consumer \
 && pnpm --filter @seckill/db deploy --prod /out/db \
 && rm -rf /out/server/test /out/consumer/test
RUN TSX=$(node -p "require('./node_modules/tsx/package.json').version") \
 && cd /out \
 && printf '{ "private": true, "type": "module", "dependencies": { "tsx": "%s" } }\n' "$TSX" > package.json \
 && printf 'allowBuilds:\n  esbuild: true\n' > pnpm-workspace.yaml \
 && pnpm install --prod --prefer-offline

FROM nginx:1.28-alpine AS nginx
COPY deploy/nginx/seckill.conf /etc/nginx/seckill.conf
COPY deploy/nginx/compose.conf /etc/nginx/conf.d/default.conf
COPY --from=build /web /usr/share/nginx/html
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD wget -q -O /dev/null http://127.0.0.1:8080/index.html || exit 1

FROM ${NODE_IMAGE} AS app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 WEB_DIST=/app/web/dist
# Owned by root, read by the user the processes run as: they cannot change their own code.
COPY --from=build /out /app
USER node
WORKDIR /app/server
EXPOSE 8080
# /readyz: MySQL, Redis and RabbitMQ answer, and the instance is not shutting down.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "src/main.ts"]
