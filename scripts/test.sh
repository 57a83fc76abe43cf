#!/usr/bin/env bash
# Installs what is missing, then runs every check: lint, typecheck, unit and integration tests,
# the fault scenarios and the browser tests. Each run uses its own database, key prefix and queue names.
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_pnpm
install_deps
ensure_services
if [ -d e2e ] && [ ! -x /usr/bin/chromium ]; then apt_install chromium; fi
# Chinese text in the browser tests' screenshots (without a CJK font it shows as boxes).
if [ -d e2e ] && is_root && on_debian && ! fc-list 2>/dev/null | grep -qi 'wenquanyi\|noto sans cjk'; then apt_install fonts-wqy-zenhei; fi
[ -x /usr/sbin/nginx ] || apt_install nginx   # the balancer fault scenario runs Debian's nginx
command -v docker-compose >/dev/null || apt_install docker-compose

started=$SECONDS
say "lint";       pnpm --silent lint
say "typecheck";  pnpm --silent typecheck
say "docker-compose.yml (validated without an engine)"
docker-compose --env-file deploy/compose.env.example -f docker-compose.yml config -q
docker-compose --env-file deploy/compose.env.example -f docker-compose.yml -f deploy/compose.services.yml config -q
say "unit and integration tests (real MariaDB, Redis, RabbitMQ)"
pnpm --silent exec vitest run
# The same Lua scripts and a burst through the whole stack on a local three-master Redis Cluster,
# torn down however the step ends.
say "Redis Cluster: stock, hash-slot and burst tests (vitest.cluster.config.ts)"
trap 'bash scripts/redis-cluster.sh stop >/dev/null' EXIT
bash scripts/redis-cluster.sh start
pnpm --silent exec vitest run --config vitest.cluster.config.ts
bash scripts/redis-cluster.sh stop
trap - EXIT
# On their own, one file at a time: some stop and restart the local MariaDB and RabbitMQ. CI size
# (a few minutes); `pnpm test:faults` runs the same scenarios at full size.
say "fault scenarios, CI size (server/test/faults, one at a time)"
pnpm --silent exec vitest run --config vitest.faults.config.ts
if [ -d web ]; then
  say "web unit tests"
  pnpm --filter @seckill/web run test
fi
if [ -d e2e ]; then
  say "browser tests (Playwright, Debian Chromium)"
  pnpm --filter @seckill/e2e run test
fi
say "all checks passed in $((SECONDS - started)) s"
