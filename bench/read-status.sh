#!/usr/bin/env bash
# Times reading /var/lib/dpkg/status through Drydock's file-system view against reading every
# layer byte once (gzip-decompressing each layer to nowhere, in the same process kind), on the
# image of bench/unpack-vs-umoci.sh, with hyperfine. `gzip -dc` of the layer is shown as a
# reference point from outside .NET.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${DRYDOCK_BENCH_DIR:-/tmp/drydock-bench}"
runs="${DRYDOCK_BENCH_RUNS:-5}"
source "$root/bench/bench-image.sh"

prepare_image "$work"
layer="$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["layers"][0]["digest"].split(":")[1])' \
  "$work/layout/blobs/sha256/$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"].split(":")[1])' "$work/layout/index.json")")"

hyperfine --warmup 1 --runs "$runs" --export-json "$work/read-status.json" \
  --command-name "read /var/lib/dpkg/status" "$harness read-status '$work/layout' bench" \
  --command-name "read every layer byte" "$harness read-layers '$work/layout' bench" \
  --command-name "gzip -dc layer" "gzip -dc < '$work/layout/blobs/sha256/$layer' > /dev/null"

python3 - "$work/read-status.json" <<'PY'
import json, sys
results = {r["command"]: r["mean"] for r in json.load(open(sys.argv[1]))["results"]}
status, layers = results["read /var/lib/dpkg/status"], results["read every layer byte"]
print(f"reading the status file takes {status / layers:.2f}x the time to read every layer byte once")
PY
