// node index.mjs <photo> [--gallery <folder of people>] [--model <classifier model folder>]
//
// Finds the faces in a photo with face-api's SSD MobileNet v1 (run in mobilenet-kit's IR on wasm),
// embeds each with the MobileNet student shipped in @mobilenet-kit/face, names them against a gallery
// (one subfolder of photos per person) when one is given, and classifies the whole photo with a
// classifier model folder (from `mobilenet-kit train classifier` or `mobilenet-kit import`) when one is given.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { classify, createClassifier } from '@mobilenet-kit/classification';
import { loadModel } from '@mobilenet-kit/core/node';
import { loadFaceDetector } from '@mobilenet-kit/detection';
import { FaceMatcher, detectAndEmbed, loadEmbedderModel, shippedFaceModelDir } from '@mobilenet-kit/face';
import { decodeImage } from '@mobilenet-kit/image';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { gallery: { type: 'string' }, model: { type: 'string' } } });
if (positionals.length !== 1) {
  console.error('usage: node index.mjs <photo> [--gallery <folder of people>] [--model <classifier model folder>]');
  process.exit(2);
}
registerWasmBackend();
const image = await decodeImage(positionals[0]);
const detector = await loadFaceDetector({ backend: 'wasm' });
const embedder = await loadEmbedderModel(await shippedFaceModelDir('embedding'), { backend: 'wasm' });
try {
  const faces = await detectAndEmbed(image, { detector, embedder });
  let matcher;
  if (values.gallery) {
    matcher = new FaceMatcher([], { dimensions: embedder.dimensions, threshold: embedder.threshold });
    for (const person of (await readdir(values.gallery, { withFileTypes: true })).filter((e) => e.isDirectory())) {
      for (const file of await readdir(path.join(values.gallery, person.name))) {
        const [best] = await detectAndEmbed(await decodeImage(path.join(values.gallery, person.name, file)), { detector, embedder });
        if (best) matcher.add(person.name, best.descriptor);
      }
    }
  }
  console.log(`${positionals[0]}: ${image.width}×${image.height}, ${faces.length} face${faces.length === 1 ? '' : 's'}`);
  for (const f of faces) {
    const name = matcher ? ` ${matcher.match(f.descriptor).label}` : '';
    console.log(`  face${name} ${f.score.toFixed(3)} at ${[f.box.x, f.box.y, f.box.width, f.box.height].map((v) => v.toFixed(0)).join(' ')}, descriptor ${f.descriptor.length}-d`);
  }
} finally {
  detector.dispose();
  embedder.dispose();
}
if (values.model) {
  const { graph, weights, metadata } = await loadModel(values.model);
  const classifier = await createClassifier(graph, weights, metadata, { backend: 'wasm' });
  try {
    const top = await classify(classifier, image, { topK: 3 });
    console.log(`  classified: ${top.map((p) => `${p.label} ${(100 * p.probability).toFixed(1)}%`).join(', ')}`);
  } finally {
    classifier.dispose();
  }
}
