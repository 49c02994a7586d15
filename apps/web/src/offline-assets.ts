/**
 * The files the page needs besides its own code, all served by the app
 * itself (dev server and build): face-api's detector weights, tfjs's wasm
 * binaries and face-api's demo photos. Shared by the Vite plugin (which
 * copies them) and the page (which fetches them), so the two cannot drift.
 */

/** Folder (relative to the page) holding face-api's SSD MobileNetV1 manifest and shard. */
export const MODEL_FOLDER = 'models/';
/** face-api 1.7.15 `model/` files of the SSD MobileNetV1 face detector. */
export const MODEL_FILES = ['ssd_mobilenetv1_model-weights_manifest.json', 'ssd_mobilenetv1_model.bin'] as const;
export const FACE_DETECTOR_MANIFEST = MODEL_FILES[0];

/** Folder holding tfjs-backend-wasm's binaries (given to the wasm backend as `wasmPaths`). */
export const WASM_FOLDER = 'wasm/';
/** tfjs-backend-wasm 4.22 picks one of these at run time (SIMD, threads). */
export const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;

/** Folder holding face-api's demo photos. */
export const SAMPLE_FOLDER = 'samples/';
export const SAMPLE_PHOTOS = ['sample1.jpg', 'sample2.jpg', 'sample3.jpg', 'sample4.jpg', 'sample5.jpg', 'sample6.jpg'] as const;
export type SamplePhoto = (typeof SAMPLE_PHOTOS)[number];
