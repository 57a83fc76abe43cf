# Shared by start.sh, dev.sh, cluster.sh and test.sh: the toolchain, the three services and the
# signing keys, installed, started or generated only where missing, so running a command twice
# is harmless.
set -euo pipefail

say() { printf '\033[1;34m[seckill]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[seckill]\033[0m %s\n' "$*" >&2; exit 1; }

PNPM_VERSION=12.4.2
MYSQL_HOST=${MYSQL_HOST:-127.0.0.1}
MYSQL_PORT=${MYSQL_PORT:-3306}
REDIS_PORT=6379
AMQP_PORT=5672

is_root() { [ "$(id -u)" = 0 ]; }
on_debian() { [ -f /etc/debian_version ] && command -v apt-get >/dev/null; }
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_port() { # name host port seconds
  local i
  for ((i = 0; i < $4 * 5; i++)); do
    port_open "$2" "$3" && return 0
    sleep 0.2
  done
  die "$1 did not answer on $2:$3 within $4 s"
}

APT_UPDATED=0
apt_install() {
  if ! is_root || ! on_debian; then
    die "missing: $* — install it (Debian: sudo apt-get install -y $*), or run the services in containers: see deploy/compose.services.yml"
  fi
  if [ "$APT_UPDATED" = 0 ]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  say "installing $* from Debian's packages"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_node() {
  command -v node >/dev/null || die "Node.js 20+ is required: https://nodejs.org (or Debian: apt-get install nodejs npm)"
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || die "Node.js 20+ is required, found $(node -v)"
}

ensure_pnpm() {
  ensure_node
  if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
    say "installing pnpm $PNPM_VERSION"
    npm install -g "pnpm@$PNPM_VERSION" --silent >/dev/null 2>&1 || die "could not install pnpm: npm install -g pnpm@$PNPM_VERSION"
  fi
}

install_deps() {
  say "installing dependencies (pnpm install --frozen-lockfile)"
  pnpm install --frozen-lockfile --reporter=append-only | grep -v '^Progress' || die "pnpm install failed"
}

ensure_mariadb() {
  [ "$MYSQL_HOST" = 127.0.0.1 ] || [ "$MYSQL_HOST" = localhost ] || return 0
  if ! port_open 127.0.0.1 "$MYSQL_PORT"; then
    [ -x /usr/sbin/mariadbd ] || [ -x /usr/sbin/mysqld ] || apt_install mariadb-server
    is_root || die "MySQL/MariaDB is not running on :$MYSQL_PORT — start it (sudo service mariadb start) or 'docker compose --env-file deploy/compose.env -f docker-compose.yml -f deploy/compose.services.yml up -d mysql'"
    say "starting MariaDB"
    install -d -o mysql -g mysql /run/mysqld 2>/dev/null || true
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    wait_port MariaDB 127.0.0.1 "$MYSQL_PORT" 60
  fi
  # A fresh Debian MariaDB lets root in through the socket only; the app connects over TCP.
  if command -v mariadb >/dev/null && [ -z "${MYSQL_PASSWORD:-}" ] && [ "${MYSQL_USER:-root}" = root ]; then
    if ! mariadb -h127.0.0.1 -P"$MYSQL_PORT" -uroot -e 'SELECT 1' >/dev/null 2>&1; then
      is_root || die "root@localhost cannot log in over TCP without a password; set MYSQL_USER/MYSQL_PASSWORD"
      say "allowing root@localhost over TCP without a password (local development only)"
      mariadb -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('')"
    fi
  fi
}

ensure_redis() {
  port_open 127.0.0.1 "$REDIS_PORT" && return 0
  command -v redis-server >/dev/null || apt_install redis-server
  say "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  # A ceiling, and a refused write rather than an evicted key at it: stock, buyer marks and
  # results must never be evicted (the shop answers 503 RETRY instead).
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
    --maxmemory "${REDIS_MAXMEMORY:-1gb}" --maxmemory-policy noeviction \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log ||
    die "Redis is not running on :$REDIS_PORT and could not be started — or 'docker compose --env-file deploy/compose.env -f docker-compose.yml -f deploy/compose.services.yml up -d redis'"
  wait_port Redis 127.0.0.1 "$REDIS_PORT" 20
}

ensure_rabbitmq() {
  port_open 127.0.0.1 "$AMQP_PORT" && return 0
  command -v rabbitmq-server >/dev/null || [ -x /usr/sbin/rabbitmq-server ] || apt_install rabbitmq-server
  is_root || die "RabbitMQ is not running on :$AMQP_PORT — start it (sudo rabbitmq-server -detached) or 'docker compose --env-file deploy/compose.env -f docker-compose.yml -f deploy/compose.services.yml up -d rabbitmq'"
  say "starting RabbitMQ (this takes a few seconds)"
  rabbitmq-server -detached
  wait_port RabbitMQ 127.0.0.1 "$AMQP_PORT" 120
}

ensure_services() {
  ensure_mariadb
  ensure_redis
  ensure_rabbitmq
  say "MariaDB, Redis and RabbitMQ are up"
}

# --- Signing keys ----------------------------------------------------------------------------------
# Every key the shop signs with: generated once into .env (mode 0600, never printed) and reused by
# every later run; the processes read .env (node --env-file-if-exists), a variable set in the shell
# wins. The server refuses a missing key, a public example or one shorter than 32 bytes: so does
# this. Another key (a challenge HMAC, …) is one more name here.
# ADMIN_PASSWORD is kept the same way: the seeded admin's password must not be one printed in this
# repository either (12+ characters; the old development default admin12345 is refused).
SIGNING_KEYS=(JWT_SECRET ADMIN_PASSWORD)
MIN_SECRET_BYTES=32
MIN_PASSWORD_BYTES=12

weak_secret() { # value [name] → true when the server (or the seed) would refuse it
  local min=$MIN_SECRET_BYTES
  [ "${2:-}" = ADMIN_PASSWORD ] && min=$MIN_PASSWORD_BYTES
  [ "$(printf '%s' "$1" | wc -c)" -lt "$min" ] || [[ ${1,,} == *change-me* || ${1,,} == *changeme* || ${1,,} == *admin12345* ]]
}

dotenv_value() { # name file → the value node reads from the file (its own parser), or nothing
  node -e 'const { parseEnv } = require("node:util"); const fs = require("node:fs");
    process.stdout.write(parseEnv(fs.readFileSync(process.argv[2], "utf8"))[process.argv[1]] ?? "")' "$1" "$2"
}

set_dotenv() { # name file — writes a new random value: in place of the first line that set it, else at the end
  local tmp=$2.new.$$ value
  value=$(node -e 'process.stdout.write(require("node:crypto").randomBytes(48).toString("base64url"))') &&
    [ "${#value}" -eq 64 ] || die "could not generate $1 (node: crypto.randomBytes)"
  # The value passes through the environment, not a command line others could read in ps.
  (umask 077 && NEW_NAME=$1 NEW_VALUE=$value \
    awk 'BEGIN { n = ENVIRON["NEW_NAME"]; line = n "=" ENVIRON["NEW_VALUE"] }
      $0 ~ "^[ \t]*(export[ \t]+)?" n "[ \t]*=" { if (!done) print line; done = 1; next }
      { print }
      END { if (!done) print line }' "$2" >"$tmp") || { rm -f "$tmp"; die "could not write $2"; }
  mv -f "$tmp" "$2"
}

ensure_secrets() { # [file, .env] — each signing key set, unknown to anyone else, and kept private
  local file=${1:-.env} name
  for name in "${SIGNING_KEYS[@]}"; do
    # Set but empty counts as unset (as the server reads it): the processes then read the file's.
    if [ -z "${!name:-}" ]; then unset "$name"; fi
    if [ -n "${!name:-}" ] && weak_secret "${!name}" "$name"; then
      die "$name in the environment is a public example or too short: unset it (a random one is then generated once and kept in $file) or set a random value (openssl rand -base64 48)"
    fi
  done
  [ -e "$file" ] || (umask 077 && : >"$file") || die "could not create $file"
  chmod 600 "$file" || die "could not make $file readable by its owner only (chmod 600 $file)"
  for name in "${SIGNING_KEYS[@]}"; do
    local value
    value=$(dotenv_value "$name" "$file") || die "could not read $file"
    if [ -z "$value" ]; then
      set_dotenv "$name" "$file"
      say "generated a random $name into $file"
    elif weak_secret "$value" "$name"; then
      set_dotenv "$name" "$file"
      say "$name in $file was a public example or too short: replaced with a random one"
    fi
    if [ -n "${!name:-}" ]; then
      say "$name: from the environment (it wins over the one in $file)"
    else
      say "$name: kept in $(cd "$(dirname "$file")" && pwd)/$(basename "$file") (mode 0600, reused by every run)"
    fi
  done
}
