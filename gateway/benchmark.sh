#!/usr/bin/env bash
# gateway overhead benchmark against the running local stack, with wrk (apt-get install wrk).
# Prints a table a person can read; nothing here is a test assertion.
#   gateway/benchmark.sh [SECONDS] [CONNECTIONS]      default 20 s per run, 8 connections
# The stack's rate limits must be out of the way for a load test:
#   SEALPOST_RATE_LIMIT_PER_IP=100000000 SEALPOST_RATE_LIMIT_PER_USER=100000000 ./sealpost up
# Goal (issue 7): for a small GET, throughput through the gateway >= 80 % of the same request sent
# directly to the service in the same run, and < 5 ms added p99 latency.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SECONDS_PER_RUN=${1:-20}
CONNECTIONS=${2:-8}
MODULE=gateway
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

echo "Running (wrk and every service share the machine's cores) ..."
BENCH_AUTH=$PASSPORT wrk_run direct get.lua "$CONNECTIONS" "$MAIL"
BENCH_AUTH=$TOKEN wrk_run gateway get.lua "$CONNECTIONS" "$GATEWAY"
RUNS=(direct gateway)
# A reference, if nginx is installed (apt-get install nginx-light): the direct request (passport) through
# nginx as a bare reverse proxy to mail-service — no token check, no limits, no events, keep-alive to the
# service, one worker process — to show what putting any proxy in between costs on this machine.
if command -v nginx >/dev/null; then
  NGINX_PORT=${SEALPOST_BENCH_NGINX_PORT:-18480}
  NGINX_DIR=$ROOT/$OUT/nginx
  if (exec 3<>"/dev/tcp/127.0.0.1/$NGINX_PORT") 2>/dev/null; then
    echo "port $NGINX_PORT is taken; set SEALPOST_BENCH_NGINX_PORT to a free one" >&2
    exit 1
  fi
  mkdir -p "$NGINX_DIR/tmp"
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
  trap 'kill "$NGINX_PID" 2>/dev/null || true' EXIT
  for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$NGINX_PORT") 2>/dev/null && break
    kill -0 "$NGINX_PID" 2>/dev/null || { echo "nginx did not start, see $NGINX_DIR/error.log" >&2; exit 1; }
    sleep 0.1
  done
  BENCH_AUTH=$PASSPORT wrk_run nginx get.lua "$CONNECTIONS" "http://127.0.0.1:$NGINX_PORT"
  kill "$NGINX_PID"
  wait "$NGINX_PID" || true
  trap - EXIT
  RUNS+=(nginx)
else
  echo "  (nginx is not installed: no reference row for a bare proxy; apt-get install nginx-light)"
fi
for run in "${RUNS[@]}"; do
  if grep -q 'Non-2xx' "$OUT/$run.txt"; then
    echo "the $run run had non-2xx answers (rate limits not raised?): $(wrk_errors "$run")" >&2
    exit 1
  fi
done

echo
printf '%-44s %12s %10s %10s  %s\n' "GET /api/mail/quota ($CONNECTIONS connections)" "per second" "p50" "p99" "errors"
printf '%-44s %12s %10s %10s  %s\n' "direct to mail-service (passport)" "$(wrk_rate direct)" "$(wrk_percentile direct 50%)" "$(wrk_percentile direct 99%)" "$(wrk_errors direct)"
printf '%-44s %12s %10s %10s  %s\n' "through the gateway (Keycloak token)" "$(wrk_rate gateway)" "$(wrk_percentile gateway 50%)" "$(wrk_percentile gateway 99%)" "$(wrk_errors gateway)"
[[ " ${RUNS[*]} " == *" nginx "* ]] && printf '%-44s %12s %10s %10s  %s\n' "  reference: through bare nginx (passport)" \
  "$(wrk_rate nginx)" "$(wrk_percentile nginx 50%)" "$(wrk_percentile nginx 99%)" "$(wrk_errors nginx)"
python3 - "$OUT" "${RUNS[@]}" <<'PY'
import re, sys
def read(name):
    text = open(f"{sys.argv[1]}/{name}.txt").read()
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)$", text, re.M).groups()
    return rate, float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
direct, gateway = read("direct"), read("gateway")
print(f"\ngateway / direct throughput = {100 * gateway[0] / direct[0]:.0f} %   added p99 = {gateway[1] - direct[1]:.2f} ms")
if "nginx" in sys.argv[2:]:
    nginx = read("nginx")
    print(f"bare nginx / direct throughput = {100 * nginx[0] / direct[0]:.0f} %   added p99 = {nginx[1] - direct[1]:.2f} ms")
PY
echo "Full output: $OUT/"
