#!/usr/bin/env bash
# mail-service load benchmark against the running local stack (./sealpost up), with wrk
# (apt-get install wrk). Prints a table a person can read; nothing here is a test assertion.
#   mail-service/benchmark.sh [SECONDS]      default 20 s per run
# Goals (issue 5): sending a sealed 4 KiB message to one recipient >= 1,000/s with p99 < 50 ms,
# direct to mail-service, and >= 50 % of a raw SQL insert of the same rows in the same run;
# listing 50 messages of a 100,000-message mailbox with p99 < 20 ms.
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
MAIL="http://127.0.0.1:$MAIL_SERVICE_PORT"
KEYS="http://127.0.0.1:$KEY_SERVICE_PORT"
curl -fsS "$MAIL/q/health/ready" >/dev/null || { echo "mail-service is not ready at $MAIL" >&2; exit 1; }

./mvnw -B -q -pl mail-service -am test-compile -DskipTests
./mvnw -B -q -pl mail-service dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/benchmark.classpath
CP="mail-service/target/test-classes:mail-service/target/classes:$(cat mail-service/target/benchmark.classpath)"
OUT=mail-service/target/benchmark
mkdir -p "$OUT"
JDBC="jdbc:postgresql://127.0.0.1:$PG_PORT/sealpost_mail"
echo "Preparing: passports, mailboxes, a sealed 4 KiB message, 100,000 messages in one inbox ..."
java -cp "$CP" dev.sealpost.mail.bench.MailLoad setup "$KEYS" "$MAIL" "http://localhost:$KEYCLOAK_PORT/realms/consumer" \
  "$GATEWAY_CLIENT_SECRET" "$OUT" "$JDBC" sealpost_mail "$DB_PASSWORD_mail_service" "$(date +%s)"
BENCH_DIR=$OUT BENCH_SENDER=$(cat "$OUT/sender.passport") BENCH_READER=$(cat "$OUT/reader.passport") \
  BENCH_RECIPIENT=$(cat "$OUT/recipient.address")
export BENCH_DIR BENCH_SENDER BENCH_READER BENCH_RECIPIENT

run() { # name script connections
  echo "  $1: ${SECONDS_PER_RUN}s warm-up, then ${SECONDS_PER_RUN}s measured (wrk -t2 -c$3)"
  wrk -t2 -c"$3" -d"${SECONDS_PER_RUN}s" -s "mail-service/bench/$2" "$MAIL" >/dev/null
  wrk -t2 -c"$3" -d"${SECONDS_PER_RUN}s" --latency -s "mail-service/bench/$2" "$MAIL" > "$OUT/$1.txt"
}
echo "Running (wrk and the raw-SQL client share the machine's cores with every service) ..."
run send send.lua 16
run list list.lua 8
echo "  raw SQL, the same rows per message, 16 connections: $((SECONDS_PER_RUN / 2))s warm-up, ${SECONDS_PER_RUN}s measured"
java -cp "$CP" dev.sealpost.mail.bench.MailLoad rawsql "$JDBC" sealpost_mail "$DB_PASSWORD_mail_service" "$OUT/message.spen" \
  "$SECONDS_PER_RUN" 16 > "$OUT/rawsql.txt"

rate() { awk '/Requests\/sec/ {print $2}' "$OUT/$1.txt"; }
pct() { awk -v p="$2" '$1 == p {print $2}' "$OUT/$1.txt"; }
errors() { awk '/Non-2xx|Socket errors/ {print}' "$OUT/$1.txt" | tr '\n' ' '; }
echo
printf '%-44s %12s %10s %10s  %s\n' "benchmark" "per second" "p50" "p99" "errors"
printf '%-44s %12s %10s %10s  %s\n' "send 4 KiB sealed message, 1 recipient" "$(rate send)" "$(pct send 50%)" "$(pct send 99%)" "$(errors send)"
printf '%-44s %12s %10s %10s  %s\n' "list 50 of a 100,000-message inbox" "$(rate list)" "$(pct list 50%)" "$(pct list 99%)" "$(errors list)"
read -r _ RAW P50 P99 < "$OUT/rawsql.txt"
printf '%-44s %12s %10s %10s\n' "raw SQL insert of the same rows (JDBC)" "$RAW" "${P50}ms" "${P99}ms"
awk -v s="$(rate send)" -v r="$RAW" 'BEGIN { printf "\nsend / raw SQL = %.0f %%\n", 100 * s / r }'
echo "Full output: $OUT/"
