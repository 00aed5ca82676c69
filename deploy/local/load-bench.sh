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

# cpu_snapshot FILE: CPU ticks used so far by each process of the stack (with its children, e.g.
# PostgreSQL's backends; EXTRA_CPU_ROOTS="PID=name,..." adds processes) and by the whole machine. cpu_report BEFORE AFTER: the cores each used in
# between, so that a latency figure comes with how much of the machine was left over.
cpu_snapshot() {
  local roots="${EXTRA_CPU_ROOTS:-}" pidfile
  for pidfile in "$HOME_DIR"/run/*.pid; do
    roots+="$(cat "$pidfile")=$(basename "$pidfile" .pid),"
  done
  {
    # /proc/stat: user nice system idle iowait irq softirq steal (taken by the hypervisor: not ours)
    awk '$1 == "cpu" {busy = $2 + $3 + $4 + $7 + $8; print "machine-busy", busy; print "machine-total", busy + $5 + $6 + $9}' /proc/stat
    # /proc/PID/stat: the pid, then after the command's closing parenthesis: state, ppid, ... utime (12th), stime (13th).
    # Read through cat, which goes on past a process that ended after the glob listed it (awk would stop there).
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v roots="$roots" '
      { line = $0; pid = $1; sub(/^.*\) /, "", line); split(line, f, " ")
        parent[pid] = f[2]; ticks[pid] = f[12] + f[13] }
      END { n = split(roots, r, ","); for (i = 1; i <= n; i++) if (r[i] != "") { split(r[i], kv, "="); name[kv[1]] = kv[2] }
            for (pid in ticks) { p = pid
              for (depth = 0; depth < 4 && !(p in name) && (p in parent); depth++) p = parent[p]
              if (p in name) used[name[p]] += ticks[pid] }
            for (n2 in used) print n2, used[n2] }'
  } > "$1"
}
cpu_report() {
  awk -v cores="$(nproc)" 'FNR == NR { before[$1] = $2; next } { used[$1] = $2 - before[$1] }
       END { tick = used["machine-total"] / cores   # the ticks one core had in the interval
             stack = 0
             for (k in used) if (k !~ /^machine-/) { stack += used[k]; printf "    %-16s %5.2f\n", k, used[k] / tick | "sort -k2 -nr" }
             close("sort -k2 -nr")
             printf "    %-16s %5.2f  (the load generator, the kernel, anything else)\n", "the rest", (used["machine-busy"] - stack) / tick
             printf "    %-16s %5.2f of %d cores\n", "machine busy", used["machine-busy"] / tick, cores }' "$1" "$2"
}
