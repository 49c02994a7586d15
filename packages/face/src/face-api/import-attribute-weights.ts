import { type Graph, type ReadShard, type Weights, decodeWeightsManifest } from '@mobilenet-kit/core';
import { faceApiAgeGenderGraph } from './age-gender-net-graph';
import { faceApiExpressionGraph } from './expression-net-graph';
import { type FaceApiSource, mapFaceApiWeights } from './map-face-api-weights';

/** The manifest files of face-api's attribute nets, in its `model/` folder. */
export const FACE_API_AGE_GENDER_MANIFEST = 'age_gender_model-weights_manifest.json';
export const FACE_API_EXPRESSION_MANIFEST = 'face_expression_model-weights_manifest.json';

/**
 * face-api's tensor name for one of our parameters in the attribute nets
 * (their extractParamsFromWeightMap): conv `<layer>/filters` + `<layer>/bias`;
 * separable conv `<layer>/depthwise_filter`, `<layer>/pointwise_filter`,
 * `<layer>/bias` (our `<layer>/depthwise` and `<layer>/pointwise` nodes);
 * fully connected `fc…/weights` + `fc…/bias`.
 */
export function faceApiAttributeName(param: string): FaceApiSource | undefined {
  const cut = param.lastIndexOf('/');
  const node = param.slice(0, cut);
  const p = param.slice(cut + 1);
  const parent = node.slice(0, node.lastIndexOf('/'));
  let name: string | undefined;
  if (node.endsWith('/depthwise')) name = p === 'depthwise_kernel' ? `${parent}/depthwise_filter` : undefined;
  else if (node.endsWith('/pointwise')) name = p === 'kernel' ? `${parent}/pointwise_filter` : p === 'bias' ? `${parent}/bias` : undefined;
  else if (node === 'fc' || node.startsWith('fc/')) name = p === 'kernel' ? `${node}/weights` : p === 'bias' ? `${node}/bias` : undefined;
  else name = p === 'kernel' ? `${node}/filters` : p === 'bias' ? `${node}/bias` : undefined;
  return name === undefined ? undefined : { name };
}

export interface ImportedFaceApiNet {
  readonly graph: Graph;
  readonly weights: Weights;
}

export type FaceApiAttributeNet = 'ageGender' | 'expression';

/**
 * Reads one of face-api's attribute nets from its weights manifest and
 * shards through core's decoder (uint8 dequantization, byte lengths
 * checked before anything is allocated) and maps it onto our graph.
 */
export async function importFaceApiAttributeWeights(net: FaceApiAttributeNet, manifest: unknown, readShard: ReadShard, file?: string): Promise<ImportedFaceApiNet> {
  const source = file ?? (net === 'ageGender' ? FACE_API_AGE_GENDER_MANIFEST : FACE_API_EXPRESSION_MANIFEST);
  const decoded = await decodeWeightsManifest(manifest, readShard, { file: source });
  const graph = net === 'ageGender' ? faceApiAgeGenderGraph() : faceApiExpressionGraph();
  return { graph, weights: mapFaceApiWeights(graph, decoded, faceApiAttributeName, source) };
}
