#!/usr/bin/env bash
# Installs what is missing, generates the signing keys into .env once, prepares the database and
# runs the shop for a demo: API + consumer + web on :8080.
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
ensure_secrets
# The demo's shoppers need money to buy with; a real shop's new accounts start with none (the
# server's default). Only here, only in development, and only when neither the shell nor .env says.
if [ -z "${SIGNUP_WALLET_CREDIT:-}" ] && [ -z "$(dotenv_value SIGNUP_WALLET_CREDIT .env)" ] &&
  [ "${NODE_ENV:-$(dotenv_value NODE_ENV .env)}" != production ]; then
  export SIGNUP_WALLET_CREDIT=500000
  say "new accounts get ¥5,000 of demo money (SIGNUP_WALLET_CREDIT, development only)"
fi
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
say "open http://localhost:$PORT — shoppers alice / bob (password123), admin / the ADMIN_PASSWORD in .env"
(cd server && PORT=$PORT exec node --env-file-if-exists=../.env --import tsx src/main.ts) &
API=$!
wait $API
