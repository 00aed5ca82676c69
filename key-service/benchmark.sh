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
HOME_DIR=${SEALPOST_HOME:-$ROOT/.sealpost}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
[[ -f $HOME_DIR/run/ports.env && -f $HOME_DIR/secrets.env ]] || { echo "start the local stack first: ./sealpost up" >&2; exit 1; }
# shellcheck disable=SC1091
source "$HOME_DIR/run/ports.env"
# shellcheck disable=SC1091
source "$HOME_DIR/secrets.env"
KEYS="http://127.0.0.1:$KEY_SERVICE_PORT"
ISSUER="http://localhost:$KEYCLOAK_PORT/realms/consumer"
curl -fsS "$KEYS/q/health/ready" >/dev/null || { echo "key-service is not ready at $KEYS" >&2; exit 1; }

./mvnw -B -q -pl key-service -am test-compile -DskipTests
./mvnw -B -q -pl key-service dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/benchmark.classpath
CP="key-service/target/test-classes:key-service/target/classes:$(cat key-service/target/benchmark.classpath)"
ADDRESSES=200
echo "Publishing bundles for $ADDRESSES addresses ..."
BENCH_PASSPORT=$(java -cp "$CP" dev.sealpost.keys.bench.LoadSetup "$KEYS" "$ISSUER" "$GATEWAY_CLIENT_SECRET" "$ADDRESSES")
export BENCH_PASSPORT BENCH_ADDRESSES=$ADDRESSES BENCH_ISSUER=$ISSUER BENCH_GATEWAY_SECRET=$GATEWAY_CLIENT_SECRET
BENCH_GATEWAY_BASIC=$(printf 'sealpost-gateway:%s' "$GATEWAY_CLIENT_SECRET" | base64 -w0)
export BENCH_GATEWAY_BASIC BENCH_TOKEN_PATH=/realms/consumer/protocol/openid-connect/token
curl -fsS -o /dev/null -d "grant_type=client_credentials&client_id=sealpost-gateway&client_secret=$GATEWAY_CLIENT_SECRET" \
  "http://127.0.0.1:$KEYCLOAK_PORT$BENCH_TOKEN_PATH" \
  || { echo "Keycloak refused client_credentials for sealpost-gateway (realm imported before service accounts were enabled? ./sealpost down, delete $HOME_DIR, up)" >&2; exit 1; }

OUT=key-service/target/benchmark
mkdir -p "$OUT"
run() { # name url script connections
  echo "  $1: ${SECONDS_PER_RUN}s warm-up, then ${SECONDS_PER_RUN}s measured (wrk -t2 -c$4)"
  wrk -t2 -c"$4" -d"${SECONDS_PER_RUN}s" -s "key-service/bench/$3" "$2" >/dev/null
  wrk -t2 -c"$4" -d"${SECONDS_PER_RUN}s" --latency -s "key-service/bench/$3" "$2" > "$OUT/$1.txt"
}
echo "Running (2 wrk threads on the same 2-core machine as the services) ..."
run lookup "$KEYS" lookup.lua 16
run passport "$KEYS" passport.lua 32
run client-credentials "http://127.0.0.1:$KEYCLOAK_PORT" client-credentials.lua 32

rate() { awk '/Requests\/sec/ {print $2}' "$OUT/$1.txt"; }
pct() { awk -v p="$2" '$1 == p {print $2}' "$OUT/$1.txt"; }
errors() { awk '/Non-2xx|Socket errors/ {print}' "$OUT/$1.txt" | tr '\n' ' '; }
echo
printf '%-36s %12s %10s %10s %10s  %s\n' "benchmark" "requests/s" "p50" "p99" "max" "errors"
for name in lookup passport client-credentials; do
  printf '%-36s %12s %10s %10s %10s  %s\n' "$name" "$(rate $name)" "$(pct $name 50%)" "$(pct $name 99%)" \
    "$(awk '/Latency/ && !/Distribution/ {print $4; exit}' "$OUT/$name.txt")" "$(errors $name)"
done
awk -v p="$(rate passport)" -v k="$(rate client-credentials)" 'BEGIN { printf "\npassport issuance / Keycloak client_credentials = %.1fx\n", p / k }'
echo "Full wrk output: $OUT/"
