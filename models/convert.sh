#!/usr/bin/env bash
# Converts the tfjs models that ship in npm packages to ONNX with our own converter (models/converter).
# Usage: models/convert.sh [OUTPUT_DIR]   (default: the folder this script lives in)
# The output is byte-for-byte deterministic: verify.sh --rebuild compares it with SHA256SUMS.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

script=convert.sh
# shellcheck source=npm-unpack.sh
source "$here/npm-unpack.sh"

# A private artifacts folder: the converter must not share obj/ with other builds.
dotnet build "$here/converter" -nologo -v quiet -p:ArtifactsPath="$tmp/artifacts" >"$tmp/build.log" 2>&1 \
  || { cat "$tmp/build.log" >&2; echo "convert.sh: converter build failed" >&2; exit 1; }
converter="$tmp/artifacts/bin/ModelConverter/debug/model-converter"

fa="$(unpack @vladmandic/face-api@1.7.15)"
"$converter" face "$fa/package/model/face_recognition_model-weights_manifest.json" "$out/dlib_resnet34_128.onnx"

# nsfwjs ships its model as JS modules (model JSON, base64 weights); node's require() unwraps them.
nj="$(unpack nsfwjs@4.4.0)"
node -e '
const fs = require("fs");
const [dir, outDir] = process.argv.slice(1);
const unwrap = (m) => m.default ?? m;
fs.writeFileSync(outDir + "/nsfw-model.json", JSON.stringify(unwrap(require(dir + "/model.min.js"))));
fs.writeFileSync(outDir + "/nsfw-weights.bin", Buffer.from(unwrap(require(dir + "/group1-shard1of1.min.js")), "base64"));
' "$nj/package/dist/models/mobilenet_v2" "$tmp"
"$converter" nsfw "$tmp/nsfw-model.json" "$tmp/nsfw-weights.bin" "$out/nsfw_mobilenet_v2.onnx"

echo "convert.sh: converted models written to $out"
