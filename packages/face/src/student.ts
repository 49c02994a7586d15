import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import { type Graph, type Weights, type WeightTensor, paramSpecs } from '@mobilenet-kit/core';
import { FACE_API_DEPTHWISE_BN_EPSILON, replaceBatchNormWithBias } from '@mobilenet-kit/detection';
import { embeddingHead } from './embedding-head';
import { FaceOptionError, FaceWeightImportError, checkKnownOptions } from './errors';

export interface FaceStudentOptions {
  /** Input size: 160 or 128 (the paper's face-embedding MobileNets, Table 14, use these). Default 160. */
  resolution?: 160 | 128;
  /** Width multiplier α in (0, 1]. Default 1 (the detector's width: every backbone weight carries over exactly). */
  alpha?: number;
  /** Embedding length. Default 128 (the teacher's). */
  dimensions?: number;
}

const WHERE = 'faceStudentGraph';
/** The detector's batch-norm layers that face-api stores folded into a bias (conv_0 and every pointwise layer). */
const FOLDED_BATCH_NORMS = ['conv1_bn', ...Array.from({ length: 13 }, (_, i) => `conv_pw_${i + 1}_bn`)];

/**
 * The student: a MobileNet v1 backbone laid out as face-api's SSD detector's
 * (ReLU6; conv1 and the pointwise layers with a bias instead of a batch
 * norm, as stored there; depthwise layers with a batch norm of ε = float32
 * 1e-3), so that its weights carry over by name, plus embeddingHead
 * (global pool → dense → L2 normalize). Input: minus-one-to-one normalized
 * crops, as the detector's.
 */
export function faceStudentGraph(options: FaceStudentOptions = {}): Graph {
  if (options === null || typeof options !== 'object') throw new FaceOptionError(WHERE, 'options', options, 'expected { resolution, alpha, dimensions }');
  checkKnownOptions(WHERE, options, ['resolution', 'alpha', 'dimensions']);
  const resolution = options.resolution ?? 160;
  if (resolution !== 160 && resolution !== 128) throw new FaceOptionError(WHERE, 'resolution', resolution, 'expected 160 or 128');
  const alpha = options.alpha ?? 1;
  return embeddingHead(faceStudentBackbone(WHERE, resolution, alpha), { dimensions: options.dimensions ?? 128, name: `face_student_${alpha.toFixed(2)}_${resolution}` });
}

/**
 * The students' backbone: MobileNet v1 without top, laid out as face-api's
 * SSD detector's (ReLU6; conv1 and the pointwise layers with a bias instead
 * of a batch norm; depthwise batch norms with ε = float32 1e-3), so that
 * initializeStudentFromDetector can copy its weights by name.
 */
export function faceStudentBackbone(where: string, resolution: number, alpha: number): Graph {
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha <= 1)) throw new FaceOptionError(where, 'alpha', alpha, 'expected a number in (0, 1] (the detector is α = 1; a narrower student takes its leading channels)');
  const backbone = mobilenetV1({ resolution, alpha, includeTop: false, activation: 'relu6', batchNormEpsilon: FACE_API_DEPTHWISE_BN_EPSILON });
  return replaceBatchNormWithBias(backbone, FOLDED_BATCH_NORMS);
}

/** Prefixes of the students' heads: parameters the detector does not have, initialized afresh. */
const STUDENT_HEAD_SCOPES = ['embedding_head/', 'attribute_head/'];

export interface StudentInitialization {
  readonly weights: Weights;
  /** Parameters copied from the detector (whole at α = 1; their leading channels at α < 1). */
  readonly fromDetector: readonly string[];
  /** Parameters initialized afresh (Keras defaults, seeded): the embedding head. */
  readonly initialized: readonly string[];
}

/** The leading `shape` block of a row-major tensor (each dimension cut to the smaller size). */
function leadingSlice(source: WeightTensor, shape: readonly number[]): Float32Array {
  const rank = shape.length;
  const out = new Float32Array(shape.reduce((a, d) => a * d, 1));
  const srcStrides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) srcStrides[d] = srcStrides[d + 1]! * source.shape[d + 1]!;
  const index = new Array<number>(rank).fill(0);
  for (let i = 0; i < out.length; i++) {
    let offset = 0;
    for (let d = 0; d < rank; d++) offset += index[d]! * srcStrides[d]!;
    out[i] = source.data[offset]!;
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

/**
 * Initializes a student from the pretrained face detector's weights
 * (importFaceApiSsdWeights(...).weights): every backbone parameter
 * (conv1, conv_dw_1…13 with their batch norms, conv_pw_1…13 with their
 * biases) is taken by name; at α < 1 each takes the detector's leading
 * channels (a starting point for distillation, not an equivalent network).
 * The head (embedding or attributes), which the detector has not, is initialized with
 * Keras's defaults from `seed`. The detector's SSD layers are not used.
 */
export function initializeStudentFromDetector(student: Graph, detectorWeights: Weights, seed = 0): StudentInitialization {
  const fresh = initializeWeights(student, { seed });
  const weights = new Map<string, WeightTensor>();
  const fromDetector: string[] = [];
  const initialized: string[] = [];
  for (const spec of paramSpecs(student)) {
    const source = detectorWeights.get(spec.name);
    if (!source) {
      if (!STUDENT_HEAD_SCOPES.some((scope) => spec.name.startsWith(scope))) throw new FaceWeightImportError(`initializeStudentFromDetector: the detector has no parameter "${spec.name}" ${JSON.stringify(spec.shape)} (pass importFaceApiSsdWeights(...).weights)`);
      weights.set(spec.name, fresh.get(spec.name)!);
      initialized.push(spec.name);
      continue;
    }
    if (source.shape.length !== spec.shape.length || spec.shape.some((d, i) => d > source.shape[i]!)) {
      throw new FaceWeightImportError(`initializeStudentFromDetector: the detector's "${spec.name}" is ${JSON.stringify(source.shape)}, smaller than the student's ${JSON.stringify(spec.shape)}`);
    }
    const same = spec.shape.every((d, i) => d === source.shape[i]);
    weights.set(spec.name, { shape: spec.shape, data: same ? source.data : leadingSlice(source, spec.shape) });
    fromDetector.push(spec.name);
  }
  return { weights, fromDetector, initialized };
}

export interface CreateFaceStudentOptions extends FaceStudentOptions {
  /** Seed of the embedding head's initialization. Default 0. */
  seed?: number;
  /** Folder holding face-api's `ssd_mobilenetv1_model-weights_manifest.json` and `.bin`. Default: `model/` of the installed @vladmandic/face-api. */
  detectorModelDir?: string;
}

export interface FaceStudent extends StudentInitialization {
  readonly graph: Graph;
}

/**
 * Builds a student and initializes its backbone from face-api's pretrained
 * SSD MobileNetV1 face detector, read from local files. Node only.
 */
export async function createFaceStudent(options: CreateFaceStudentOptions = {}): Promise<FaceStudent> {
  const { seed = 0, detectorModelDir, ...graphOptions } = options;
  const graph = faceStudentGraph(graphOptions);
  return { graph, ...initializeStudentFromDetector(graph, await readDetectorWeights('createFaceStudent', detectorModelDir), seed) };
}

/** face-api's SSD MobileNetV1 weights (the students' starting point), read from local files. Node only. */
export async function readDetectorWeights(caller: string, detectorModelDir?: string): Promise<Weights> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const { FACE_API_SSD_MANIFEST, findFaceApiModelDir, importFaceApiSsdWeights } = await import('@mobilenet-kit/detection');
  const dir = detectorModelDir ?? (await findFaceApiModelDir());
  const manifestPath = path.join(dir, FACE_API_SSD_MANIFEST);
  let manifest: unknown;
  try {
    manifest = JSON.parse(await fs.readFile(manifestPath, 'utf8'));
  } catch (e) {
    throw new FaceWeightImportError(`${caller}: cannot read the detector's weights manifest ${manifestPath} (${(e as Error).message})`);
  }
  return (await importFaceApiSsdWeights(manifest, (shard) => fs.readFile(path.join(dir, shard)), manifestPath)).weights;
}
