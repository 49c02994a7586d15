import { type Graph, type ReadShard, type Weights, decodeWeightsManifest } from '@mobilenet-kit/core';
import { mapFaceApiWeights } from './map-face-api-weights';
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

/**
 * Maps decoded face-api tensors onto faceApiRecognitionGraph(): the scale
 * vectors `[C]` become depthwise kernels `[1, 1, C, 1]` (same values), the
 * zero blocks get zero kernels. `file` names the source in errors.
 */
export function mapFaceApiRecognitionWeights(decoded: Weights, file = FACE_API_RECOGNITION_MANIFEST): ImportedFaceApiRecognition {
  const graph = faceApiRecognitionGraph();
  const weights = mapFaceApiWeights(
    graph,
    decoded,
    (param) => {
      const name = faceApiRecognitionName(param);
      return name === undefined || name === 'zeros' ? name : { name, flat: param.endsWith('/scale/depthwise_kernel') };
    },
    file,
  );
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
