#!/usr/bin/env bash
# The whole Sealpost suite on one machine, without Docker: PostgreSQL 17 (embedded binaries), a Kafka
# KRaft broker, Keycloak and the four services, all from Maven Central, all on 127.0.0.1.
#
#   ./sealpost up       start everything, wait until every readiness endpoint is UP, sign two demo users in
#   ./sealpost down     stop exactly the processes `up` started (by PID) and check every port is free
#   ./sealpost status   what runs, with its health
#   ./sealpost logs [component] [-f]
#   ./sealpost token USER   print an access token for a demo user (alice, bob, carol, dave)
#   ./sealpost cli ARGS...  the sealpost CLI against this stack (`./sealpost cli demo`, `./sealpost cli --help`);
#                           its client state (keys, pinned contacts, tree heads) lives in $SEALPOST_HOME/client
#
# Environment (defaults in brackets): SEALPOST_HOME [.sealpost], SEALPOST_PG_PORT [15432],
# SEALPOST_KAFKA_PORT [19092], SEALPOST_KAFKA_CONTROLLER_PORT [19093], SEALPOST_KEYCLOAK_PORT [18080],
# SEALPOST_KEYCLOAK_MANAGEMENT_PORT [19000], SEALPOST_GATEWAY_PORT [8080], SEALPOST_KEY_SERVICE_PORT [8081],
# SEALPOST_MAIL_SERVICE_PORT [8082], SEALPOST_AUDIT_SERVICE_PORT [8083], and each service's management
# port (health, metrics; loopback only) SEALPOST_GATEWAY_MANAGEMENT_PORT [9080], SEALPOST_KEY_SERVICE_MANAGEMENT_PORT
# [9081], SEALPOST_MAIL_SERVICE_MANAGEMENT_PORT [9082], SEALPOST_AUDIT_SERVICE_MANAGEMENT_PORT [9083], SEALPOST_START_TIMEOUT [300] seconds,
# SEALPOST_PG_SHARED_BUFFERS [a sixth of the memory, at most 4GB], SEALPOST_PG_MAX_WAL_SIZE [4GB],
# SEALPOST_PG_WAL_INIT_ZERO [off].
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LOCAL="$ROOT/deploy/local"
HOME_DIR=${SEALPOST_HOME:-$ROOT/.sealpost}
KEYCLOAK_VERSION=26.7.3
SERVICES=(gateway key-service mail-service audit-service)
# the services with a database of their own (the gateway has none)
DATABASE_SERVICES=(key-service mail-service audit-service)
START_TIMEOUT=${SEALPOST_START_TIMEOUT:-300}
# PostgreSQL's buffer cache: a sixth of the machine's memory, at most 4 GB (allocated as it is used).
# Smaller than a checkpoint interval's changed pages, backends and autovacuum write evicted pages
# themselves and leave them dirty in the kernel (measured: docs/operations.md, "Database host").
PG_SHARED_BUFFERS=${SEALPOST_PG_SHARED_BUFFERS:-$(awk '/^MemTotal:/ {mb = int($2 / 1024 / 6); print (mb > 4096 ? 4096 : mb) "MB"}' /proc/meminfo)}

RUN="$HOME_DIR/run"
LOGS="$HOME_DIR/logs"
DIST="$HOME_DIR/dist"

die() { echo "sealpost: $*" >&2; exit 1; }
say() { echo "==> $*"; }

# ---------------------------------------------------------------- ports
# The ports of a running stack are saved at `up`, so `down` and `status` act on the same ones even
# when the environment changed in between.
load_ports() {
  if [[ -f "$RUN/ports.env" ]]; then
    # shellcheck disable=SC1091
    source "$RUN/ports.env"
  fi
  PG_PORT=${PG_PORT:-${SEALPOST_PG_PORT:-15432}}
  KAFKA_PORT=${KAFKA_PORT:-${SEALPOST_KAFKA_PORT:-19092}}
  KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-${SEALPOST_KAFKA_CONTROLLER_PORT:-19093}}
  KEYCLOAK_PORT=${KEYCLOAK_PORT:-${SEALPOST_KEYCLOAK_PORT:-18080}}
  KEYCLOAK_MANAGEMENT_PORT=${KEYCLOAK_MANAGEMENT_PORT:-${SEALPOST_KEYCLOAK_MANAGEMENT_PORT:-19000}}
  GATEWAY_PORT=${GATEWAY_PORT:-${SEALPOST_GATEWAY_PORT:-8080}}
  KEY_SERVICE_PORT=${KEY_SERVICE_PORT:-${SEALPOST_KEY_SERVICE_PORT:-8081}}
  MAIL_SERVICE_PORT=${MAIL_SERVICE_PORT:-${SEALPOST_MAIL_SERVICE_PORT:-8082}}
  AUDIT_SERVICE_PORT=${AUDIT_SERVICE_PORT:-${SEALPOST_AUDIT_SERVICE_PORT:-8083}}
  GATEWAY_MANAGEMENT_PORT=${GATEWAY_MANAGEMENT_PORT:-${SEALPOST_GATEWAY_MANAGEMENT_PORT:-9080}}
  KEY_SERVICE_MANAGEMENT_PORT=${KEY_SERVICE_MANAGEMENT_PORT:-${SEALPOST_KEY_SERVICE_MANAGEMENT_PORT:-9081}}
  MAIL_SERVICE_MANAGEMENT_PORT=${MAIL_SERVICE_MANAGEMENT_PORT:-${SEALPOST_MAIL_SERVICE_MANAGEMENT_PORT:-9082}}
  AUDIT_SERVICE_MANAGEMENT_PORT=${AUDIT_SERVICE_MANAGEMENT_PORT:-${SEALPOST_AUDIT_SERVICE_MANAGEMENT_PORT:-9083}}
}

save_ports() {
  cat > "$RUN/ports.env" <<EOF
PG_PORT=$PG_PORT
KAFKA_PORT=$KAFKA_PORT
KAFKA_CONTROLLER_PORT=$KAFKA_CONTROLLER_PORT
KEYCLOAK_PORT=$KEYCLOAK_PORT
KEYCLOAK_MANAGEMENT_PORT=$KEYCLOAK_MANAGEMENT_PORT
GATEWAY_PORT=$GATEWAY_PORT
KEY_SERVICE_PORT=$KEY_SERVICE_PORT
MAIL_SERVICE_PORT=$MAIL_SERVICE_PORT
AUDIT_SERVICE_PORT=$AUDIT_SERVICE_PORT
GATEWAY_MANAGEMENT_PORT=$GATEWAY_MANAGEMENT_PORT
KEY_SERVICE_MANAGEMENT_PORT=$KEY_SERVICE_MANAGEMENT_PORT
MAIL_SERVICE_MANAGEMENT_PORT=$MAIL_SERVICE_MANAGEMENT_PORT
AUDIT_SERVICE_MANAGEMENT_PORT=$AUDIT_SERVICE_MANAGEMENT_PORT
EOF
}

all_ports() {
  echo "postgres:$PG_PORT kafka:$KAFKA_PORT kafka-controller:$KAFKA_CONTROLLER_PORT keycloak:$KEYCLOAK_PORT" \
       "keycloak-management:$KEYCLOAK_MANAGEMENT_PORT gateway:$GATEWAY_PORT key-service:$KEY_SERVICE_PORT" \
       "mail-service:$MAIL_SERVICE_PORT audit-service:$AUDIT_SERVICE_PORT gateway-management:$GATEWAY_MANAGEMENT_PORT" \
       "key-service-management:$KEY_SERVICE_MANAGEMENT_PORT mail-service-management:$MAIL_SERVICE_MANAGEMENT_PORT" \
       "audit-service-management:$AUDIT_SERVICE_MANAGEMENT_PORT"
}

service_port() {
  case $1 in
    gateway) echo "$GATEWAY_PORT" ;;
    key-service) echo "$KEY_SERVICE_PORT" ;;
    mail-service) echo "$MAIL_SERVICE_PORT" ;;
    audit-service) echo "$AUDIT_SERVICE_PORT" ;;
  esac
}

# Health and metrics: each service's management interface, on the loopback interface only.
management_port() {
  case $1 in
    gateway) echo "$GATEWAY_MANAGEMENT_PORT" ;;
    key-service) echo "$KEY_SERVICE_MANAGEMENT_PORT" ;;
    mail-service) echo "$MAIL_SERVICE_MANAGEMENT_PORT" ;;
    audit-service) echo "$AUDIT_SERVICE_MANAGEMENT_PORT" ;;
  esac
}

# A port is taken when something accepts connections on 127.0.0.1 or listens on it on any address.
port_in_use() {
  local port=$1
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
  if command -v ss >/dev/null 2>&1 && ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then return 0; fi
  return 1
}

require_free_ports() {
  local taken=() entry
  for entry in $(all_ports); do
    if port_in_use "${entry#*:}"; then taken+=("$entry"); fi
  done
  if ((${#taken[@]})); then
    die "port(s) already in use: ${taken[*]}. Stop what holds them, or choose others, e.g. SEALPOST_GATEWAY_PORT=18088 ./sealpost up"
  fi
}

# ---------------------------------------------------------------- processes
pid_of() { [[ -f "$RUN/$1.pid" ]] && cat "$RUN/$1.pid" || true; }
alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

# Starts a component in its own session (so `down` can stop its whole process group, e.g. kc.sh and
# the JVM it forks) with output to logs/NAME.log, and records its PID.
spawn() {
  local name=$1; shift
  setsid "$@" >"$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN/$name.pid"
}

stop_component() {
  local name=$1 pid
  pid=$(pid_of "$name")
  if ! alive "$pid"; then rm -f "$RUN/$name.pid"; return 0; fi
  # the component leads its own process group (setsid); signal the group, then wait for the leader
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  local waited=0
  while alive "$pid" && ((waited < 60)); do sleep 0.5; waited=$((waited + 1)); done
  if alive "$pid"; then
    echo "    $name did not stop within 30 s; sending SIGKILL" >&2
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    sleep 1
  fi
  rm -f "$RUN/$name.pid"
  echo "    stopped $name (pid $pid)"
}

# Waits until URL reports "status":"UP", failing early if the process died.
wait_up() {
  local name=$1 url=$2 pid deadline
  pid=$(pid_of "$name")
  deadline=$((SECONDS + START_TIMEOUT))
  until curl -fsS --max-time 3 "$url" 2>/dev/null | grep -Eq '"status" *: *"UP"'; do
    if ! alive "$pid"; then
      echo "---- last lines of $LOGS/$name.log ----" >&2; tail -n 40 "$LOGS/$name.log" >&2 || true
      die "$name exited during start-up"
    fi
    if ((SECONDS > deadline)); then
      echo "---- last lines of $LOGS/$name.log ----" >&2; tail -n 40 "$LOGS/$name.log" >&2 || true
      die "$name not ready after ${START_TIMEOUT}s ($url)"
    fi
    sleep 1
  done
}

# Waits until the component's log shows PATTERN, failing early if the process died.
wait_log() {
  local name=$1 pattern=$2 timeout=$3 pid deadline
  pid=$(pid_of "$name")
  deadline=$((SECONDS + timeout))
  until grep -q "$pattern" "$LOGS/$name.log" 2>/dev/null; do
    alive "$pid" || { tail -n 30 "$LOGS/$name.log" >&2; die "$name exited during start-up"; }
    ((SECONDS < deadline)) || die "$name not ready after ${timeout}s"
    sleep 0.5
  done
}

# PostgreSQL refuses to run as root; as root its programs run in a user namespace (as zonky does).
pg_exec() {
  if [[ $(id -u) -eq 0 ]]; then unshare -U "$@"; else "$@"; fi
}

# ---------------------------------------------------------------- preparation
check_tools() {
  command -v java >/dev/null 2>&1 || die "java not found: install a JDK 17 or newer"
  local major
  major=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  [[ ${major%%.*} -ge 17 ]] || die "Java 17 or newer needed, found $major"
  for tool in curl unzip tar xz setsid; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (Debian/Ubuntu: apt-get install curl unzip tar xz-utils util-linux)"
  done
  if [[ $(id -u) -eq 0 ]] && ! unshare -U true 2>/dev/null; then
    die "running as root, but user namespaces are unavailable (unshare -U); PostgreSQL cannot run as root. Run as a normal user."
  fi
}

build_services() {
  local missing=()
  for svc in "${SERVICES[@]}"; do
    [[ -f "$ROOT/$svc/target/quarkus-app/quarkus-run.jar" ]] || missing+=("$svc")
  done
  if ((${#missing[@]})); then
    say "building ${missing[*]} (first run only)"
    (cd "$ROOT" && ./mvnw -B -q -DskipTests package -pl "$(IFS=,; echo "${SERVICES[*]}")" -am)
  fi
}

postgres_platform() {
  local os arch
  case $(uname -s) in Linux) os=linux ;; Darwin) os=darwin ;; *) die "unsupported OS $(uname -s)" ;; esac
  case $(uname -m) in x86_64|amd64) arch=amd64 ;; aarch64|arm64) arch=arm64v8 ;; *) die "unsupported CPU $(uname -m)" ;; esac
  echo "$os-$arch"
}

fetch_distributions() {
  if [[ -f "$DIST/postgres/postgres-binaries.jar" && -f "$DIST/keycloak/keycloak.zip" && -d "$DIST/kafka/libs" \
        && -n $(ls "$DIST/kafka/libs"/kafka-tools-[0-9]*.jar 2>/dev/null) ]]; then
    return
  fi
  say "fetching PostgreSQL, Kafka and Keycloak from Maven Central (first run only)"
  (cd "$ROOT" && ./mvnw -B -q -f deploy/local/pom.xml process-resources \
      -Dsealpost.dist="$DIST" -Dpostgres.platform="$(postgres_platform)")
}

# Passwords are made once per SEALPOST_HOME and kept in a file only the owner can read.
ensure_secrets() {
  if [[ ! -f "$HOME_DIR/secrets.env" ]]; then
    local gen
    gen() { head -c 48 /dev/urandom | base64 -w0 | tr -d '/+=' | head -c 40; }
    (umask 077; cat > "$HOME_DIR/secrets.env" <<EOF
PG_SUPERUSER_PASSWORD=$(gen)
KEYCLOAK_DB_PASSWORD=$(gen)
KEYCLOAK_ADMIN_PASSWORD=$(gen)
GATEWAY_CLIENT_SECRET=$(gen)
DB_PASSWORD_key_service=$(gen)
DB_PASSWORD_mail_service=$(gen)
DB_PASSWORD_audit_service=$(gen)
EOF
    )
  fi
  if ! grep -q '^KEY_ENCRYPTION_KEY=' "$HOME_DIR/secrets.env"; then
    # key-service seals its signing keys under this key-encryption key (32 random bytes)
    (umask 077; echo "KEY_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64 -w0)" >> "$HOME_DIR/secrets.env")
  fi
  if ! grep -q '^AUDIT_CLIENT_SECRET=' "$HOME_DIR/secrets.env"; then
    # audit-service's credential at key-service, for signed hash-chain checkpoints
    (umask 077; echo "AUDIT_CLIENT_SECRET=$(head -c 48 /dev/urandom | base64 -w0 | tr -d '/+=' | head -c 40)" >> "$HOME_DIR/secrets.env")
  fi
  # shellcheck disable=SC1091
  source "$HOME_DIR/secrets.env"
}

db_name() { echo "sealpost_$(echo "${1%-service}" | sed 's/^key$/keys/')"; }
db_password_var() { echo "DB_PASSWORD_${1//-/_}"; }

# ---------------------------------------------------------------- components
start_postgres() {
  local pg="$HOME_DIR/postgres"
  if [[ ! -x "$pg/bin/bin/postgres" ]]; then
    mkdir -p "$pg/bin"
    unzip -p "$DIST/postgres/postgres-binaries.jar" '*.txz' | tar -xJ -C "$pg/bin"
  fi
  if [[ ! -f "$pg/data/PG_VERSION" ]]; then
    say "initialising PostgreSQL data in $pg/data"
    rm -rf "$pg/data"
    local pwfile="$HOME_DIR/.pgpass-init"
    (umask 077; printf '%s\n' "$PG_SUPERUSER_PASSWORD" > "$pwfile")
    pg_exec "$pg/bin/bin/initdb" -D "$pg/data" -U postgres --pwfile="$pwfile" -A scram-sha-256 -E UTF8 \
        --locale=C >"$LOGS/postgres-init.log" 2>&1 || { rm -f "$pwfile"; die "initdb failed, see $LOGS/postgres-init.log"; }
    rm -f "$pwfile"
    # roles and databases, in single-user mode before the server first listens
    {
      echo "CREATE ROLE keycloak LOGIN PASSWORD '$KEYCLOAK_DB_PASSWORD';"
      echo "CREATE DATABASE keycloak OWNER keycloak;"
      for svc in "${DATABASE_SERVICES[@]}"; do
        local db pwvar
        db=$(db_name "$svc"); pwvar=$(db_password_var "$svc")
        echo "CREATE ROLE $db LOGIN PASSWORD '${!pwvar}';"
        echo "CREATE DATABASE $db OWNER $db;"
      done
    } | pg_exec "$pg/bin/bin/postgres" --single -D "$pg/data" postgres >>"$LOGS/postgres-init.log" 2>&1 \
        || die "creating databases failed, see $LOGS/postgres-init.log"
  fi
  say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  local as_root=()
  [[ $(id -u) -eq 0 ]] && as_root=(unshare -U)
  # PostgreSQL's defaults (128 MB of buffers, a checkpoint per 1 GB of WAL) make a write-heavy minute
  # a checkpoint every ~20 s, each followed by full-page writes; these are the usual first settings
  # (the kernel's writeback, which matters as much, is the host's: docs/operations.md).
  # wal_init_zero=off: until a new database's first checkpoint completes there is no old WAL segment to
  # recycle, and every 16 MB of WAL a committing backend created the next segment by writing 16 MB of
  # zeros and syncing them, holding every commit for ~60 ms (measured at 1,000 sends/s: a stall each
  # 1.2 s until the first checkpoint, started after ~2 GB of WAL, completed). Off, a new segment is sized
  # without being written (docs/operations.md).
  spawn postgres ${as_root[@]+"${as_root[@]}"} "$pg/bin/bin/postgres" -D "$pg/data" -p "$PG_PORT" \
      -c listen_addresses=127.0.0.1 -c unix_socket_directories= \
      -c shared_buffers="$PG_SHARED_BUFFERS" -c max_wal_size="${SEALPOST_PG_MAX_WAL_SIZE:-4GB}" -c checkpoint_timeout=15min \
      -c wal_init_zero="${SEALPOST_PG_WAL_INIT_ZERO:-off}"
  wait_log postgres "database system is ready to accept connections" 60
  local pid
  pid=$(pid_of postgres)
  # the server that answers must be ours: its postmaster.pid names our PID and port
  [[ $(sed -n 1p "$pg/data/postmaster.pid") == "$pid" && $(sed -n 4p "$pg/data/postmaster.pid") == "$PG_PORT" ]] \
    || die "PostgreSQL on port $PG_PORT is not the one sealpost started"
}

start_kafka() {
  local kafka="$HOME_DIR/kafka" cp="$DIST/kafka/libs/*"
  mkdir -p "$kafka"
  sed -e "s#@BROKER_PORT@#$KAFKA_PORT#g" -e "s#@CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" -e "s#@DATA_DIR@#$kafka/data#g" \
      "$LOCAL/kafka/server.properties.template" > "$kafka/server.properties"
  local java_opts=(-Xms128m -Xmx512m -Dlog4j2.configurationFile="$LOCAL/kafka/log4j2.properties")
  if [[ ! -f "$kafka/data/meta.properties" ]]; then
    # the controller port is part of the formatted quorum, so a new port needs a fresh log
    rm -rf "$kafka/data"
    local cluster_id
    cluster_id=$(java "${java_opts[@]}" -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
    java "${java_opts[@]}" -cp "$cp" kafka.tools.StorageTool format --standalone -t "$cluster_id" \
        -c "$kafka/server.properties" >"$LOGS/kafka-format.log" 2>&1 || die "formatting Kafka storage failed, see $LOGS/kafka-format.log"
    echo "$KAFKA_CONTROLLER_PORT" > "$kafka/controller-port"
  elif [[ $(cat "$kafka/controller-port" 2>/dev/null) != "$KAFKA_CONTROLLER_PORT" ]]; then
    die "Kafka data in $kafka/data was formatted for another controller port; remove that folder or use the old SEALPOST_KAFKA_CONTROLLER_PORT"
  fi
  say "starting Kafka (KRaft) on 127.0.0.1:$KAFKA_PORT"
  spawn kafka java "${java_opts[@]}" -cp "$cp" kafka.Kafka "$kafka/server.properties"
  wait_log kafka "Kafka Server started" 90
  for topic in security-events security-events-dlq session-revocations; do
    java -Xmx128m -Dlog4j2.configurationFile="$LOCAL/kafka/log4j2.properties" -cp "$cp" \
        org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" --create --if-not-exists \
        --topic "$topic" --partitions 3 --replication-factor 1 >>"$LOGS/kafka-topics.log" 2>&1 \
      || die "could not create topic $topic, see $LOGS/kafka-topics.log"
  done
}

start_keycloak() {
  local kc="$HOME_DIR/keycloak/keycloak-$KEYCLOAK_VERSION"
  if [[ ! -x "$kc/bin/kc.sh" ]]; then
    mkdir -p "$HOME_DIR/keycloak"
    unzip -q -o "$DIST/keycloak/keycloak.zip" -d "$HOME_DIR/keycloak"
  fi
  # build options are fixed, so the 20-35 s augmentation runs once and every start is --optimized
  local build_opts="--db=postgres --health-enabled=true --metrics-enabled=true"
  if [[ $(cat "$kc/.sealpost-build" 2>/dev/null) != "$build_opts" ]]; then
    say "building Keycloak once ($build_opts)"
    # shellcheck disable=SC2086
    "$kc/bin/kc.sh" build $build_opts >"$LOGS/keycloak-build.log" 2>&1 || die "Keycloak build failed, see $LOGS/keycloak-build.log"
    echo "$build_opts" > "$kc/.sealpost-build"
  fi
  mkdir -p "$kc/data/import"
  cp "$LOCAL/keycloak/"*-realm.json "$kc/data/import/"
  say "starting Keycloak on http://localhost:$KEYCLOAK_PORT"
  # secrets reach Keycloak through its environment, never its command line (visible in ps)
  KC_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/keycloak" KC_DB_USERNAME=keycloak KC_DB_PASSWORD="$KEYCLOAK_DB_PASSWORD" \
  KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD="$KEYCLOAK_ADMIN_PASSWORD" \
  SEALPOST_GATEWAY_CLIENT_SECRET="$GATEWAY_CLIENT_SECRET" \
  SEALPOST_BACKCHANNEL_LOGOUT_URL="http://127.0.0.1:$GATEWAY_PORT/auth/backchannel-logout" \
  JAVA_OPTS_KC_HEAP="-Xms128m -Xmx768m" \
    spawn keycloak "$kc/bin/kc.sh" start --optimized \
        --http-enabled=true --http-host=127.0.0.1 --http-port="$KEYCLOAK_PORT" \
        --hostname="http://localhost:$KEYCLOAK_PORT" \
        --http-management-port="$KEYCLOAK_MANAGEMENT_PORT" \
        --import-realm
  wait_up keycloak "http://127.0.0.1:$KEYCLOAK_MANAGEMENT_PORT/health/ready"
}

start_service() {
  local svc=$1 port
  port=$(service_port "$svc")
  say "starting $svc on http://127.0.0.1:$port"
  (
    # Each service gets only the secrets it uses: its own database password (the gateway has no database); the KEK and both internal
    # clients' secrets (to check them) for key-service; its own client secret at key-service for the
    # gateway and audit-service; none for mail-service. A process can read its whole environment, so a
    # secret of another service in it would be that secret's exposure too. Whatever the caller's
    # environment holds under a secret's name is dropped first.
    local name
    for name in $(compgen -e); do
      case $name in *SECRET*|*PASSWORD*|SEALPOST_KEK*|SEALPOST_KEYS_KEK_*) unset "$name" ;; esac
    done
    case $svc in
      gateway) export SEALPOST_GATEWAY_CLIENT_SECRET="$GATEWAY_CLIENT_SECRET" ;;
      key-service) export SEALPOST_KEK="$KEY_ENCRYPTION_KEY" SEALPOST_GATEWAY_CLIENT_SECRET="$GATEWAY_CLIENT_SECRET" \
                          SEALPOST_AUDIT_CLIENT_SECRET="$AUDIT_CLIENT_SECRET" ;;
      audit-service) export SEALPOST_AUDIT_CLIENT_SECRET="$AUDIT_CLIENT_SECRET" ;;
    esac
    if [[ $svc != gateway ]]; then
      local db pwvar
      db=$(db_name "$svc"); pwvar=$(db_password_var "$svc")
      export SEALPOST_DB_HOST=127.0.0.1 SEALPOST_DB_PORT="$PG_PORT" SEALPOST_DB_NAME="$db" SEALPOST_DB_USER="$db" \
             SEALPOST_DB_PASSWORD="${!pwvar}"
    fi
    # The heap starts at its full size (-Xms = -Xmx): grown from 64 MB, G1 kept audit-service's at ~100 MB,
    # with a concurrent marking cycle every ~5 s that took a core from the sends beside it (docs/decisions.md).
    SEALPOST_HTTP_PORT="$port" QUARKUS_HTTP_HOST=127.0.0.1 SEALPOST_MANAGEMENT_PORT="$(management_port "$svc")" \
    SEALPOST_KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" \
    SEALPOST_KEY_SERVICE_PUBLIC_URL="http://localhost:$KEY_SERVICE_PORT" SEALPOST_KEY_SERVICE_URL="http://127.0.0.1:$KEY_SERVICE_PORT" \
    SEALPOST_MAIL_SERVICE_URL="http://127.0.0.1:$MAIL_SERVICE_PORT" SEALPOST_AUDIT_SERVICE_URL="http://127.0.0.1:$AUDIT_SERVICE_PORT" \
    SEALPOST_CONSUMER_ISSUER="http://localhost:$KEYCLOAK_PORT/realms/consumer" \
    SEALPOST_ACME_ISSUER="http://localhost:$KEYCLOAK_PORT/realms/acme" \
      spawn "$svc" java -Xms256m -Xmx256m -jar "$ROOT/$svc/target/quarkus-app/quarkus-run.jar"
  )
}

# ---------------------------------------------------------------- demo users
demo_user() {
  case $1 in
    alice) echo "consumer alice-demo-passphrase alice-demo-totp-key!" ;;
    bob)   echo "consumer bob-demo-passphrase bob-demo-totp-key!!!" ;;
    carol) echo "acme carol-demo-passphrase carol-demo-totp-key!" ;;
    dave)  echo "acme dave-demo-passphrase dave-demo-totp-key!!" ;;
    *) die "unknown demo user '$1' (alice, bob, carol, dave)" ;;
  esac
}

demo_login() {
  local user=$1 mode=$2 realm password totp
  read -r realm password totp <<<"$(demo_user "$user")"
  java "$LOCAL/DemoLogin.java" "http://localhost:$KEYCLOAK_PORT" "$realm" "$user" "$password" "$totp" "$mode"
}

# ---------------------------------------------------------------- commands
cmd_up() {
  load_ports
  mkdir -p "$RUN" "$LOGS"
  for name in postgres kafka keycloak "${SERVICES[@]}"; do
    if alive "$(pid_of "$name")"; then die "$name is already running (pid $(pid_of "$name")); run ./sealpost down first"; fi
  done
  rm -f "$RUN/ports.env"; load_ports
  check_tools
  require_free_ports
  save_ports
  local started=$SECONDS
  build_services
  fetch_distributions
  ensure_secrets
  # from here on, a failure stops what was already started
  trap 'rc=$?; if ((rc != 0)); then echo "sealpost: start-up failed; stopping what was started" >&2; cmd_down >&2 || true; fi' EXIT
  start_postgres
  start_kafka
  start_keycloak
  for svc in "${SERVICES[@]}"; do start_service "$svc"; done
  for svc in "${SERVICES[@]}"; do wait_up "$svc" "http://127.0.0.1:$(management_port "$svc")/q/health/ready"; done
  trap - EXIT
  echo
  say "Sealpost is up in $((SECONDS - started)) s"
  cmd_status
  echo
  echo "Signing in two demo users (password + TOTP) to show the realms work:"
  echo "  alice@consumer: $(demo_login alice claims)"
  echo "  carol@acme:     $(demo_login carol claims)"
  cat <<EOF

Keycloak admin console: http://localhost:$KEYCLOAK_PORT/admin  (user admin, password in $HOME_DIR/secrets.env)
Demo users (local stack only; each has a TOTP authenticator with the secret shown):
  realm consumer (mail domain sealpost.test): alice / alice-demo-passphrase, bob / bob-demo-passphrase
  realm acme     (mail domain acme.test):     carol / carol-demo-passphrase, dave / dave-demo-passphrase (soc-analyst)
  and erin / erin-demo-passphrase (consumer) without a TOTP yet: her password-only tokens are refused by the gateway
End-to-end encryption:      ./sealpost cli demo   (alice seals for bob; bob opens, verifies, reads his log)
An access token for curl:   ./sealpost token alice
Logs:                       ./sealpost logs gateway
Stop everything:            ./sealpost down
EOF
}

cmd_down() {
  load_ports
  local name any=0
  for name in audit-service mail-service key-service gateway keycloak kafka postgres; do
    if [[ -f "$RUN/$name.pid" ]]; then any=1; stop_component "$name"; fi
  done
  ((any)) || echo "nothing to stop"
  local held=() entry
  for entry in $(all_ports); do
    if port_in_use "${entry#*:}"; then held+=("$entry"); fi
  done
  rm -f "$RUN/ports.env"
  if ((${#held[@]})); then die "still in use after stopping: ${held[*]} (not processes sealpost started?)"; fi
  echo "all Sealpost ports are free"
}

health_of() {
  curl -fsS --max-time 3 "$1" 2>/dev/null | grep -Eq '"status" *: *"UP"' && echo UP || echo DOWN
}

cmd_status() {
  load_ports
  printf '%-15s %-8s %-6s %s\n' COMPONENT PID STATE ENDPOINT
  local name pid state url
  for name in postgres kafka keycloak "${SERVICES[@]}"; do
    pid=$(pid_of "$name")
    case $name in
      postgres) url="postgresql://127.0.0.1:$PG_PORT" ;;
      kafka) url="127.0.0.1:$KAFKA_PORT" ;;
      keycloak) url="http://localhost:$KEYCLOAK_PORT (ready: http://127.0.0.1:$KEYCLOAK_MANAGEMENT_PORT/health/ready)" ;;
      *) url="http://127.0.0.1:$(service_port "$name") (health, metrics: http://127.0.0.1:$(management_port "$name")/q/)" ;;
    esac
    if ! alive "$pid"; then state=STOPPED; pid=-
    else
      case $name in
        postgres|kafka) state=$(port_in_use "${url##*:}" && echo UP || echo DOWN) ;;
        keycloak) state=$(health_of "http://127.0.0.1:$KEYCLOAK_MANAGEMENT_PORT/health/ready") ;;
        *) state=$(health_of "http://127.0.0.1:$(management_port "$name")/q/health/ready") ;;
      esac
    fi
    printf '%-15s %-8s %-6s %s\n' "$name" "$pid" "$state" "$url"
  done
}

cmd_logs() {
  local name=${1:-} follow=${2:-}
  if [[ -z $name ]]; then ls "$LOGS" 2>/dev/null; echo "usage: ./sealpost logs COMPONENT [-f]"; return; fi
  [[ -f "$LOGS/$name.log" ]] || die "no log for $name in $LOGS"
  if [[ $follow == -f ]]; then tail -n 100 -f "$LOGS/$name.log"; else tail -n 200 "$LOGS/$name.log"; fi
}

cmd_cli() {
  load_ports
  local jar="$ROOT/client/target/sealpost-client.jar"
  if [[ ! -f $jar ]]; then
    say "building the client (first run only)" >&2
    (cd "$ROOT" && ./mvnw -B -q -DskipTests package -pl client -am) >&2
  fi
  # the client's pins and tree heads belong to this stack's key directory: kept beside it, reset with it
  SEALPOST_CLIENT_HOME=${SEALPOST_CLIENT_HOME:-$HOME_DIR/client} \
  SEALPOST_GATEWAY_URL=${SEALPOST_GATEWAY_URL:-http://127.0.0.1:$GATEWAY_PORT} \
  SEALPOST_KEYCLOAK_URL=${SEALPOST_KEYCLOAK_URL:-http://localhost:$KEYCLOAK_PORT} \
    exec java -jar "$jar" "$@"
}

cmd_token() {
  load_ports
  [[ -n ${1:-} ]] || die "usage: ./sealpost token USER"
  demo_login "$1" token
}

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  logs) shift; cmd_logs "$@" ;;
  token) shift; cmd_token "$@" ;;
  cli) shift; cmd_cli "$@" ;;
  *) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
