#!/usr/bin/env bash
# Signature algorithms for passports, measured: JMH throughput (operations per second, higher is better).
#   libs/passport/benchmark.sh [REGEX]     about 2 minutes on 2 cores
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
./mvnw -B -q -pl libs/passport -am test-compile
./mvnw -B -q -pl libs/passport dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/benchmark.classpath
CP="libs/passport/target/test-classes:libs/passport/target/classes:$(cat libs/passport/target/benchmark.classpath)"
java -cp "$CP" org.openjdk.jmh.Main -rf text -rff libs/passport/target/jmh-result.txt "${1:-SignatureAlgorithmBenchmark}"
