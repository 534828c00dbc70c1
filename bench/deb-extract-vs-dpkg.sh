#!/usr/bin/env bash
# Times extracting a ~10 MB .deb (libicu72 from the configured apt archive) with Drydock and
# with `dpkg-deb -x`, whole process each, on one core. Needs apt-get, dpkg-deb and hyperfine.
# Usage: bench/deb-extract-vs-dpkg.sh [PACKAGE]   (RUNS=N and BENCH_CPU=N tune the run)
set -euo pipefail

package=${1:-libicu72}
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${DRYDOCK_TEST_DEB_CACHE:-$HOME/.cache/drydock-tests/debs}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$cache"
if ! compgen -G "$cache/${package}_*.deb" >/dev/null; then
  (cd "$cache" && apt-get download -q -o APT::Sandbox::User=root "$package")
fi
deb=$(ls "$cache/${package}_"*.deb | tail -n 1)

dotnet build -c Release "$root/bench/Drydock.Benchmarks" >/dev/null
drydock="$root/bench/Drydock.Benchmarks/bin/Release/net10.0/Drydock.Benchmarks"

echo "package: $deb ($(stat -c %s "$deb") bytes)" >&2
taskset -c "${BENCH_CPU:-1}" hyperfine --warmup 1 --runs "${RUNS:-5}" \
  --prepare "rm -rf '$work/out' && mkdir -p '$work/out'" \
  -n 'dpkg-deb -x' "dpkg-deb -x '$deb' '$work/out'" \
  --prepare "rm -rf '$work/out'" \
  -n 'drydock (DebExtractor)' "'$drydock' extract-deb '$deb' '$work/out'"
