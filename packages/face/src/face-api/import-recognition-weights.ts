import { type Graph, type ReadShard, type Weights, type WeightTensor, decodeWeightsManifest, paramSpecs } from '@mobilenet-kit/core';
import { FaceWeightImportError } from '../errors';
import { faceApiRecognitionGraph, isZeroBlockNode } from './recognition-net-graph';

/** The manifest file of face-api's recognition net, in its `model/` folder. */
export const FACE_API_RECOGNITION_MANIFEST = 'face_recognition_model-weights_manifest.json';

export interface ImportedFaceApiRecognition {
  readonly graph: Graph;
  readonly weights: Weights;
}

/**
 * face-api's tensor name for one of our parameters, or `'zeros'` for the
 * zero kernels of residualDown's padding (no stored tensor). face-api
 * names (extractParamsFromWeightMap.ts): `<layer>/conv/filters`,
 * `<layer>/conv/bias`, `<layer>/scale/weights`, `<layer>/scale/biases`, `fc`.
 */
export function faceApiRecognitionName(param: string): string | 'zeros' | undefined {
  const node = param.slice(0, param.lastIndexOf('/'));
  if (isZeroBlockNode(node)) return 'zeros';
  if (param === 'fc/kernel') return 'fc';
  const m = /^(.*)\/(conv|scale)\/(kernel|bias|depthwise_kernel)$/.exec(param);
  if (!m) return undefined;
  const [, layer, kind, p] = m;
  if (kind === 'conv') return p === 'kernel' ? `${layer}/conv/filters` : p === 'bias' ? `${layer}/conv/bias` : undefined;
  return p === 'depthwise_kernel' ? `${layer}/scale/weights` : p === 'bias' ? `${layer}/scale/biases` : undefined;
}

const elements = (shape: readonly number[]) => shape.reduce((a, d) => a * d, 1);

/**
 * Maps decoded face-api tensors onto faceApiRecognitionGraph(): every
 * parameter must be present with the right number of values (the scale
 * vectors `[C]` become depthwise kernels `[1, 1, C, 1]`, same values), the
 * zero blocks get zero kernels, and every stored tensor must be used.
 * `file` names the source in errors.
 */
export function mapFaceApiRecognitionWeights(decoded: Weights, file = FACE_API_RECOGNITION_MANIFEST): ImportedFaceApiRecognition {
  const graph = faceApiRecognitionGraph();
  const weights = new Map<string, WeightTensor>();
  const used = new Set<string>();
  const missing: string[] = [];
  for (const spec of paramSpecs(graph)) {
    const theirs = faceApiRecognitionName(spec.name);
    if (theirs === 'zeros') {
      weights.set(spec.name, { shape: spec.shape, data: new Float32Array(elements(spec.shape)) });
      continue;
    }
    const tensor = theirs ? decoded.get(theirs) : undefined;
    if (!theirs || !tensor) {
      missing.push(`${theirs ?? '(no face-api name)'} → ${spec.name} ${JSON.stringify(spec.shape)}`);
      continue;
    }
    // Scale vectors [C] are stored flat; everything else must match shape for shape.
    const isScale = spec.name.endsWith('/scale/depthwise_kernel');
    const fits = isScale ? tensor.shape.length === 1 && tensor.shape[0] === spec.shape[2] : tensor.shape.length === spec.shape.length && tensor.shape.every((d, i) => d === spec.shape[i]);
    if (!fits) {
      throw new FaceWeightImportError(`${file}: tensor "${theirs}" has shape ${JSON.stringify(tensor.shape)}, but our parameter "${spec.name}" needs ${JSON.stringify(isScale ? [spec.shape[2]] : spec.shape)}`);
    }
    weights.set(spec.name, { shape: spec.shape, data: tensor.data });
    used.add(theirs);
  }
  if (missing.length > 0) throw new FaceWeightImportError(`${file}: ${missing.length} tensor(s) missing: ${missing.join('; ')}`);
  const leftOver = [...decoded.keys()].filter((n) => !used.has(n));
  if (leftOver.length > 0) throw new FaceWeightImportError(`${file}: ${leftOver.length} tensor(s) left over, not part of face-api's FaceRecognitionNet: ${leftOver.join(', ')}`);
  return { graph, weights };
}

/**
 * Reads face-api's `face_recognition_model` weights manifest and shards
 * through core's decoder (uint8 dequantization, byte lengths checked) and
 * maps them onto our graph.
 */
export async function importFaceApiRecognitionWeights(manifest: unknown, readShard: ReadShard, file = FACE_API_RECOGNITION_MANIFEST): Promise<ImportedFaceApiRecognition> {
  const decoded = await decodeWeightsManifest(manifest, readShard, { file });
  return mapFaceApiRecognitionWeights(decoded, file);
}
