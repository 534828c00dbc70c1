# Shared by the bench scripts: builds the benchmark image once into $work/layout (tag "bench")
# and the harness into $work/harness. Sourced, not run.

harness=""

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
