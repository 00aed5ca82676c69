#!/usr/bin/env bash
# audit-service benchmark against the running local stack (./sealpost up), with wrk
# (apt-get install wrk). Prints a table a person can read; nothing here is a test assertion.
#   audit-service/benchmark.sh [EVENTS] [SECONDS]     default 200,000 events, 20 s query runs
# Goals (issue 6): sustained ingestion >= 20,000 events/s and >= 50 % of the raw limit measured in the
# same run (the lower of Kafka's own consumer performance tool and a raw batched PostgreSQL insert of
# the same rows); a user's own-log query p99 < 20 ms with 10,000 of their events among 10 million.
# The first run seeds 10 million events (a few minutes; kept for later runs).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
EVENTS=${1:-200000}
SECONDS_PER_RUN=${2:-20}
MODULE=audit-service
# shellcheck source=../deploy/local/load-bench.sh
source deploy/local/load-bench.sh
AUDIT="http://127.0.0.1:$AUDIT_SERVICE_PORT"
curl -fsS "http://127.0.0.1:${AUDIT_SERVICE_MANAGEMENT_PORT:-9083}/q/health/ready" >/dev/null || { echo "audit-service is not ready at $AUDIT" >&2; exit 1; }
JDBC="jdbc:postgresql://127.0.0.1:$PG_PORT/sealpost_audit"
KAFKA_LIBS="$HOME_DIR/dist/kafka/libs/*"
load() { java -cp "$CP" dev.sealpost.audit.bench.AuditLoad "$@"; }

echo "1/4 audit-service: $EVENTS events produced, then stored (rows counted every 100 ms) ..."
load ingest "127.0.0.1:$KAFKA_PORT" "$JDBC" sealpost_audit "$DB_PASSWORD_audit_service" 20000 >/dev/null # warm-up
echo "2/4 Kafka's own consumer performance tool reads $EVENTS events of the topic (a fresh group, from the start) ..."
load ingest "127.0.0.1:$KAFKA_PORT" "$JDBC" sealpost_audit "$DB_PASSWORD_audit_service" "$EVENTS" > "$OUT/ingest.txt"
# the consumer tool reads the same events back now that they exist (from the start of the topic, a fresh group)
java -cp "$KAFKA_LIBS" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "127.0.0.1:$KAFKA_PORT" \
  --topic security-events --messages "$EVENTS" --group "perf-$(date +%s)" 2>/dev/null > "$OUT/kafka-consumer.txt"
echo "3/4 raw SQL: the same rows in JDBC batches of 500, one connection ..."
load rawsql "$JDBC" sealpost_audit "$DB_PASSWORD_audit_service" "$EVENTS" > "$OUT/rawsql.txt"
echo "4/4 own-log query: seeding 10,000,000 events (10,000 of the reader's) if not there yet, then wrk ..."
load seed "http://127.0.0.1:$KEY_SERVICE_PORT" "http://localhost:$KEYCLOAK_PORT/realms/consumer" "$GATEWAY_CLIENT_SECRET" "$OUT" \
  "$JDBC" sealpost_audit "$DB_PASSWORD_audit_service" 10000000 10000 > "$OUT/seed.txt"
BENCH_READER=$(cat "$OUT/reader.passport")
export BENCH_READER
wrk_run mine2 mine.lua 2 "$AUDIT"
wrk_run mine4 mine.lua 4 "$AUDIT"

read -r _ INGEST INGEST_SECONDS INGEST_ROWS PRODUCE < "$OUT/ingest.txt"
read -r _ RAW _ < "$OUT/rawsql.txt"
# ConsumerPerformance prints: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, ...
KAFKA=$(awk -F', *' 'NF > 5 && $6 ~ /^[0-9.]+$/ {print $6}' "$OUT/kafka-consumer.txt" | tail -1)
read -r _ SEEDED MINE < "$OUT/seed.txt"
echo
printf '%-58s %14s %10s %10s\n' "benchmark" "per second" "p50" "p99"
printf '%-58s %14.0f\n' "producing the events (for reference)" "$PRODUCE"
printf '%-58s %14.0f   (%s rows in %s s)\n' "audit-service ingestion, Kafka -> PostgreSQL (sustained)" "$INGEST" "$INGEST_ROWS" "$INGEST_SECONDS"
printf '%-58s %14.0f\n' "Kafka consumer performance tool, same events" "${KAFKA:-0}"
printf '%-58s %14.0f\n' "raw batched INSERT of the same rows (JDBC, batches of 500)" "$RAW"
for run in mine2 mine4; do
  printf '%-58s %14s %10s %10s  %s\n' "own log, 50 of $MINE among $SEEDED (wrk -c${run#mine})" "$(wrk_rate $run)" \
    "$(wrk_percentile $run 50%)" "$(wrk_percentile $run 99%)" "$(wrk_errors $run)"
done
awk -v i="$INGEST" -v k="${KAFKA:-0}" -v r="$RAW" 'BEGIN { l = (k > 0 && k < r) ? k : r;
  printf "\ningestion / raw limit (the lower of Kafka tool and raw SQL) = %.0f %%\n", 100 * i / l }'
echo "Full output: $OUT/"
