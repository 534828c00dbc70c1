#!/usr/bin/env bash
# Times `drydock patch` against what a user would script by hand for the same result:
# `umoci unpack`, `chroot apt-get install` of the same .debs, then `umoci repack`, with hyperfine.
# The image is mmdebstrap minbase bookworm (point release only) plus the packages in
# $include; a signed repository on 127.0.0.1 serves the 24 bookworm-security .debs in $debs,
# of which 23 install: perl-base is kept back because the image has perl and perl is not served.
# The packages are in drydock's cache after the warm-up run. Run as root (mmdebstrap, chroot).
# Results go to stdout and $work/patch.json.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${DRYDOCK_BENCH_DIR:-/tmp/drydock-bench}/patch"
runs="${DRYDOCK_BENCH_RUNS:-5}"
port="${DRYDOCK_BENCH_PORT:-18089}"
suite=bookworm-security
include=openssl,curl,ca-certificates,libxml2,libexpat1,tzdata,xz-utils,zstd,unzip,zip,patch,jq
include+=,libpng16-16,libarchive13
debs=(openssl=3.0.22-1~deb12u2 libssl3=3.0.22-1~deb12u2 ca-certificates=20250419~deb12u2
  libexpat1=2.5.0-1+deb12u5 perl-base=5.36.0-7+deb12u4 libpam0g=1.5.2-6+deb12u3
  libpam-modules=1.5.2-6+deb12u3 libpam-modules-bin=1.5.2-6+deb12u3 libpam-runtime=1.5.2-6+deb12u3
  zlib1g=1:1.2.13.dfsg-1+deb12u1 liblzma5=5.4.1-1+deb12u2 xz-utils=5.4.1-1+deb12u2
  libzstd1=1.5.4+dfsg2-5+deb12u1 zstd=1.5.4+dfsg2-5+deb12u1 libpcre2-8-0=10.42-1+deb12u2
  libssh2-1=1.10.0-3+deb12u1 tzdata=2026f-0+deb12u1 unzip=6.0-28+deb12u1 zip=3.0-13+deb12u1
  patch=2.7.6-7+deb12u1 jq=1.6-2.1+deb12u3 libjq1=1.6-2.1+deb12u3 libpng16-16=1.6.39-2+deb12u6
  libarchive13=3.6.2-1+deb12u5)
mkdir -p "$work"

# A different package set makes a different repository and image.
if [[ "$(cat "$work/set" 2>/dev/null)" != "$include ${debs[*]}" ]]; then
  rm -rf "$work/repo" "$work/layout" "$work/rootfs.tar"
  echo "$include ${debs[*]}" > "$work/set"
fi

if [[ ! -d "$work/repo" ]]; then
  rm -rf "$work/repo.tmp" "$work/gnupg"
  mkdir -p "$work/repo.tmp/pool" "$work/repo.tmp/dists/$suite/main/binary-amd64" "$work/gnupg"
  chmod 700 "$work/gnupg"
  (cd "$work/repo.tmp/pool" && apt-get download -q "${debs[@]}")
  gpg --homedir "$work/gnupg" --batch --passphrase '' --quick-gen-key 'Drydock Bench' default default never
  gpg --homedir "$work/gnupg" --export > "$work/bench.gpg"
  (cd "$work/repo.tmp" && apt-ftparchive packages pool > "dists/$suite/main/binary-amd64/Packages")
  (cd "$work/repo.tmp/dists/$suite" \
    && apt-ftparchive -o "APT::FTPArchive::Release::Suite=$suite" -o "APT::FTPArchive::Release::Codename=$suite" \
      -o APT::FTPArchive::Release::Components=main -o APT::FTPArchive::Release::Architectures=amd64 \
      release . > Release \
    && gpg --homedir "$work/gnupg" --batch --clearsign -o InRelease Release)
  mv "$work/repo.tmp" "$work/repo"
fi

dotnet build "$root/bench/Drydock.LayerHarness/Drydock.LayerHarness.csproj" -c Release -o "$work/harness" \
  --nologo -v quiet -clp:ErrorsOnly >&2
"$root/drydock" --help > /dev/null
if [[ ! -d "$work/layout" ]]; then
  sources="Types: deb\nURIs: http://127.0.0.1:$port/\nSuites: $suite\nComponents: main\n"
  sources+="Signed-By: /etc/apt/keyrings/bench.gpg\n"
  mmdebstrap --quiet --format=tar --variant=minbase --skip=output/dev \
    --include="$include" \
    --customize-hook="rm -f \"\$1/etc/apt/sources.list\"" \
    --customize-hook="mkdir -p \"\$1/etc/apt/keyrings\" && cp '$work/bench.gpg' \"\$1/etc/apt/keyrings/bench.gpg\"" \
    --customize-hook="printf '$sources' > \"\$1/etc/apt/sources.list.d/bench.sources\"" \
    bookworm "$work/rootfs.tar" http://deb.debian.org/debian
  dotnet "$work/harness/Drydock.LayerHarness.dll" make-image "$work/rootfs.tar" "$work/layout" base
fi

python3 -m http.server --bind 127.0.0.1 "$port" --directory "$work/repo" > /dev/null 2>&1 &
server=$!
trap 'kill "$server"' EXIT
sleep 1

manual="umoci unpack --image '$work/layout:base' '$work/bundle' > /dev/null"
manual+=" && cp '$work/repo/pool/'*.deb '$work/bundle/rootfs/tmp/'"
# drydock keeps perl-base back (perl needs the same version), so the hand-written path does too.
manual+=" && rm '$work/bundle/rootfs/tmp/'perl-base_*.deb"
# The image has no /dev (mmdebstrap --skip=output/dev), and dpkg and the scripts need /dev/null.
manual+=" && mkdir -p '$work/bundle/rootfs/dev' && mknod -m 666 '$work/bundle/rootfs/dev/null' c 1 3"
# apt-get orders the installs: a flat dpkg -i fails on libpam-modules' Pre-Depends.
manual+=" && DEBIAN_FRONTEND=noninteractive chroot '$work/bundle/rootfs'"
manual+=" sh -c 'apt-get install -y -q /tmp/*.deb > /dev/null 2>&1 && rm /tmp/*.deb'"
manual+=" && rm '$work/bundle/rootfs/dev/null'"
manual+=" && umoci repack --image '$work/layout:manual' '$work/bundle'"
hyperfine --warmup 1 --runs "$runs" --export-json "$work/patch.json" \
  --prepare "rm -rf '$work/out-drydock' '$work/bundle'" \
  --command-name "drydock patch" \
  "'$root/drydock' patch 'oci:$work/layout:base' --output 'oci:$work/out-drydock:patched' > /dev/null" \
  --command-name "unpack, apt-get install, repack" "$manual"
rm -rf "$work/out-drydock" "$work/bundle"

python3 - "$work/patch.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
drydock, manual = results["drydock patch"]["mean"], results["unpack, apt-get install, repack"]["mean"]
print(f"drydock patch {drydock:.2f} s, unpack + apt-get install + repack {manual:.2f} s: "
      f"drydock is {manual / drydock:.1f}x faster")
PY
