# Shared by the service load benchmarks (key-service/benchmark.sh, mail-service/benchmark.sh):
# checks that wrk and the local stack are there, reads the stack's ports and secrets, and builds the
# module's test classpath into CP. Source it from the repository root with MODULE set.
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
HOME_DIR=${SEALPOST_HOME:-$PWD/.sealpost}
[[ -f $HOME_DIR/run/ports.env && -f $HOME_DIR/secrets.env ]] || { echo "start the local stack first: ./sealpost up" >&2; exit 1; }
# shellcheck disable=SC1091
source "$HOME_DIR/run/ports.env"
# shellcheck disable=SC1091
source "$HOME_DIR/secrets.env"
./mvnw -B -q -pl "$MODULE" -am test-compile -DskipTests
./mvnw -B -q -pl "$MODULE" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/benchmark.classpath
CP="$MODULE/target/test-classes:$MODULE/target/classes:$(cat "$MODULE/target/benchmark.classpath")"
OUT=$MODULE/target/benchmark
mkdir -p "$OUT"

# wrk_run NAME SCRIPT CONNECTIONS URL: a warm-up of the same length, then a measured run with latencies
wrk_run() {
  echo "  $1: ${SECONDS_PER_RUN}s warm-up, then ${SECONDS_PER_RUN}s measured (wrk -t2 -c$3)"
  wrk -t2 -c"$3" -d"${SECONDS_PER_RUN}s" -s "$MODULE/bench/$2" "$4" >/dev/null
  wrk -t2 -c"$3" -d"${SECONDS_PER_RUN}s" --latency -s "$MODULE/bench/$2" "$4" > "$OUT/$1.txt"
}
wrk_rate() { awk '/Requests\/sec/ {print $2}' "$OUT/$1.txt"; }
wrk_percentile() { awk -v p="$2" '$1 == p {print $2}' "$OUT/$1.txt"; }
wrk_errors() { awk '/Non-2xx|Socket errors/ {print}' "$OUT/$1.txt" | tr '\n' ' '; }
