#!/usr/bin/env bash
# key-service load benchmark against the running local stack (./sealpost up), with wrk
# (apt-get install wrk). Prints a table a person can read; nothing here is a test assertion.
#   key-service/benchmark.sh [SECONDS]      default 20 s per run
# Goals (issue 4): lookup with proof >= 5,000 requests/s with p99 < 10 ms, direct to key-service;
# passport issuance >= 10x Keycloak's client_credentials token rate, same run, same machine.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SECONDS_PER_RUN=${1:-20}
MODULE=key-service
# shellcheck source=../deploy/local/load-bench.sh
source deploy/local/load-bench.sh
KEYS="http://127.0.0.1:$KEY_SERVICE_PORT"
ISSUER="http://localhost:$KEYCLOAK_PORT/realms/consumer"
curl -fsS "http://127.0.0.1:${KEY_SERVICE_MANAGEMENT_PORT:-9081}/q/health/ready" >/dev/null || { echo "key-service is not ready at $KEYS" >&2; exit 1; }

ADDRESSES=200
echo "Publishing bundles for $ADDRESSES addresses ..."
BENCH_PASSPORT=$(java -cp "$CP" dev.sealpost.keys.bench.LoadSetup "$KEYS" "$ISSUER" "$GATEWAY_CLIENT_SECRET" "$ADDRESSES")
export BENCH_PASSPORT BENCH_ADDRESSES=$ADDRESSES BENCH_ISSUER=$ISSUER BENCH_GATEWAY_SECRET=$GATEWAY_CLIENT_SECRET
BENCH_GATEWAY_BASIC=$(printf 'sealpost-gateway:%s' "$GATEWAY_CLIENT_SECRET" | base64 -w0)
export BENCH_GATEWAY_BASIC BENCH_TOKEN_PATH=/realms/consumer/protocol/openid-connect/token
curl -fsS -o /dev/null -d "grant_type=client_credentials&client_id=sealpost-gateway&client_secret=$GATEWAY_CLIENT_SECRET" \
  "http://127.0.0.1:$KEYCLOAK_PORT$BENCH_TOKEN_PATH" \
  || { echo "Keycloak refused client_credentials for sealpost-gateway (realm imported before service accounts were enabled? ./sealpost down, delete $HOME_DIR, up)" >&2; exit 1; }

echo "Running (2 wrk threads on the same 2-core machine as the services) ..."
wrk_run lookup lookup.lua 16 "$KEYS"
wrk_run passport passport.lua 32 "$KEYS"
wrk_run client-credentials client-credentials.lua 32 "http://127.0.0.1:$KEYCLOAK_PORT"

echo
printf '%-36s %12s %10s %10s %10s  %s\n' "benchmark" "requests/s" "p50" "p99" "max" "errors"
for name in lookup passport client-credentials; do
  printf '%-36s %12s %10s %10s %10s  %s\n' "$name" "$(wrk_rate $name)" "$(wrk_percentile $name 50%)" "$(wrk_percentile $name 99%)" \
    "$(awk '/Latency/ && !/Distribution/ {print $4; exit}' "$OUT/$name.txt")" "$(wrk_errors $name)"
done
awk -v p="$(wrk_rate passport)" -v k="$(wrk_rate client-credentials)" 'BEGIN { printf "\npassport issuance / Keycloak client_credentials = %.1fx\n", p / k }'
echo "Full wrk output: $OUT/"
