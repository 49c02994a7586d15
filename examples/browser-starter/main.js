// Detects the faces of a photo with face-api's SSD MobileNet v1 run by mobilenet-kit, on the backend
// chosen (?backend=webgl works too), and draws them. The result is also left on <body data-…> for tests.
import { registerWasmBackend } from '@mobilenet-kit/backend-wasm';
import { registerWebGLBackend } from '@mobilenet-kit/backend-webgl';
import { loadFaceDetector } from '@mobilenet-kit/detection';

const here = (relative) => new URL(relative, document.baseURI).href;
registerWasmBackend({ wasmPaths: here('wasm/') });
// software: accept a software WebGL renderer (headless Chromium's SwiftShader), which tfjs refuses by default.
registerWebGLBackend({ software: true });

const select = document.getElementById('backend');
const status = document.getElementById('status');
const canvas = document.getElementById('view');
select.value = new URLSearchParams(location.search).get('backend') ?? 'wasm';

const detectors = new Map();
async function detector(backend) {
  if (!detectors.has(backend)) detectors.set(backend, loadFaceDetector({ backend, modelUrl: here('models/') }));
  return detectors.get(backend);
}

async function show(image) {
  const backend = select.value;
  status.textContent = `detecting on ${backend}…`;
  const d = await detector(backend);
  const t0 = performance.now();
  const faces = await d.detect(image);
  const ms = performance.now() - t0;
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const g = canvas.getContext('2d');
  g.drawImage(image, 0, 0);
  g.lineWidth = Math.max(2, image.naturalWidth / 300);
  g.strokeStyle = '#0c0';
  for (const f of faces) g.strokeRect(f.box.x, f.box.y, f.box.width, f.box.height);
  const info = d.backend;
  const how = `${info.name}${info.threads !== undefined ? `, ${info.threads} thread${info.threads === 1 ? '' : 's'}` : ''}${crossOriginIsolated ? '' : ' (not cross-origin isolated: one thread)'}`;
  status.textContent = `${faces.length} face${faces.length === 1 ? '' : 's'} in ${ms.toFixed(0)} ms on ${how}`;
  Object.assign(document.body.dataset, { faces: String(faces.length), backend: info.name, isolated: String(crossOriginIsolated) });
}

function load(src) {
  const image = new Image();
  image.onload = () => show(image).catch((e) => {
    status.textContent = `failed: ${e.message}`;
    document.body.dataset.error = e.message;
  });
  image.src = src;
}

document.getElementById('file').addEventListener('change', (e) => {
  const file = e.target.files?.[0];
  if (file) load(URL.createObjectURL(file));
});
select.addEventListener('change', () => load(here('sample.jpg')));
load(here('sample.jpg'));
