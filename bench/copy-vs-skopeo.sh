#!/usr/bin/env bash
# Compares `drydock copy` with `skopeo copy` on the same image and the same loopback
# registry (Debian's docker-registry), whole commands timed by hyperfine:
#   pull:     registry -> OCI layout directory
#   push:     OCI layout directory -> registry (a new repository each run)
#   registry: registry -> registry (a new repository each run)
# Drydock runs with a cold blob cache (removed before each run), and skopeo without its
# blob-info cache (also removed), which would otherwise let it mount blobs pushed by an
# earlier run instead of uploading them. In the registry case both tools mount the blobs
# from the source repository of the same registry instead of sending them.
# Prints mean times and the drydock/skopeo ratio for each case.
#
# Needs: docker-registry, skopeo, umoci, python3, hyperfine (apt-get install hyperfine);
# mmdebstrap as well unless BENCH_ROOTFS_TAR names a root file system tar.
# Environment:
#   BENCH_ROOTFS_TAR  a root file system tar to use as the image's one layer; default:
#                     build `mmdebstrap --variant=minbase --include=python3,perl,curl bookworm`
#   BENCH_RUNS        runs per command (default 5)
#   DRYDOCK           the drydock command (default: the program that ./drydock of this
#                     checkout builds, run with `dotnet` directly, so that the launcher's
#                     staleness check is not timed)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
drydock="${DRYDOCK:-}"
runs="${BENCH_RUNS:-5}"
work="$(mktemp -d /tmp/drydock-bench-XXXXXX)"
registry_pid=""

cleanup() {
  if [[ -n "$registry_pid" ]]; then kill "$registry_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

for tool in docker-registry skopeo umoci python3 hyperfine; do
  if ! command -v "$tool" >/dev/null; then
    echo "copy-vs-skopeo: '$tool' not found; install it with apt-get install $tool" >&2
    exit 1
  fi
done

rootfs="${BENCH_ROOTFS_TAR:-}"
if [[ -z "$rootfs" ]]; then
  rootfs="$work/rootfs.tar"
  echo "copy-vs-skopeo: building bookworm with mmdebstrap (takes minutes)" >&2
  mmdebstrap --quiet --variant=minbase --include=python3,perl,curl bookworm "$rootfs"
fi

echo "copy-vs-skopeo: making an OCI image of $(du -h "$rootfs" | cut -f1) with umoci" >&2
umoci init --layout "$work/layout"
umoci new --image "$work/layout:bench"
umoci raw add-layer --image "$work/layout:bench" "$rootfs"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
host="127.0.0.1:$port"
cat >"$work/registry.yml" <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/storage
http:
  addr: $host
  secret: benchmark
YAML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 100); do
  if python3 -c "import urllib.request; urllib.request.urlopen('http://$host/v2/')" 2>/dev/null; then break; fi
  sleep 0.1
done

skopeo="skopeo --insecure-policy"
$skopeo copy --quiet --dest-tls-verify=false "oci:$work/layout:bench" "docker://$host/seed:v1"
if [[ -z "$drydock" ]]; then
  "$root/drydock" --help >/dev/null # builds the program outside the measurement
  drydock="dotnet $root/artifacts/cli/drydock.dll"
fi

# A new repository per run, so that no blob is already present at the destination.
unique='$(date +%s%N)'
cache="$work/cache"
skopeo_cache="/var/lib/containers/cache/blob-info-cache-v1.boltdb"
if [[ $(id -u) -ne 0 ]]; then
  skopeo_cache="${XDG_DATA_HOME:-$HOME/.local/share}/containers/cache/blob-info-cache-v1.boltdb"
fi
cases=(
  "pull|rm -rf $work/pull $cache $skopeo_cache|$drydock copy --cache-dir $cache docker://$host/seed:v1 oci:$work/pull:v1|$skopeo copy --quiet --src-tls-verify=false docker://$host/seed:v1 oci:$work/pull:v1"
  "push|rm -rf $cache $skopeo_cache|$drydock copy --cache-dir $cache oci:$work/layout:bench docker://$host/push-$unique:v1|$skopeo copy --quiet --dest-tls-verify=false oci:$work/layout:bench docker://$host/push-$unique:v1"
  "registry|rm -rf $cache $skopeo_cache|$drydock copy --cache-dir $cache docker://$host/seed:v1 docker://$host/copy-$unique:v1|$skopeo copy --quiet --src-tls-verify=false --dest-tls-verify=false docker://$host/seed:v1 docker://$host/copy-$unique:v1"
)

printf '%-9s %12s %12s %8s\n' case drydock_s skopeo_s ratio
for entry in "${cases[@]}"; do
  IFS='|' read -r name prepare ours theirs <<<"$entry"
  if ! (eval "$prepare" && eval "$ours") >"$work/probe.log" 2>&1; then
    printf '%-9s skipped: drydock failed: %s\n' "$name" "$(tail -n 1 "$work/probe.log")"
    continue
  fi
  hyperfine --style none --runs "$runs" --warmup 1 --prepare "$prepare" \
    --export-json "$work/$name.json" -n drydock "$ours" -n skopeo "$theirs" >"$work/$name.log" 2>&1
  python3 - "$work/$name.json" "$name" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
ours, theirs = results["drydock"]["mean"], results["skopeo"]["mean"]
print(f"{sys.argv[2]:<9} {ours:12.3f} {theirs:12.3f} {ours / theirs:8.2f}")
PY
done
