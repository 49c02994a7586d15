#!/usr/bin/env node
// The minimal face-api script the cold-start bench (`pnpm bench --task cold-start`) times against
// `mobilenet-kit detect photo.jpg --backend wasm`: what a face-api 1.7.15 user writes in Node on tfjs's
// wasm backend. Load face-api's node-wasm build (it requires @tensorflow/tfjs and tfjs-backend-wasm),
// start wasm, load the SSD MobileNetV1 weights from face-api's model/ folder, decode the photo with
// sharp (the kit's decoder, so that both sides decode alike), detectAllFaces with its defaults, print
// the boxes. Usage: node face-api-detect.cjs photo.jpg [threads]
// threads 1 (default) is face-api as it runs in Node (tfjs turns wasm threads off there); above 1,
// tfjs's threaded build is started through @mobilenet-kit/backend-wasm (there is no other way in
// Node), on the same tfjs engine face-api uses: the same backend and thread count as the kit's side.
const path = require('node:path');
const photo = process.argv[2];
const threads = Number(process.argv[3] ?? 1);
if (!photo || !Number.isInteger(threads) || threads < 1) {
  console.error('usage: face-api-detect.cjs photo.jpg [threads]');
  process.exit(2);
}
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
const wasm = require('@tensorflow/tfjs-backend-wasm');
const sharp = require('sharp');

async function main() {
  const tf = faceapi.tf;
  wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
  if (threads > 1) {
    const { wasmBackend } = await import('@mobilenet-kit/backend-wasm');
    await wasmBackend({ threads }).init();
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend failed to start');
  await tf.ready();
  const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
  const { data, info } = await sharp(photo).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const input = tf.tensor3d(data, [info.height, info.width, 3], 'int32');
  const faces = await faceapi.detectAllFaces(input, new faceapi.SsdMobilenetv1Options());
  input.dispose();
  const round = (v) => Math.round(v * 10) / 10;
  for (const f of faces) console.log(`${round(f.box.x)} ${round(f.box.y)} ${round(f.box.width)} ${round(f.box.height)} ${f.score.toFixed(3)}`);
  console.log(`${faces.length} faces, tfjs ${tf.getBackend()} ${wasm.getThreadsCount()} thread(s)`);
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
