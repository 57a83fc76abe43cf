#!/usr/bin/env bash
# Runs the shop as a small cluster on this machine, everything on loopback: nginx on :8080 (PORT)
# in front of API_INSTANCES API processes (3, on :8081, :8082, …) and CONSUMERS consumers (2), the
# topology of docker-compose.yml. Installs what is missing like start.sh (nginx from Debian's
# package), generates the signing keys into .env once, migrates, seeds, builds the web app for
# nginx to serve, and returns; the processes keep running in the background, their logs and pid
# files in .run/cluster/. New accounts start with an empty wallet (SIGNUP_WALLET_CREDIT, 0).
#
#   bash scripts/cluster.sh          start what is not running (running it twice is harmless)
#   bash scripts/cluster.sh status   what runs, and which instance answers
#   bash scripts/cluster.sh stop     stop what it started: nginx, then the APIs, then the consumers
cd "$(dirname "$0")/.."
source scripts/lib.sh

# Its settings, from the shell or else .env (see .env.example), else the defaults below.
setting() { # name default
  local v=${!1:-}
  [ -n "$v" ] || v=$( (sed -n "s/^$1=\([^ #]*\).*/\1/p" .env 2>/dev/null || true) | tail -1)
  echo "${v:-$2}"
}
PORT=$(setting PORT 8080)
API_INSTANCES=$(setting API_INSTANCES 3)
CONSUMERS=$(setting CONSUMERS 2)
API_BASE_PORT=$(setting API_BASE_PORT $((PORT + 1)))
NGINX_WORKERS=$(setting NGINX_WORKERS auto)
METRICS_BASE=$(setting METRICS_PORT 9400)
RUN=$PWD/.run/cluster
NGINX=/usr/sbin/nginx

[[ $API_INSTANCES =~ ^[1-9][0-9]*$ ]] || die "API_INSTANCES must be a positive number, not '$API_INSTANCES'"
[[ $CONSUMERS =~ ^[1-9][0-9]*$ ]] || die "CONSUMERS must be a positive number, not '$CONSUMERS'"

# --- Processes it started: .run/cluster/NAME.pid, checked against /proc so a reused pid is not ours.
pid_of() { # name → pid, if that process is alive and is what the pid file says it is
  local file=$RUN/$1.pid pid
  [ -f "$file" ] || return 1
  pid=$(cat "$file")
  [[ $pid =~ ^[0-9]+$ ]] && [ -r "/proc/$pid/cmdline" ] || return 1
  if [ "$1" = nginx ]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q '^nginx: master process' || return 1
  else
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "SECKILL_CLUSTER_PROC=$1" || return 1
  fi
  echo "$pid"
}

names() { # the processes with a pid file, in the order they are stopped
  local f
  [ -f "$RUN/nginx.pid" ] && echo nginx
  for f in "$RUN"/api-*.pid "$RUN"/consumer-*.pid; do
    [ -f "$f" ] && basename "$f" .pid
  done
  return 0
}

stop_one() { # name: SIGTERM, then up to 35 s to finish what is in flight (consumers: 30 s), then SIGKILL
  local name=$1 pid i
  if pid=$(pid_of "$name"); then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 175; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name (pid $pid) still running after 35 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    say "stopped $name (pid $pid)"
  fi
  rm -f "$RUN/$name.pid"
}

http_json() { # url → the body, if the answer is 2xx
  node -e "fetch(process.argv[1], { signal: AbortSignal.timeout(2000) }).then(async (r) => { if (!r.ok) process.exit(1); process.stdout.write(await r.text()); }, () => process.exit(1))" "$1"
}

# Each process serves its metrics on its own port, never through nginx (METRICS_PORT=0 turns
# them off): API n gets METRICS_PORT + n − 1 and consumer n the ports after the APIs'.
metrics_line() { # offset → where that process's metrics are, if any
  if [ -n "${METRICS_BASE:-}" ] && [ "$METRICS_BASE" != 0 ]; then
    printf '  %-12s metrics http://127.0.0.1:%s/metrics\n' '' "$((METRICS_BASE + $1))"
  fi
}
metrics_env() { # offset → METRICS_PORT=… or nothing
  if [ -n "${METRICS_BASE:-}" ] && [ "$METRICS_BASE" != 0 ]; then echo "METRICS_PORT=$((METRICS_BASE + $1))"; fi
}

instance_of() { # url of /healthz → the instance id that answered
  http_json "$1" | node -e "let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => { try { process.stdout.write(JSON.parse(s).instance ?? '?'); } catch { process.exit(1); } })"
}

status() {
  local name pid any=0 i
  for name in $(names); do
    if pid=$(pid_of "$name"); then
      any=1
      case $name in
        nginx) printf '  %-12s pid %-8s http://127.0.0.1:%s\n' nginx "$pid" "$(cat "$RUN/nginx.port" 2>/dev/null)" ;;
        api-*)
          i=${name#api-}
          printf '  %-12s pid %-8s http://127.0.0.1:%-5s %s\n' "$name" "$pid" "$((API_BASE_PORT + i - 1))" \
            "$(instance_of "http://127.0.0.1:$((API_BASE_PORT + i - 1))/healthz" || echo 'not answering')"
          metrics_line $((i - 1))
          ;;
        consumer-*)
          printf '  %-12s pid %s\n' "$name" "$pid"
          metrics_line $((API_INSTANCES + ${name#consumer-} - 1))
          ;;
        *) printf '  %-12s pid %s\n' "$name" "$pid" ;;
      esac
    else
      printf '  %-12s not running (stale pid file)\n' "$name"
    fi
  done
  [ "$any" = 1 ]
}

case ${1:-start} in
  stop)
    [ -d "$RUN" ] || { say "nothing to stop"; exit 0; }
    for name in $(names); do stop_one "$name"; done
    rm -rf "$RUN/dist"
    say "cluster stopped"
    exit 0
    ;;
  status)
    status || say "the cluster is not running (bash scripts/cluster.sh starts it)"
    exit 0
    ;;
  start) ;;
  *) die "usage: bash scripts/cluster.sh [start|status|stop]" ;;
esac

# --- Start -----------------------------------------------------------------------------------------
mkdir -p "$RUN"
ensure_pnpm
ensure_secrets
[ -x "$NGINX" ] || apt_install nginx
install_deps
ensure_services
pnpm --silent migrate
pnpm --silent seed

spawn() { # name dir log env… — a background process of its own session, its pid in NAME.pid
  local name=$1 dir=$2
  shift 2
  # The marker in the environment tells `stop` that the pid is still this process.
  (cd "$dir" && exec setsid env SECKILL_CLUSTER_PROC="$name" "$@" node --env-file-if-exists=../.env --import tsx src/main.ts) \
    </dev/null >>"$RUN/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
}

wait_ready() { # name url seconds
  local i
  for ((i = 0; i < $3 * 5; i++)); do
    http_json "$2" >/dev/null && return 0
    pid_of "$1" >/dev/null || die "$1 exited while starting: see .run/cluster/$1.log"$'\n'"$(tail -5 "$RUN/$1.log")"
    sleep 0.2
  done
  die "$1 did not answer $2 within $3 s: see .run/cluster/$1.log"
}

started=()
for ((n = 1; n <= CONSUMERS; n++)); do
  name=consumer-$n
  pid_of "$name" >/dev/null && continue
  spawn "$name" consumer $(metrics_env $((API_INSTANCES + n - 1)))
  started+=("$name")
done
for ((n = 1; n <= API_INSTANCES; n++)); do
  name=api-$n
  port=$((API_BASE_PORT + n - 1))
  pid_of "$name" >/dev/null && continue
  port_open 127.0.0.1 "$port" && die "port $port (for $name) is taken by another program; set API_BASE_PORT=… to use others"
  # Behind nginx, on loopback only: X-Forwarded-For is believed from nginx's address alone
  # (127.0.0.1, whence it reaches the instances), and nginx serves the web app itself.
  spawn "$name" server PORT="$port" HOST=127.0.0.1 TRUST_PROXY=127.0.0.1 WEB_DIST= $(metrics_env $((n - 1)))
  started+=("$name")
done
for name in "${started[@]}"; do
  case $name in
    api-*) wait_ready "$name" "http://127.0.0.1:$((API_BASE_PORT + ${name#api-} - 1))/readyz" 60 ;;
    consumer-*)
      for ((i = 0; i < 300; i++)); do
        grep -q 'consuming orders' "$RUN/$name.log" 2>/dev/null && tail -n 50 "$RUN/$name.log" | grep -q 'consuming orders' && break
        pid_of "$name" >/dev/null || die "$name exited while starting: see .run/cluster/$name.log"
        sleep 0.2
      done
      ;;
  esac
done

# nginx: the front in deploy/nginx/, rendered for this run folder; reloaded when it runs already.
servers=
for ((n = 1; n <= API_INSTANCES; n++)); do
  servers+="        server 127.0.0.1:$((API_BASE_PORT + n - 1)) max_fails=1 fail_timeout=5s;\\n"
done
mkdir -p "$RUN/nginx/tmp"
sed -e "s|@PID@|$RUN/nginx.pid|" -e "s|@WORKERS@|$NGINX_WORKERS|" -e "s|@ACCESS_LOG@|access_log access.log combined buffer=64k flush=1s;|" \
  -e "s|@LISTEN@|127.0.0.1:$PORT|" -e "s|@WEB_ROOT@|$RUN/dist|" -e "s|@SECKILL_CONF@|$PWD/deploy/nginx/seckill.conf|" \
  deploy/nginx/cluster.conf.template | awk -v servers="$servers" '{ if ($0 == "@SERVERS@") print servers; else print }' \
  >"$RUN/nginx/nginx.conf.new"
"$NGINX" -q -t -p "$RUN/nginx/" -c "$RUN/nginx/nginx.conf.new" || die "nginx refused $RUN/nginx/nginx.conf.new"
mv "$RUN/nginx/nginx.conf.new" "$RUN/nginx/nginx.conf"
nginx_args=(-p "$RUN/nginx/" -c "$RUN/nginx/nginx.conf")
if pid=$(pid_of nginx); then
  "$NGINX" "${nginx_args[@]}" -s reload
  say "nginx (pid $pid) reloaded"
else
  port_open 127.0.0.1 "$PORT" && die "port $PORT is taken by another program (scripts/start.sh?); set PORT=… to use another"
  say "building the web app"
  pnpm --filter @seckill/web run build >/dev/null || die "web build failed: pnpm --filter @seckill/web run build"
  # A copy for nginx, gzipped once here (gzip_static): a later build of web/dist does not touch it.
  # (Named dist, so that linters pass over it as over every build.)
  rm -rf "$RUN/dist.new" "$RUN/web"
  cp -r web/dist "$RUN/dist.new"
  say "$(node deploy/precompress.mjs "$RUN/dist.new")"
  rm -rf "$RUN/dist"
  mv "$RUN/dist.new" "$RUN/dist"
  "$NGINX" "${nginx_args[@]}" || die "nginx did not start: see $RUN/nginx/error.log"
  echo "$PORT" >"$RUN/nginx.port"
  wait_port nginx 127.0.0.1 "$PORT" 10
fi

# Fewer instances asked for than are running: the extra ones stop, once nginx no longer sends to them.
for name in $(names); do
  case $name in
    api-*) [ "${name#api-}" -le "$API_INSTANCES" ] || stop_one "$name" ;;
    consumer-*) [ "${name#consumer-}" -le "$CONSUMERS" ] || stop_one "$name" ;;
  esac
done

# Through nginx, the instances take turns: a few /healthz name them.
seen=()
for ((i = 0; i < API_INSTANCES * 3; i++)); do
  id=$(instance_of "http://127.0.0.1:$PORT/healthz") || die "nginx on :$PORT does not reach the API: see $RUN/nginx/error.log"
  [[ " ${seen[*]} " == *" $id "* ]] || seen+=("$id")
done
status
say "${#seen[@]} of $API_INSTANCES API instances answered through nginx"
say "open http://localhost:$PORT — shoppers alice / bob (password123), admin / the ADMIN_PASSWORD in .env; stop with: bash scripts/cluster.sh stop"
