# Image preparation shared by the bench scripts, which source this file. prepare_image builds
# the benchmark image once into $work/layout (tag "bench") and the harness into $work/harness.
# prepare_umoci_image builds the image that the sbom and scan comparisons read.

harness=""
rootfs=""
layout=""

prepare_image() {
  local work="$1"
  mkdir -p "$work"
  dotnet build "$root/bench/Drydock.LayerHarness/Drydock.LayerHarness.csproj" -c Release -o "$work/harness" \
    --nologo -v quiet -clp:ErrorsOnly >&2
  harness="dotnet $work/harness/Drydock.LayerHarness.dll"
  "$root/drydock" --help > /dev/null

  local mirror
  mirror="$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit} /^deb / && $2 !~ /security/ {print $2; exit}' \
    /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list 2>/dev/null || true)"
  mirror="${mirror:-http://deb.debian.org/debian}"
  if [[ ! -f "$work/rootfs.tar" ]]; then
    mmdebstrap --quiet --format=tar --variant=minbase --include=python3,perl,curl --skip=output/dev \
      bookworm "$work/rootfs.tar.tmp" "$mirror"
    mv "$work/rootfs.tar.tmp" "$work/rootfs.tar"
  fi

  if [[ ! -d "$work/layout" ]]; then
    $harness make-image "$work/rootfs.tar" "$work/layout" bench
  fi
}

# Builds the image of bench/sbom-vs-trivy.sh and bench/scan-vs-sbom.sh once. mmdebstrap writes
# minbase with python3, perl, curl and ca-certificates to $work/rootfs-bookworm-bench, and umoci
# repacks it as one layer into $work/layout (tag "bench"). Sets $rootfs and $layout.
prepare_umoci_image() {
  local work="$1"
  rootfs="$work/rootfs-bookworm-bench"
  layout="$work/layout"
  mkdir -p "$work"

  if [[ ! -d "$rootfs" ]]; then
    mmdebstrap --quiet --mode=root --variant=minbase --include=python3,perl,curl,ca-certificates \
      bookworm "$rootfs.building" http://deb.debian.org/debian
    mv "$rootfs.building" "$rootfs"
  fi

  if [[ ! -f "$layout/index.json" ]]; then
    rm -rf "$layout" "$work/bundle"
    umoci init --layout "$layout"
    umoci new --image "$layout:bench"
    umoci unpack --image "$layout:bench" "$work/bundle" >/dev/null
    cp -a "$rootfs/." "$work/bundle/rootfs/"
    umoci repack --image "$layout:bench" "$work/bundle"
    rm -rf "$work/bundle"
  fi
}
