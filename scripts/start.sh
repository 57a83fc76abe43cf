#!/usr/bin/env bash
# Installs what is missing, prepares the database and runs the shop: API + consumer + web on :8080.
cd "$(dirname "$0")/.."
source scripts/lib.sh
PORT=${PORT:-8080}

if port_open 127.0.0.1 "$PORT"; then
  if node -e "fetch('http://127.0.0.1:$PORT/healthz').then((r) => r.json()).then((j) => process.exit(j.status === 'ok' ? 0 : 1), () => process.exit(1))"; then
    say "Seckill is already running on http://localhost:$PORT"
    exit 0
  fi
  die "port $PORT is taken by another program; set PORT=… to use another"
fi

ensure_pnpm
install_deps
ensure_services
pnpm --silent migrate
pnpm --silent seed
if [ -d web ]; then
  say "building the web app"
  pnpm --filter @seckill/web run build >/dev/null || die "web build failed: pnpm --filter @seckill/web run build"
  export WEB_DIST=${WEB_DIST:-$PWD/web/dist}
fi

mkdir -p .run
say "starting the order consumer (log: .run/consumer.log)"
# The API and the consumer each need their own metrics port: the consumer takes the next one.
METRICS=${METRICS_PORT:-$( (sed -n 's/^METRICS_PORT=\([0-9]*\).*/\1/p' .env 2>/dev/null || true) | tail -1)}
CONSUMER_METRICS=()
if [ -n "$METRICS" ] && [ "$METRICS" != 0 ]; then CONSUMER_METRICS=(METRICS_PORT=$((METRICS + 1))); fi
(cd consumer && exec env "${CONSUMER_METRICS[@]}" node --env-file-if-exists=../.env --import tsx src/main.ts) >>.run/consumer.log 2>&1 &
CONSUMER=$!
API=
# Stopping this script (Ctrl-C, SIGTERM) stops both: each finishes its work in flight first.
stop() {
  kill -TERM $CONSUMER $API 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 0' INT TERM
say "open http://localhost:$PORT — shoppers alice / bob (password123), admin / ${ADMIN_PASSWORD:-admin12345}"
(cd server && PORT=$PORT exec node --env-file-if-exists=../.env --import tsx src/main.ts) &
API=$!
wait $API
