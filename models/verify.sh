#!/usr/bin/env bash
# Checks the committed models against SHA256SUMS.
# With --rebuild it also fetches (and converts) every model again into a temporary folder and
# checks that the rebuilt files have the same hashes, so the committed binaries are proven to come
# from the packages MODELS.md names.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
sha256sum --quiet -c SHA256SUMS
echo "verify.sh: committed models match SHA256SUMS"

if [[ "${1:-}" == "--rebuild" ]]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  "$here/fetch.sh" "$tmp" >/dev/null
  if [[ -x "$here/convert.sh" ]]; then
    "$here/convert.sh" "$tmp" >/dev/null
  fi
  (cd "$tmp" && sha256sum --quiet -c "$here/SHA256SUMS")
  echo "verify.sh: rebuilt models match SHA256SUMS"
fi
