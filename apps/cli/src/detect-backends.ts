import { registerOnnxruntimeBackend } from '@mobilenet-kit/backend-onnxruntime';
import { CLASSIFICATION_BACKENDS, type ClassificationBackend, startBackend } from './classification-support';
import { choiceFlag } from './flags';

/** The backends `detect` runs on: the tfjs ones, then the onnxruntime plugin (onnxruntime-node, an optional dependency). */
export const DETECT_BACKENDS = [...CLASSIFICATION_BACKENDS, 'onnxruntime'] as const;
export type DetectBackend = (typeof DETECT_BACKENDS)[number];

export const DETECT_BACKEND_FLAG = choiceFlag({
  valueName: 'B',
  description: 'wasm (tfjs XNNPACK), cpu (plain JS, the reference) or onnxruntime (onnxruntime-node, the fastest in Node; an optional dependency)',
  choices: DETECT_BACKENDS,
  default: 'wasm',
});

/** Registers and starts the backend; onnxruntime's start fails with the package to install when onnxruntime-node is missing. */
export async function startDetectBackend(name: DetectBackend): Promise<void> {
  if (name === 'onnxruntime') await registerOnnxruntimeBackend().init?.();
  else await startBackend(name as ClassificationBackend);
}
