import { type BackendInfo, type CompileOptions, type CompiledModel, type Graph, type Weights, analyzeGraph, compile } from '@mobilenet-kit/core';
import { type Normalization, type RgbImage, preprocess, rgbImageProblem } from '@mobilenet-kit/image';
import { EMBEDDING_OUTPUT } from './embedding-head';
import { FaceOptionError, checkKnownOptions } from './errors';
import { type EmbedderMirror, applyMirror, checkMirror } from './mirror-canonical';

/**
 * How a face crop's pixels become the network's input: one of image's
 * normalizations, face-api's recognition-net `{ meanRgb, divisor }` included.
 */
export type EmbedderNormalization = Normalization;

export interface EmbedderOptions {
  /** Backend name in core's registry (`cpu`, `wasm`, …); required. */
  backend: string;
  /** Input normalization. Default 'minusOneToOne' (MobileNet). */
  normalize?: EmbedderNormalization;
  /** L2-normalize the outputs here (for graphs such as face-api's whose output is not). Default false. */
  l2Normalize?: boolean;
  /** Passed to core's compile (optimize, warmup, backendOptions). */
  compileOptions?: Omit<CompileOptions, 'backend'>;
  /** The distance threshold measured for this network's descriptors (FaceMatcher's), when known. */
  threshold?: number;
  /** 'canonical': mirror each crop to its canonical orientation first (canonicalMirror). Default 'none'. */
  mirror?: EmbedderMirror;
}

/** A compiled face embedding network: crops in, one vector per crop out. */
export interface Embedder {
  readonly backend: BackendInfo;
  /** The square input size the crops are resized to. */
  readonly inputSize: number;
  readonly dimensions: number;
  /** The euclidean distance threshold measured for this network's descriptors, when known (a FaceMatcher's threshold). */
  readonly threshold?: number;
  /** Whether crops are mirrored to a canonical orientation before the network. */
  readonly mirror?: EmbedderMirror;
  /** Embeds face crops (any size: each is resized, stretched, to the input size). One Float32Array per crop. */
  embed(crops: RgbImage | readonly RgbImage[]): Promise<Float32Array[]>;
  dispose(): void;
}

const WHERE = 'createEmbedder';

function isMeanRgb(n: EmbedderNormalization): n is { meanRgb: readonly [number, number, number]; divisor: number } {
  return typeof n === 'object' && n !== null && 'meanRgb' in n;
}

function checkCrop(crop: RgbImage, index: number): void {
  const problem = rgbImageProblem(crop);
  if (problem !== undefined) {
    throw new FaceOptionError('embed', `crops[${index}]`, problem, 'expected an RgbImage { width, height, data: Uint8Array of width·height·3 } with width, height ≥ 1');
  }
}

/**
 * Compiles an embedding graph (one input `[N, S, S, 3]`, one output
 * `embedding` `[N, D]`) on the named backend: the teacher from
 * loadFaceApiTeacher, a student from faceStudent, or any graph built with
 * embeddingHead.
 */
export async function createEmbedder(graph: Graph, weights: Weights, options: EmbedderOptions): Promise<Embedder> {
  if (!options || typeof options !== 'object') throw new FaceOptionError(WHERE, 'options', options, 'expected { backend, normalize, l2Normalize, compileOptions }');
  checkKnownOptions(WHERE, options, ['backend', 'normalize', 'l2Normalize', 'compileOptions', 'threshold', 'mirror']);
  const mirror = checkMirror(WHERE, options.mirror);
  if (options.threshold !== undefined && !(options.threshold > 0 && Number.isFinite(options.threshold))) throw new FaceOptionError(WHERE, 'threshold', options.threshold, 'expected a positive finite distance');
  if (typeof options.backend !== 'string' || options.backend.length === 0) throw new FaceOptionError(WHERE, 'backend', options.backend, 'expected a registered backend name such as "cpu" or "wasm"');
  const normalize = options.normalize ?? 'minusOneToOne';
  if (isMeanRgb(normalize)) {
    const ok = Array.isArray(normalize.meanRgb) && normalize.meanRgb.length === 3 && normalize.meanRgb.every(Number.isFinite) && Number.isFinite(normalize.divisor) && normalize.divisor !== 0;
    if (!ok) throw new FaceOptionError(WHERE, 'normalize', normalize, 'expected { meanRgb: [r, g, b], divisor } with finite numbers and a non-zero divisor');
  } else if (normalize !== 'minusOneToOne' && normalize !== 'zeroToOne' && (typeof normalize !== 'object' || normalize === null)) {
    throw new FaceOptionError(WHERE, 'normalize', normalize, "expected 'minusOneToOne', 'zeroToOne', { mean, std } or { meanRgb, divisor }");
  }
  const info = analyzeGraph(graph);
  const inputs = graph.nodes.filter((n) => n.op === 'input');
  if (inputs.length !== 1) throw new FaceOptionError(WHERE, 'graph', graph.name, `an embedding graph needs exactly one input, found ${inputs.length}`);
  const inputName = inputs[0]!.name;
  const [, height, width, channels] = info.shapes.get(inputName)!;
  if (typeof height !== 'number' || height !== width || channels !== 3) {
    throw new FaceOptionError(WHERE, 'graph', graph.name, `the input must be [n, S, S, 3] with a fixed square size, got ${JSON.stringify(info.shapes.get(inputName))}`);
  }
  const out = graph.outputs.find((o) => o.name === EMBEDDING_OUTPUT);
  if (!out) throw new FaceOptionError(WHERE, 'graph', graph.name, `the graph needs an output named "${EMBEDDING_OUTPUT}" (build it with embeddingHead or faceApiRecognitionGraph)`);
  const outShape = info.shapes.get(out.node)!;
  if (outShape.length !== 2 || typeof outShape[1] !== 'number') throw new FaceOptionError(WHERE, 'graph', graph.name, `the "${EMBEDDING_OUTPUT}" output must be [n, D], got ${JSON.stringify(outShape)}`);
  const dimensions = outShape[1];
  const size = height;
  const l2 = options.l2Normalize ?? false;

  const model: CompiledModel = await compile(graph, weights, { ...options.compileOptions, backend: options.backend });
  let disposed = false;
  return {
    backend: model.backend,
    inputSize: size,
    dimensions,
    mirror,
    ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
    async embed(crops) {
      if (disposed) throw new Error('embed: this embedder was disposed');
      const list: readonly RgbImage[] = Array.isArray(crops) ? crops : [crops as RgbImage];
      if (list.length === 0) return [];
      list.forEach(checkCrop);
      const data = preprocess(mirror === 'none' ? list : list.map((c) => applyMirror(c, mirror)), { size, resize: 'stretch', normalize }).input.data;
      const result = await model.run({ [inputName]: { shape: [list.length, size, size, 3], data } });
      const values = result[EMBEDDING_OUTPUT]!.data as Float32Array;
      return list.map((_, i) => {
        const v = values.slice(i * dimensions, (i + 1) * dimensions);
        if (l2) {
          let sum = 0;
          for (const x of v) sum += x * x;
          const scale = 1 / Math.sqrt(Math.max(sum, 1e-12));
          for (let j = 0; j < v.length; j++) v[j] = v[j]! * scale;
        }
        return v;
      });
    },
    dispose() {
      if (!disposed) model.dispose();
      disposed = true;
    },
  };
}
