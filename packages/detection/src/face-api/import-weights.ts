import { type Graph, type ReadShard, type Weights, type WeightTensor, decodeWeightsManifest, paramSpecs } from '@mobilenet-kit/core';
import { generateSsdAnchors } from '../anchors';
import { WeightImportError } from '../errors';
import { ssdFeatureMapSizes, ssdNodeNames } from '../ssd-head';
import { FACE_API_SSD_ANCHORS, FACE_API_SSD_INPUT_SIZE, faceApiSsdGraph } from './face-detector-graph';

/** The manifest file of face-api's detector, in its `model/` folder. */
export const FACE_API_SSD_MANIFEST = 'ssd_mobilenetv1_model-weights_manifest.json';
/** The stored anchors: `[1, anchors, 4]`, `[ymin, xmin, ymax, xmax]`. */
export const FACE_API_ANCHORS_TENSOR = 'Output/extra_dim';
/** How far our generated anchors may be from the stored ones (the float32 rounding of TF's own computation). */
export const ANCHOR_TOLERANCE = 1e-5;

/**
 * The exported TF graph's constants that face-api stores next to the weights
 * and never reads (reshape sizes, slice bounds, the preprocessor's
 * `x · (1/127.5) − 1` and its 512×512 resize). We check their values, so a
 * file for another input size or class count is refused, and map them to no
 * weight; any other unknown tensor is an error.
 */
function expectedConstants(): Map<string, readonly number[]> {
  const perMap = [3072, 1536, 384, 96, 24, 6];
  const constants = new Map<string, readonly number[]>([
    ['Preprocessor/mul/x', [0.007843137718737125]],
    ['Preprocessor/sub/y', [1]],
    ['Preprocessor/ResizeImage/size', [FACE_API_SSD_INPUT_SIZE, FACE_API_SSD_INPUT_SIZE]],
    ['Prediction/BoxPredictor_0/stack_1/2', [3]],
    ['Prediction/BoxPredictor_0/stack/3', [4]],
    ['Prediction/BoxPredictor_0/strided_slice/stack', [0]],
    ['Prediction/BoxPredictor_0/strided_slice/stack_1', [1]],
    ['Postprocessor/Slice/begin', [0, 0, 1]],
    ['Postprocessor/Slice/size', [-1, -1, -1]],
    ['Postprocessor/stack/1', [5118]],
    ['concat_1/axis', [1]],
  ]);
  perMap.forEach((n, k) => constants.set(`Prediction/BoxPredictor_${k}/stack_1/1`, [n]));
  return constants;
}

/**
 * face-api's tensor names for each of our parameters (face-api
 * extractParamsFromWeightMap.ts): `MobilenetV1/Conv2d_0_pointwise` is the
 * first 3×3 conv; pointwise layers store `convolution_bn_offset` (their
 * folded batch norm) as a bias; depthwise layers keep `BatchNorm/*`;
 * `Prediction/Conv2d_{2i}_pointwise` and `_{2i+1}_pointwise` are the 1×1 and
 * 3×3 convs of extra layer i.
 */
export function faceApiNameMap(scope = 'ssd'): Map<string, string> {
  const map = new Map<string, string>();
  map.set('conv1/kernel', 'MobilenetV1/Conv2d_0_pointwise/weights');
  map.set('conv1/bias', 'MobilenetV1/Conv2d_0_pointwise/convolution_bn_offset');
  for (let n = 1; n <= 13; n++) {
    map.set(`conv_dw_${n}/depthwise_kernel`, `MobilenetV1/Conv2d_${n}_depthwise/depthwise_weights`);
    for (const p of ['gamma', 'beta', 'moving_mean', 'moving_variance']) map.set(`conv_dw_${n}_bn/${p}`, `MobilenetV1/Conv2d_${n}_depthwise/BatchNorm/${p}`);
    map.set(`conv_pw_${n}/kernel`, `MobilenetV1/Conv2d_${n}_pointwise/weights`);
    map.set(`conv_pw_${n}/bias`, `MobilenetV1/Conv2d_${n}_pointwise/convolution_bn_offset`);
  }
  for (let i = 0; i < 4; i++) {
    for (const [node, index] of [
      [ssdNodeNames.extra1x1(scope, i), 2 * i],
      [ssdNodeNames.extra3x3(scope, i), 2 * i + 1],
    ] as const) {
      map.set(`${node}/kernel`, `Prediction/Conv2d_${index}_pointwise/weights`);
      map.set(`${node}/bias`, `Prediction/Conv2d_${index}_pointwise/convolution_bn_offset`);
    }
  }
  for (let k = 0; k < 6; k++) {
    map.set(`${ssdNodeNames.boxEncoding(scope, k)}/kernel`, `Prediction/BoxPredictor_${k}/BoxEncodingPredictor/weights`);
    map.set(`${ssdNodeNames.boxEncoding(scope, k)}/bias`, `Prediction/BoxPredictor_${k}/BoxEncodingPredictor/biases`);
    map.set(`${ssdNodeNames.classLogits(scope, k)}/kernel`, `Prediction/BoxPredictor_${k}/ClassPredictor/weights`);
    map.set(`${ssdNodeNames.classLogits(scope, k)}/bias`, `Prediction/BoxPredictor_${k}/ClassPredictor/biases`);
  }
  return map;
}

export interface ImportedFaceApiSsd {
  readonly graph: Graph;
  readonly weights: Weights;
  /** Our generated anchors (`[anchors·4]`, ymin, xmin, ymax, xmax), checked against the stored ones. */
  readonly anchors: Float32Array;
  /** The anchors stored in the file (`Output/extra_dim`), flattened. */
  readonly storedAnchors: Float32Array;
  /** Largest |generated − stored| over all anchor coordinates. */
  readonly anchorMaxError: number;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Maps decoded face-api tensors onto faceApiSsdGraph(): every graph
 * parameter must be present with its exact shape, every tensor must be
 * used (a parameter, the anchors, or a known graph constant with its
 * expected value), and the stored anchors must equal ours to 1e-5.
 * `file` names the source in errors.
 */
export function mapFaceApiSsdWeights(decoded: Weights, file = FACE_API_SSD_MANIFEST): ImportedFaceApiSsd {
  const graph = faceApiSsdGraph();
  const names = faceApiNameMap();
  const constants = expectedConstants();
  const used = new Set<string>();
  const weights = new Map<string, WeightTensor>();
  const missing: string[] = [];
  for (const spec of paramSpecs(graph)) {
    const theirs = names.get(spec.name);
    const tensor = theirs ? decoded.get(theirs) : undefined;
    if (!theirs || !tensor) {
      missing.push(`${theirs ?? '(no face-api name)'} → ${spec.name} ${JSON.stringify(spec.shape)}`);
      continue;
    }
    if (!sameShape(tensor.shape, spec.shape)) {
      throw new WeightImportError(`${file}: tensor "${theirs}" has shape ${JSON.stringify(tensor.shape)}, but our parameter "${spec.name}" needs ${JSON.stringify(spec.shape)}`);
    }
    weights.set(spec.name, tensor);
    used.add(theirs);
  }
  if (missing.length > 0) throw new WeightImportError(`${file}: ${missing.length} tensor(s) missing: ${missing.join('; ')}`);

  const stored = decoded.get(FACE_API_ANCHORS_TENSOR);
  if (!stored) throw new WeightImportError(`${file}: tensor "${FACE_API_ANCHORS_TENSOR}" (the anchors) is missing`);
  used.add(FACE_API_ANCHORS_TENSOR);
  const anchors = generateSsdAnchors(ssdFeatureMapSizes(graph), FACE_API_SSD_ANCHORS);
  if (!sameShape(stored.shape, [1, anchors.length / 4, 4])) {
    throw new WeightImportError(`${file}: "${FACE_API_ANCHORS_TENSOR}" has shape ${JSON.stringify(stored.shape)}, expected [1, ${anchors.length / 4}, 4]`);
  }
  let anchorMaxError = 0;
  let worst = 0;
  for (let i = 0; i < anchors.length; i++) {
    const e = Math.abs(anchors[i]! - stored.data[i]!);
    if (!(e <= anchorMaxError)) {
      anchorMaxError = Number.isNaN(e) ? Number.POSITIVE_INFINITY : e;
      worst = i;
    }
  }
  if (!(anchorMaxError <= ANCHOR_TOLERANCE)) {
    const a = Math.floor(worst / 4);
    throw new WeightImportError(
      `${file}: stored anchor ${a} coordinate ${worst % 4} (ymin, xmin, ymax, xmax) is ${stored.data[worst]}, the generator gives ${anchors[worst]} (|Δ| = ${anchorMaxError} > ${ANCHOR_TOLERANCE})`,
    );
  }

  for (const [name, expected] of constants) {
    const tensor = decoded.get(name);
    if (!tensor) continue; // graph constants are optional: face-api never reads them
    used.add(name);
    const ok = tensor.data.length === expected.length && expected.every((v, i) => Math.abs(tensor.data[i]! - v) <= 1e-9 * Math.max(1, Math.abs(v)));
    if (!ok) throw new WeightImportError(`${file}: graph constant "${name}" is ${JSON.stringify(Array.from(tensor.data))}, expected ${JSON.stringify(expected)} for this model`);
  }
  const leftOver = [...decoded.keys()].filter((n) => !used.has(n));
  if (leftOver.length > 0) throw new WeightImportError(`${file}: ${leftOver.length} tensor(s) left over, not part of the SSD MobileNetV1 face detector: ${leftOver.join(', ')}`);
  return { graph, weights, anchors, storedAnchors: stored.data, anchorMaxError };
}

/**
 * Reads face-api's `ssd_mobilenetv1_model` weights manifest and shards
 * through core's decoder (uint8 dequantization `q · scale + min`, int32
 * specs rounded, byte lengths checked) and maps them onto our graph.
 */
export async function importFaceApiSsdWeights(manifest: unknown, readShard: ReadShard, file = FACE_API_SSD_MANIFEST): Promise<ImportedFaceApiSsd> {
  const decoded = await decodeWeightsManifest(manifest, readShard, { file });
  return mapFaceApiSsdWeights(decoded, file);
}
