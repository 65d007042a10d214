#!/usr/bin/env bash
# Fetches the children's development set for `dotnet run --project tests/Evaluation -- children DIR`.
# Evaluation only: the photos are licensed for non-commercial research, so they are never committed,
# never used in CI, and only the figures they give are recorded.
#   LAG (Large Age-Gap, Bianco 2017, 100x100 aligned crops; ./y/ holds the child/young photos), as
#     published in the public GitHub repository loiswjj/Face_Recognition (FaceDetection/FaceDetection/data/Pic).
#     Only identities whose folder name starts with n..z: a..m is the held-out set and must stay unseen.
#   UTKFace (Zhang et al. 2017, 200x200 aligned & cropped, age in the file name), part 1 of 3 as published
#     in the public GitHub repository Mohanish-5744/Major_Ensemble_Gender (crop_part1). Children aged 4-17
#     only (a school's age range), one in every UTK_STEP of them: a pool of children who are not enrolled.
# Usage: fetch-children.sh [DEST (default /work/cache/children/data)]
# Each repository is read from a local git directory when one is given (LAG_GIT, UTK_GIT, e.g. a
# read-only mirror) and cloned from GitHub otherwise. Writes DEST/MANIFEST.tsv:
#   path  identity  age_group (child|adult)  age (UTKFace only, else empty)  source
# Idempotent: does nothing when DEST/MANIFEST.tsv exists.
set -euo pipefail

dest="${1:-/work/cache/children/data}"
lag_git="${LAG_GIT:-/work/.mirror/loiswjj+Face_Recognition/repo}"
utk_git="${UTK_GIT:-/work/.mirror/Mohanish-5744+Major_Ensemble_Gender/repo}"
utk_step="${UTK_STEP:-2}"
lag_dir="FaceDetection/FaceDetection/data/Pic"
utk_dir="crop_part1"

[[ -s "$dest/MANIFEST.tsv" ]] && exit 0
fail() { echo "fetch-children.sh: $*" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Prints a git directory holding the repository: the local one if present, else a fresh shallow clone.
repo_git() {
  local local_git="$1" url="$2" name="$3"
  if [[ -d "$local_git" ]]; then
    echo "$local_git"
  else
    git clone --quiet --bare --depth 1 "$url" "$tmp/$name.git" >&2 || fail "cannot clone $url"
    echo "$tmp/$name.git"
  fi
}

lag="$(repo_git "$lag_git" https://github.com/loiswjj/Face_Recognition.git lag)"
utk="$(repo_git "$utk_git" https://github.com/Mohanish-5744/Major_Ensemble_Gender.git utk)"

mkdir -p "$dest/lag" "$dest/utk"
manifest="$tmp/MANIFEST.tsv"
printf 'path\tidentity\tage_group\tage\tsource\n' > "$manifest"

# LAG, identities n..z only.
git --git-dir="$lag" ls-tree -r --name-only HEAD "$lag_dir" \
  | awk -F/ -v n=5 '$n >= "n" && $NF ~ /\.(png|jpg)$/' > "$tmp/lag.txt"
[[ -s "$tmp/lag.txt" ]] || fail "no LAG photos under $lag_dir"
mapfile -t lag_paths < "$tmp/lag.txt"
git --git-dir="$lag" archive --format=tar HEAD -- "${lag_paths[@]}" | tar -x -C "$tmp"
while IFS= read -r p; do
  rel="${p#"$lag_dir"/}"
  id="${rel%%/*}"
  group=adult
  [[ "$rel" == */y/* ]] && group=child
  out="lag/$id/$group/$(basename "$p")"
  mkdir -p "$dest/$(dirname "$out")"
  cp "$tmp/$p" "$dest/$out"
  printf '%s\tlag:%s\t%s\t\tLAG %s\n' "$out" "$id" "$group" "$rel" >> "$manifest"
done < "$tmp/lag.txt"

# UTKFace children 4..17, every utk_step-th in name order; each photo is its own identity.
git --git-dir="$utk" ls-tree -r --name-only HEAD "$utk_dir" \
  | awk -F/ '{ split($NF, a, "_"); if (a[1] ~ /^[0-9]+$/ && a[1] >= 4 && a[1] <= 17) print }' \
  | awk -v s="$utk_step" 'NR % s == 1 || s == 1' > "$tmp/utk.txt"
[[ -s "$tmp/utk.txt" ]] || fail "no UTKFace children under $utk_dir"
mapfile -t utk_paths < "$tmp/utk.txt"
git --git-dir="$utk" archive --format=tar HEAD -- "${utk_paths[@]}" | tar -x -C "$tmp"
while IFS= read -r p; do
  name="$(basename "$p")"
  cp "$tmp/$p" "$dest/utk/$name"
  printf 'utk/%s\tutk:%s\tchild\t%s\tUTKFace %s\n' "$name" "${name%%.*}" "${name%%_*}" "$name" >> "$manifest"
done < "$tmp/utk.txt"

# A repository that keeps its photos in Git LFS yields pointer files, not photos.
if grep -rlq --include='*.jpg' --include='*.png' '^version https://git-lfs' "$dest"; then
  fail "some photos are Git LFS pointers, not images"
fi

mv "$manifest" "$dest/MANIFEST.tsv"
echo "fetch-children.sh: $(($(wc -l < "$dest/MANIFEST.tsv") - 1)) photos in $dest"
