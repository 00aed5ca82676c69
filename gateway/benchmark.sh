#!/usr/bin/env bash
# The gateway's cost per request, against the running local stack, with wrk (apt-get install wrk)
# and nginx as the reference proxy (apt-get install nginx-light). Prints a table a person can read;
# nothing here is a test assertion.
#   gateway/benchmark.sh [SECONDS] [CONNECTIONS] [ROUNDS]    default 15 s per run, 8 connections, 3 rounds
# The stack's rate limits must be out of the way for a load test:
#   SEALPOST_RATE_LIMIT_PER_IP=100000000 SEALPOST_RATE_LIMIT_PER_USER=100000000 ./sealpost up
# Each round sends GET /api/mail/quota three ways — directly to mail-service (with a passport), through
# bare nginx (the same passport) and through the gateway (a Keycloak token) — and reads the CPU time
# of every process on the path from /proc around each measured run: CPU microseconds per request is
# what the load generator sharing the two cores cannot distort the way it distorts throughput.
# Goal (issue 30): gateway CPU per request <= 2.5 x nginx's, and mail-service's CPU per request
# through the gateway <= 1.1 x direct; medians over the rounds.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SECONDS_PER_RUN=${1:-15}
CONNECTIONS=${2:-8}
ROUNDS=${3:-3}
MODULE=gateway
command -v nginx >/dev/null || { echo "nginx is needed as the reference proxy: apt-get install nginx-light" >&2; exit 1; }
# shellcheck source=../deploy/local/load-bench.sh
source deploy/local/load-bench.sh
GATEWAY="http://127.0.0.1:$GATEWAY_PORT"
MAIL="http://127.0.0.1:$MAIL_SERVICE_PORT"
KEYS="http://127.0.0.1:$KEY_SERVICE_PORT"

echo "Preparing: bob's Keycloak token (password + TOTP) and, for the direct requests, a passport for the same identity ..."
TOKEN=$(./sealpost token bob | tail -n 1)
read -r ISSUER SUBJECT < <(python3 -c 'import sys, json, base64
p = sys.argv[1].split(".")[1]; c = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
print(c["iss"], c["sub"])' "$TOKEN")
PASSPORT=$(curl -fsS -u "sealpost-gateway:$GATEWAY_CLIENT_SECRET" -H 'Content-Type: application/json' "$KEYS/internal/passports" \
  -d "{\"externalIssuer\":\"$ISSUER\",\"externalSubject\":\"$SUBJECT\",\"tenant\":\"consumer\",\"roles\":[\"user\"],\"acr\":\"2fa\",\"audience\":\"mail-service\",\"address\":\"bob@sealpost.test\"}" \
  | python3 -c 'import sys, json; print(json.load(sys.stdin)["passport"])')
for target in "$GATEWAY Bearer $TOKEN" "$MAIL Bearer $PASSPORT"; do
  read -r url _ credential <<<"$target"
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $credential" "$url/api/mail/quota")
  [[ $status == 200 ]] || { echo "GET $url/api/mail/quota answered $status" >&2; exit 1; }
done

NGINX_PORT=${SEALPOST_BENCH_NGINX_PORT:-18480}
NGINX_DIR=$ROOT/$OUT/nginx
if (exec 3<>"/dev/tcp/127.0.0.1/$NGINX_PORT") 2>/dev/null; then
  echo "port $NGINX_PORT is taken; set SEALPOST_BENCH_NGINX_PORT to a free one" >&2
  exit 1
fi
mkdir -p "$NGINX_DIR/tmp"
# a bare reverse proxy: no token check, no limits, no events; keep-alive to the service, one worker
cat > "$NGINX_DIR/nginx.conf" <<CONF
worker_processes 1;
pid $NGINX_DIR/nginx.pid; # written, not used: the script holds the PID
error_log $NGINX_DIR/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $NGINX_DIR/tmp/body;
  proxy_temp_path $NGINX_DIR/tmp/proxy;
  fastcgi_temp_path $NGINX_DIR/tmp/fastcgi;
  uwsgi_temp_path $NGINX_DIR/tmp/uwsgi;
  scgi_temp_path $NGINX_DIR/tmp/scgi;
  upstream mail { server 127.0.0.1:$MAIL_SERVICE_PORT; keepalive 32; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { proxy_pass http://mail; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF

# in the foreground of a background job, so that this script stops it by its PID and reaps it
nginx -g 'daemon off;' -e "$NGINX_DIR/error.log" -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" &
NGINX_PID=$!
trap 'kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$NGINX_PORT") 2>/dev/null && break
  kill -0 "$NGINX_PID" 2>/dev/null || { echo "nginx did not start, see $NGINX_DIR/error.log" >&2; exit 1; }
  sleep 0.1
done
export EXTRA_CPU_ROOTS="$NGINX_PID=nginx,"

# measure NAME AUTH URL: a warm-up, then a measured run with a CPU snapshot on either side
measure() {
  BENCH_AUTH=$2 wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s gateway/bench/get.lua "$3" >/dev/null
  cpu_snapshot "$OUT/$1.cpu-before"
  BENCH_AUTH=$2 wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s gateway/bench/get.lua "$3" > "$OUT/$1.txt"
  cpu_snapshot "$OUT/$1.cpu-after"
  if grep -q 'Non-2xx' "$OUT/$1.txt"; then
    echo "the $1 run had non-2xx answers (rate limits not raised?): $(wrk_errors "$1")" >&2
    exit 1
  fi
}

echo "Running $ROUNDS rounds of ${SECONDS_PER_RUN}s runs, $CONNECTIONS connections (wrk and every process share the machine's cores) ..."
for round in $(seq "$ROUNDS"); do
  echo "  round $round: direct, nginx, gateway"
  measure "direct-$round" "$PASSPORT" "$MAIL"
  measure "nginx-$round" "$PASSPORT" "http://127.0.0.1:$NGINX_PORT"
  measure "gateway-$round" "$TOKEN" "$GATEWAY"
done

python3 - "$OUT" "$ROUNDS" "$(getconf CLK_TCK)" <<'PY'
import re, statistics, sys
out, rounds, tick = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def run(name):
    text = open(f"{out}/{name}.txt").read()
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    snap = lambda f: {k: int(v) for k, v in (line.split() for line in open(f"{out}/{name}.{f}"))}
    before, after = snap("cpu-before"), snap("cpu-after")
    # CPU microseconds per request of each process (with its children)
    cpu = {k: (after[k] - before.get(k, 0)) * 1e6 / tick / requests for k in after if not k.startswith("machine-")}
    return rate, cpu
rows = []
for r in range(1, rounds + 1):
    (d_rate, d), (n_rate, n), (g_rate, g) = run(f"direct-{r}"), run(f"nginx-{r}"), run(f"gateway-{r}")
    rows.append(dict(direct=d_rate, nginx=n_rate, gateway=g_rate, mail_direct=d["mail-service"], nginx_cpu=n["nginx"],
                     mail_nginx=n["mail-service"], gateway_cpu=g["gateway"], mail_gateway=g["mail-service"],
                     keys_gateway=g.get("key-service", 0.0)))
cols = [("direct req/s", "direct"), ("nginx req/s", "nginx"), ("gateway req/s", "gateway"),
        ("mail µs direct", "mail_direct"), ("nginx µs", "nginx_cpu"), ("mail µs via nginx", "mail_nginx"),
        ("gateway µs", "gateway_cpu"), ("mail µs via gateway", "mail_gateway"), ("key-service µs via gateway", "keys_gateway")]
print("\nGET /api/mail/quota — CPU microseconds per request of each process on the path, per round")
print("round " + " ".join(f"{label:>14}" for label, _ in cols))
for i, row in enumerate(rows, 1):
    print(f"{i:>5} " + " ".join(f"{row[key]:>14.0f}" for _, key in cols))
median = {key: statistics.median(row[key] for row in rows) for _, key in cols}
print("  med " + " ".join(f"{median[key]:>14.0f}" for _, key in cols))
print(f"\ngateway CPU / nginx CPU per request      = {median['gateway_cpu'] / median['nginx_cpu']:.2f}   (goal <= 2.5)")
print(f"mail-service CPU via gateway / direct    = {median['mail_gateway'] / median['mail_direct']:.2f}   (goal <= 1.1)")
print(f"mail-service CPU via nginx / direct      = {median['mail_nginx'] / median['mail_direct']:.2f}")
print(f"throughput via gateway / direct          = {100 * median['gateway'] / median['direct']:.0f} %   via nginx: {100 * median['nginx'] / median['direct']:.0f} %")
PY
echo "Full output: $OUT/"
