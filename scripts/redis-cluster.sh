#!/usr/bin/env bash
# A local Redis Cluster for tests: three masters on loopback (REDIS_CLUSTER_PORTS, default
# 7101,7102,7103), no persistence, files in a temp dir. `start` is idempotent, `stop` ends only the
# servers it started (by their pid files) and removes the dir, `status` prints the cluster's state.
cd "$(dirname "$0")/.."
source scripts/lib.sh

IFS=',' read -r -a PORTS <<<"${REDIS_CLUSTER_PORTS:-7101,7102,7103}"
[ "${#PORTS[@]}" -ge 3 ] || die "REDIS_CLUSTER_PORTS needs three ports or more (got ${REDIS_CLUSTER_PORTS:-})"
DIR="${TMPDIR:-/tmp}/seckill-redis-cluster-${PORTS[0]}"

cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}"; }
answers() { [ "$(cli "$1" ping 2>/dev/null)" = PONG ]; }
cluster_field() { cli "$1" cluster info 2>/dev/null | tr -d '\r' | sed -n "s/^$2://p"; }
is_cluster_node() { cli "$1" info cluster 2>/dev/null | tr -d '\r' | grep -qx 'cluster_enabled:1'; }
nodes_list() { local IFS=','; echo "${PORTS[*]/#/127.0.0.1:}"; }

all_ok() {
  local p
  for p in "${PORTS[@]}"; do [ "$(cluster_field "$p" cluster_state)" = ok ] || return 1; done
}

start() {
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p "$DIR"
  local p
  for p in "${PORTS[@]}"; do
    if answers "$p"; then continue; fi
    rm -f "$DIR/nodes-$p.conf" # a node that stopped comes back empty: the cluster is made again
    redis-server --port "$p" --cluster-enabled yes --cluster-config-file "nodes-$p.conf" \
      --save '' --appendonly no --daemonize yes --bind 127.0.0.1 --dir "$DIR" \
      --pidfile "$DIR/redis-$p.pid" --logfile "$DIR/redis-$p.log" >/dev/null
  done
  for p in "${PORTS[@]}"; do wait_port "redis cluster node" 127.0.0.1 "$p" 10; done
  for p in "${PORTS[@]}"; do
    is_cluster_node "$p" || die "127.0.0.1:$p answers but is not a cluster node"
  done
  if ! all_ok; then
    if [ "$(cluster_field "${PORTS[0]}" cluster_slots_assigned)" = 0 ]; then
      say "creating the Redis Cluster on $(nodes_list)"
      # shellcheck disable=SC2046
      redis-cli --cluster create $(nodes_list | tr ',' ' ') --cluster-replicas 0 --cluster-yes >"$DIR/create.log" 2>&1 ||
        die "redis-cli --cluster create failed: see $DIR/create.log"
    fi
    local i
    for ((i = 0; i < 100; i++)); do
      all_ok && break
      sleep 0.2
    done
    all_ok || die "the Redis Cluster on $(nodes_list) is not ok after 20 s (bash $0 stop, then start)"
  fi
  say "Redis Cluster ok: REDIS_CLUSTER_NODES=$(nodes_list)"
}

stop() {
  local p pid
  for p in "${PORTS[@]}"; do
    pid=$(cat "$DIR/redis-$p.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
    fi
  done
  rm -rf "$DIR"
  say "Redis Cluster on $(nodes_list) stopped"
}

status() {
  local p
  for p in "${PORTS[@]}"; do
    if answers "$p"; then
      echo "127.0.0.1:$p cluster_state:$(cluster_field "$p" cluster_state) slots:$(cluster_field "$p" cluster_slots_assigned)"
    else
      echo "127.0.0.1:$p down"
    fi
  done
  all_ok
}

case "${1:-status}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: bash scripts/redis-cluster.sh start|stop|status" ;;
esac
