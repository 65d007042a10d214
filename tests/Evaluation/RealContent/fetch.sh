#!/usr/bin/env bash
# Brings the real-content sites of sites.tsv, each at its listed commit, into artifacts/real-content/<site>/
# (ignored by git: third-party content never enters this repository).
# Uses a read-only mirror under /work/.mirror/<owner>+<name>/repo when one is there; otherwise clones the public
# repository (git and network access to GitHub needed). Only the published file kinds are kept: .md, .markdown,
# .html, .htm, .txt, the images (.jpg, .jpeg, .png, .gif, .webp) for `real-content --images`, and the settings
# that say where a site is published (CNAME, *.toml, *.yml, package.json), which the CLI reads as `check .` does.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="${1:-$root/artifacts/real-content}"
mkdir -p "$out"
grep -v '^#' "$here/sites.tsv" | while IFS=$'\t' read -r site repo commit domain _; do
  [ -n "$site" ] || continue
  dest="$out/$site"
  if [ -f "$dest/.commit" ] && [ "$(cat "$dest/.commit")" = "$commit:3" ]; then
    echo "$site: already at $commit"
    continue
  fi
  mirror="/work/.mirror/${repo/\//+}/repo"
  [ -d "$mirror/.git" ] && mirror="$mirror/.git"
  tmp="$(mktemp -d)"
  if [ -d "$mirror" ]; then
    gitdir="$mirror"
  else
    git clone --quiet --bare --filter=blob:limit=4m "https://github.com/$repo.git" "$tmp/repo.git"
    gitdir="$tmp/repo.git"
  fi
  rm -rf "$dest"
  mkdir -p "$dest"
  # List the published files at the commit and write each one out (no checkout, no hooks, nothing run).
  git --git-dir="$gitdir" ls-tree -r -z --name-only "$commit" \
    | grep -zEi '(\.(md|markdown|html?|txt|jpe?g|png|gif|webp|toml|ya?ml)|(^|/)(CNAME|package\.json))$' \
    | while IFS= read -r -d '' path; do
        mkdir -p "$dest/$(dirname "$path")"
        git --git-dir="$gitdir" show "$commit:$path" > "$dest/$path" || rm -f "$dest/$path"
      done
  echo "$commit:3" > "$dest/.commit"
  rm -rf "$tmp"
  echo "$site: $(find "$dest" -type f ! -name '.*' | wc -l) files from $repo at ${commit:0:12}"
done
