#!/usr/bin/env bash
# Times `drydock unpack` against `umoci unpack` on the same bookworm image (mmdebstrap minbase
# plus python3, perl and curl: one gzip layer, about 230 MB uncompressed), with hyperfine
# (apt-get install hyperfine). Run as root: mmdebstrap builds the root file system and umoci
# unpacks with owners, as drydock does as root. Results go to stdout and $work/unpack.json.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${DRYDOCK_BENCH_DIR:-/tmp/drydock-bench}"
runs="${DRYDOCK_BENCH_RUNS:-5}"
source "$root/bench/bench-image.sh"

prepare_image "$work"

hyperfine --warmup 1 --runs "$runs" --export-json "$work/unpack.json" \
  --prepare "rm -rf '$work/out-drydock' '$work/out-umoci'" \
  --command-name "drydock unpack" "'$root/drydock' unpack 'oci:$work/layout:bench' '$work/out-drydock'" \
  --command-name "umoci unpack" "umoci unpack --image '$work/layout:bench' '$work/out-umoci'"
rm -rf "$work/out-drydock" "$work/out-umoci"

python3 - "$work/unpack.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
drydock, umoci = results["drydock unpack"]["mean"], results["umoci unpack"]["mean"]
print(f"drydock unpack {drydock:.2f} s, umoci unpack {umoci:.2f} s: drydock is {umoci / drydock:.1f}x faster")
PY
