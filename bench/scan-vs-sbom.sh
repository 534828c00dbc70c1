#!/usr/bin/env bash
# Times a whole `drydock scan` against `drydock sbom` of the same ~200 MB bookworm image (the
# image of bench/sbom-vs-trivy.sh: mmdebstrap minbase with python3, perl, curl and
# ca-certificates, one layer in an OCI layout). The scan reads the same layers and then
# matches the packages against a store imported from the Debian OSV export. The goal is a
# scan within 1.2 times the SBOM time.
# Needs: root, mmdebstrap, umoci, hyperfine, and the export (default: the data set's copy).
# Usage: bench/scan-vs-sbom.sh [RUNS [DEBIAN-OSV.tar.gz]]
set -euo pipefail

runs="${1:-5}"
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
export_file="${2:-$root/../shared/data/debian-osv/debian-osv-20250212.tar.gz}"
work="${HOME}/.cache/drydock-tests/bench"
database="$work/scan-bench.db"
source "$root/bench/bench-image.sh"

prepare_umoci_image "$work"

# Build once outside the timing; the launcher would otherwise check sources on every run.
"$root/drydock" --help >/dev/null
drydock=(dotnet "$root/artifacts/cli/drydock.dll")
if [[ ! -f "$database" ]]; then
  "${drydock[@]}" db import --db "$database" "$export_file" >&2
fi

"${drydock[@]}" scan --db "$database" "oci:$layout:bench" --format json \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); print("packages:", d["packages"], "findings:", len(d["findings"]))' >&2

hyperfine --warmup 1 --runs "$runs" --export-markdown "$work/scan-vs-sbom.md" \
  -n "drydock sbom" "${drydock[*]} sbom oci:$layout:bench --format json >/dev/null" \
  -n "drydock scan" "${drydock[*]} scan --db $database oci:$layout:bench --format json >/dev/null"
cat "$work/scan-vs-sbom.md"
