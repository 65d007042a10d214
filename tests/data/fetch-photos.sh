#!/usr/bin/env bash
# Fetches the photos the project's own tests use into tests/data/photos/ (git-ignored). They ship in
# public packages, so no photo of a real student, and no third-party evaluation data, is ever needed:
#   Debian facedetect:       grace_hopper_512x512.jpg (one face), 640px-IceBlockNearJoekullsarlon.jpg (none)
#   Debian python3-skimage:  astronaut.png (one face), chelsea.png (a cat: a hard negative),
#                            coffee.png, camera.png, page.png (a scanned text page)
#   npm @vladmandic/face-api@1.7.15: sample1.jpg .. sample6.jpg (group photos)
# Idempotent: does nothing when every photo is already there. Silent on success; on any failure it
# says what failed and exits non-zero. Needs apt-get (as root) and npm.
set -euo pipefail

dest="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/photos"

facedetect_files=(grace_hopper_512x512.jpg 640px-IceBlockNearJoekullsarlon.jpg)
skimage_files=(astronaut.png chelsea.png coffee.png camera.png page.png)
faceapi_files=(sample1.jpg sample2.jpg sample3.jpg sample4.jpg sample5.jpg sample6.jpg)

missing=0
for f in "${facedetect_files[@]}" "${skimage_files[@]}" "${faceapi_files[@]}"; do
  [[ -s "$dest/$f" ]] || missing=1
done
[[ $missing -eq 0 ]] && exit 0

fail() { echo "fetch-photos.sh: $*" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# apt-get download drops privileges to _apt, which must be able to write here.
chmod 777 "$tmp"
mkdir -p "$dest"

# Downloads a Debian package into $tmp and unpacks it (no install). Refreshes the package lists once
# if the package is unknown (a fresh machine may have none).
deb_extract() {
  local pkg="$1"
  if ! (cd "$tmp" && apt-get download -q "$pkg" >"$tmp/apt.log" 2>&1); then
    apt-get update -qq >"$tmp/apt-update.log" 2>&1 || { cat "$tmp/apt-update.log" >&2; fail "apt-get update failed"; }
    (cd "$tmp" && apt-get download -q "$pkg" >"$tmp/apt.log" 2>&1) || { cat "$tmp/apt.log" >&2; fail "apt-get download $pkg failed"; }
  fi
  mkdir -p "$tmp/$pkg"
  dpkg-deb -x "$tmp"/"$pkg"_*.deb "$tmp/$pkg" || fail "dpkg-deb -x $pkg failed"
}

copy_all() {
  local from="$1"; shift
  local f
  for f in "$@"; do
    [[ -s "$from/$f" ]] || fail "$f not found in $from"
    cp "$from/$f" "$dest/$f"
  done
}

deb_extract facedetect
copy_all "$tmp/facedetect/usr/share/doc/facedetect/examples" "${facedetect_files[@]}"

deb_extract python3-skimage
copy_all "$tmp/python3-skimage/usr/lib/python3/dist-packages/skimage/data" "${skimage_files[@]}"

mkdir -p "$tmp/faceapi"
(cd "$tmp/faceapi" && npm pack --silent @vladmandic/face-api@1.7.15 >/dev/null 2>"$tmp/npm.log") \
  || { cat "$tmp/npm.log" >&2; fail "npm pack @vladmandic/face-api@1.7.15 failed"; }
tar -xzf "$tmp"/faceapi/*.tgz -C "$tmp/faceapi" || fail "could not unpack the face-api tarball"
copy_all "$tmp/faceapi/package/demo" "${faceapi_files[@]}"
