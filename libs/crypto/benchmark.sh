#!/usr/bin/env bash
# Runs the JMH benchmarks of libs/crypto and the cold-process seal; prints tables a person can read.
#   libs/crypto/benchmark.sh            everything (about 4 minutes on 2 cores)
#   libs/crypto/benchmark.sh REGEX      only the JMH benchmarks matching REGEX
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
./mvnw -B -q -pl libs/crypto test-compile
./mvnw -B -q -pl libs/crypto dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/benchmark.classpath
CP="libs/crypto/target/test-classes:libs/crypto/target/classes:$(cat libs/crypto/target/benchmark.classpath)"
java -cp "$CP" org.openjdk.jmh.Main -rf text -rff libs/crypto/target/jmh-result.txt "${1:-EnvelopeBenchmark}"
if [[ -z ${1:-} ]]; then
  echo
  echo "Cold process (a CLI invocation), 25 MiB attachment, by segment size:"
  for segment in 16384 65536 262144 1048576; do
    java -cp "$CP" dev.sealpost.crypto.ColdSeal 25 "$segment"
  done
fi
