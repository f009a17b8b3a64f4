#!/usr/bin/env bash
# bench/compare-embeddings.sh PARQUET_DIR TEXT_COLUMN THREADS: checks spark-embed output against the single-machine
# encoder and times the latter (same JVM options as bin/graft with graft-spark built).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
opts=(-XX:+IgnoreUnrecognizedVMOptions -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true)
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opts+=("--add-opens=java.base/$p=ALL-UNNAMED")
done
export GRAFT_HOME="${GRAFT_HOME:-$HOME/.cache/graft}"
exec java -Xmx3g "${opts[@]}" -cp "$root/graft-spark/target/graft-spark.jar:$root/graft-spark/target/lib/*" \
  "$root/graft-spark/bench/CompareEmbeddings.java" "$@"
