#!/usr/bin/env bash
# For working on the code: API (reloads on change) on :8080, consumer, and Vite with a proxy on :5173.
# The signing keys come from .env, generated there once (as start.sh does).
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_pnpm
ensure_secrets
install_deps
ensure_services
pnpm --silent migrate
pnpm --silent seed
trap 'kill 0' EXIT INT TERM
(cd consumer && exec node --env-file-if-exists=../.env --import tsx --watch src/main.ts) &
(cd server && exec node --env-file-if-exists=../.env --import tsx --watch src/main.ts) &
if [ -d web ]; then pnpm --filter @seckill/web run dev & fi
wait
