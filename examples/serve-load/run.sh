#!/usr/bin/env bash
# Load test of `graft serve` on loopback: micro-batching (the default: no wait; then a 5 ms window) against batch size 1,
# CLIENTS clients for SECONDS each,
# then a client killed mid-request, after which the server must still answer.
#   examples/serve-load/run.sh MODEL_DIR TEXTS.txt [CLIENTS] [SECONDS]
# TEXTS.txt: one text per line (e.g. the text column of a test set). Run from the repository root after building.
set -euo pipefail
model=$1; texts=$2; clients=${3:-16}; seconds=${4:-20}; port=${PORT:-18080}
here=$(cd "$(dirname "$0")" && pwd)
for setting in "--max-batch-size 32" "--max-batch-size 32 --max-delay-ms 5" "--max-batch-size 1"; do
  bin/graft serve --model "$model" --port "$port" $setting 2>/tmp/graft-serve-load.err &
  launcher=$!
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/v1/health" >/dev/null && break; sleep 1; done
  pid=$launcher   # bin/graft execs java
  curl -sf -H 'Content-Type: application/json' -d '{"text": "warm up"}' "http://127.0.0.1:$port/v1/predict" >/dev/null
  echo "setting: $setting"
  java "$here/ServeLoad.java" "http://127.0.0.1:$port" "$clients" "$seconds" "$texts" "$pid"
  if [[ "$setting" == "--max-batch-size 32" ]]; then
    # a client killed mid-request: it sends a 1 MB body at 20 kB/s and is killed (SIGKILL) after 2 s
    head -c 1000000 /dev/zero | tr '\0' 'a' > /tmp/graft-serve-load.body
    curl -s --limit-rate 20k -H 'Content-Type: application/json' --data-binary @/tmp/graft-serve-load.body \
        "http://127.0.0.1:$port/v1/predict" >/dev/null &
    victim=$!
    sleep 2; kill -9 "$victim"; wait "$victim" 2>/dev/null || true
    echo "after killing a client mid-request:"
    curl -s -w ' (HTTP %{http_code})\n' -H 'Content-Type: application/json' -d '{"text": "still serving?"}' \
        "http://127.0.0.1:$port/v1/predict"
    curl -s "http://127.0.0.1:$port/metrics" | grep -E '^graft_(requests_total|batch_size_count|batch_size_sum|inflight)'
  fi
  kill -TERM "$launcher"; wait "$launcher" || true
done
