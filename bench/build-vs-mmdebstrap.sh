#!/usr/bin/env bash
# Times `drydock build` against `mmdebstrap --variant=essential` for the packages of
# distroless's base-debian12 (base-files ca-certificates libc-bin libc6 libssl3 media-types
# netbase openssl tzdata), whole process, with hyperfine. Both read one signed file://
# repository holding every package they need, so nothing is downloaded while timed: drydock's
# .deb cache is warm and mmdebstrap copies from the local mirror. mmdebstrap writes a tar and
# drydock an OCI layout (without SBOMs, --no-sbom). Run as root. Results go to stdout and
# $work/build.json; sizes are printed at the end. mmdebstrap reads the mirror through copy://,
# because file:// paths are not reachable from inside its chroot.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${DRYDOCK_BENCH_DIR:-/tmp/drydock-bench}/build"
runs="${DRYDOCK_BENCH_RUNS:-5}"
packages=(base-files ca-certificates libc-bin libc6 libssl3 media-types netbase openssl tzdata)
mkdir -p "$work"

# The repository: the packages, their dependency closure and Debian's essential set, at the
# machine's apt candidates.
if [[ ! -d "$work/repo" ]]; then
  rm -rf "$work/repo.tmp" "$work/gnupg"
  mkdir -p "$work/repo.tmp/pool" "$work/repo.tmp/dists/bookworm/main/binary-amd64" "$work/gnupg"
  chmod 700 "$work/gnupg"
  essential=$(apt-cache dumpavail | awk -v RS= '/\nEssential: yes/ && /\nArchitecture: (amd64|all)/ {
    match($0, /Package: [^\n]+/); print substr($0, RSTART + 9, RLENGTH - 9) }' | sort -u)
  # shellcheck disable=SC2086
  closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances "${packages[@]}" $essential apt | grep -E '^[a-z0-9]' | sort -u)
  # shellcheck disable=SC2086
  (cd "$work/repo.tmp/pool" && apt-get download -q $closure > /dev/null)
  gpg --homedir "$work/gnupg" --batch --passphrase '' --quick-gen-key 'Drydock Bench' default default never
  gpg --homedir "$work/gnupg" --export > "$work/bench.gpg"
  (cd "$work/repo.tmp" && apt-ftparchive packages pool > dists/bookworm/main/binary-amd64/Packages)
  (cd "$work/repo.tmp/dists/bookworm" \
    && apt-ftparchive -o APT::FTPArchive::Release::Suite=bookworm -o APT::FTPArchive::Release::Codename=bookworm \
      -o APT::FTPArchive::Release::Components=main -o APT::FTPArchive::Release::Architectures=amd64 \
      release . > Release \
    && gpg --homedir "$work/gnupg" --batch --clearsign -o InRelease Release)
  mv "$work/repo.tmp" "$work/repo"
fi

list=$(IFS=,; echo "${packages[*]}")
cat > "$work/base.yaml" <<SPEC
release: bookworm
repositories:
  - uri: file://$work/repo/
    suites: [bookworm]
keyring: $work/bench.gpg
packages: [${list//,/, }]
exclude: [debconf, mawk, libgcc-s1]
SPEC

"$root/drydock" --help > /dev/null
"$root/drydock" lock "$work/base.yaml" --update >&2
rm -rf "$work/image"
"$root/drydock" --cache-dir "$work/cache" build "$work/base.yaml" --no-sbom --output "oci:$work/image" >&2

hyperfine --runs "$runs" --warmup 1 --export-json "$work/build.json" \
  --prepare "rm -rf '$work/image' '$work/rootfs.tar'" \
  -n "drydock build" \
  "'$root/drydock' --cache-dir '$work/cache' build '$work/base.yaml' --no-sbom --output 'oci:$work/image'" \
  -n "mmdebstrap --variant=essential" \
  "mmdebstrap --quiet --variant=essential --include='$list' bookworm '$work/rootfs.tar' \
    'deb [signed-by=$work/bench.gpg] copy://$work/repo bookworm main'"

"$root/drydock" --cache-dir "$work/cache" build "$work/base.yaml" --no-sbom --output "oci:$work/image" > /dev/null
mmdebstrap --quiet --variant=essential --include="$list" bookworm "$work/rootfs.tar" \
  "deb [signed-by=$work/bench.gpg] copy://$work/repo bookworm main"
layer=$(find "$work/image/blobs/sha256" -type f -size +100k)
echo "drydock layer: $(stat -c %s "$layer") bytes gzip, $(gzip -dc "$layer" | wc -c) bytes tar"
echo "mmdebstrap tar: $(stat -c %s "$work/rootfs.tar") bytes, $(gzip -c "$work/rootfs.tar" | wc -c) bytes gzip"
echo "packages: drydock $(grep -c '"name"' "$work/base.lock.json"), mmdebstrap" \
  "$(tar -xOf "$work/rootfs.tar" ./var/lib/dpkg/status | grep -c '^Package:')"
