import { type BackendInfo, type CompileOptions, type CompiledModel, type Graph, type Weights, analyzeGraph, compile } from '@mobilenet-kit/core';
import { type Box, type ImageSource, type Normalization, type ResizeMode, type RgbImage, clipBox, decodeImage, preprocess } from '@mobilenet-kit/image';
import { SSD_BOX_CODER_SCALES, decodeBoxes } from './box-coder';
import { DetectionOptionError, checkKnownOptions, checkUnitInterval } from './errors';
import { nonMaxSuppression } from './nms';
import { type ScoreConversion, logitsToScores } from './scores';
import { SSD_OUTPUTS } from './ssd-head';

/** One detected object, in the original image's pixels. */
export interface Detection {
  readonly box: Box;
  readonly score: number;
  readonly label: string;
  /** Class index in the model's output (1 = first foreground class; 0 is background). */
  readonly classIndex: number;
}

export interface DetectOptions {
  /** Keep detections with a score strictly above this. Default 0.5. */
  minScore?: number;
  /** NMS drops a box whose IoU with a kept box of its class is ≥ this. Default 0.5. */
  iouThreshold?: number;
  /** Most detections per class and per image. Default 100. */
  maxResults?: number;
  /**
   * One NMS over all classes instead of one per class: each anchor competes with its best-scoring
   * class, so one object gets one box and one label. `maxResults` then caps the boxes per image. Default false.
   */
  classAgnostic?: boolean;
}

/** Anything `detect()` takes: an RgbImage, or any source `decodeImage` of @mobilenet-kit/image accepts. */
export type DetectorImage = RgbImage | ImageSource;

export interface DetectorOptions {
  /** Backend name in core's registry (`cpu`, `wasm`, …); required. */
  backend: string;
  /** `[anchors·4]` as `[ymin, xmin, ymax, xmax]`, normalized to the input, in the order of the model's outputs. */
  anchors: Float32Array;
  /** Label of each foreground class (class index 1 first); `null` leaves a class out of the results. */
  labels: readonly (string | null)[];
  /** How images are fitted into the input. Default 'stretch'. */
  resize?: ResizeMode;
  /** Input normalization. Default 'minusOneToOne'. */
  normalize?: Normalization;
  /** Default 'sigmoid'. */
  scoreConversion?: ScoreConversion;
  /** Box coder scale factors [y, x, h, w]. Default [10, 10, 5, 5]. */
  boxCoderScales?: readonly [number, number, number, number];
  /** Passed to core's compile (optimize, warmup, backendOptions). */
  compileOptions?: Omit<CompileOptions, 'backend'>;
  /** Defaults of `detect()`'s options. */
  defaults?: DetectOptions;
}

/** Milliseconds per stage of one detect() call (decoding the image files excluded). */
export interface DetectTimings {
  readonly preprocess: number;
  readonly network: number;
  /** Box decoding, scores, NMS and mapping back to the images. */
  readonly postprocess: number;
}

export interface DetectRun {
  /** One list per image, in input order; each sorted by descending score. */
  readonly detections: Detection[][];
  /** The backend that ran the network. */
  readonly backend: BackendInfo;
  readonly timings: DetectTimings;
}

export interface Detector {
  /** The backend that runs the network (name and details, e.g. SIMD and threads on wasm). */
  readonly backend: BackendInfo;
  readonly labels: readonly (string | null)[];
  readonly anchors: Float32Array;
  readonly inputSize: readonly [number, number];
  detect(image: DetectorImage, options?: DetectOptions): Promise<Detection[]>;
  detect(images: readonly DetectorImage[], options?: DetectOptions): Promise<Detection[][]>;
  /** detect() for a batch, with the backend and per-stage times. */
  run(images: readonly DetectorImage[], options?: DetectOptions): Promise<DetectRun>;
  dispose(): void;
}

const WHERE = 'createDetector';
const DETECT_KEYS = ['minScore', 'iouThreshold', 'maxResults', 'classAgnostic'];
const DEFAULTS: Required<DetectOptions> = { minScore: 0.5, iouThreshold: 0.5, maxResults: 100, classAgnostic: false };

export function resolveDetectOptions(options: DetectOptions = {}, defaults: DetectOptions = {}, where = 'detect'): Required<DetectOptions> {
  if (options === null || typeof options !== 'object') throw new DetectionOptionError(where, 'options', options, 'expected an object { minScore, iouThreshold, maxResults }');
  checkKnownOptions(where, options, DETECT_KEYS);
  const minScore = checkUnitInterval(where, 'minScore', options.minScore ?? defaults.minScore ?? DEFAULTS.minScore);
  const iouThreshold = checkUnitInterval(where, 'iouThreshold', options.iouThreshold ?? defaults.iouThreshold ?? DEFAULTS.iouThreshold);
  const maxResults = options.maxResults ?? defaults.maxResults ?? DEFAULTS.maxResults;
  if (!Number.isInteger(maxResults) || maxResults < 0) throw new DetectionOptionError(where, 'maxResults', maxResults, 'expected an integer ≥ 0');
  const classAgnostic = options.classAgnostic ?? defaults.classAgnostic ?? DEFAULTS.classAgnostic;
  if (typeof classAgnostic !== 'boolean') throw new DetectionOptionError(where, 'classAgnostic', classAgnostic, 'expected true or false');
  return { minScore, iouThreshold, maxResults, classAgnostic };
}

function isRgbImage(x: unknown): x is RgbImage {
  if (!x || typeof x !== 'object' || 'channels' in x) return false;
  const r = x as RgbImage;
  return Number.isInteger(r.width) && Number.isInteger(r.height) && r.data instanceof Uint8Array && r.data.length === r.width * r.height * 3;
}

async function toRgb(image: DetectorImage): Promise<RgbImage> {
  return isRgbImage(image) ? image : decodeImage(image as ImageSource);
}

/**
 * A detector over any SSD graph with outputs `boxEncodings` [n, A, 4] and
 * `classLogits` [n, A, C+1]: images are fitted into the input, the network
 * runs on the named backend, boxes are decoded against the anchors with the
 * center-size coder, scores are sigmoids (or softmax), NMS runs per class
 * (score threshold, IoU threshold and count are separate options), boxes
 * are clipped to the input, mapped back to each image's pixels and clipped
 * to the image. A batch returns results for every image.
 */
export async function createDetector(graph: Graph, weights: Weights, options: DetectorOptions): Promise<Detector> {
  if (!options || typeof options !== 'object') throw new DetectionOptionError(WHERE, 'options', options, 'expected { backend, anchors, labels, … }');
  checkKnownOptions(WHERE, options, ['backend', 'anchors', 'labels', 'resize', 'normalize', 'scoreConversion', 'boxCoderScales', 'compileOptions', 'defaults']);
  if (typeof options.backend !== 'string' || options.backend.length === 0) throw new DetectionOptionError(WHERE, 'backend', options.backend, 'expected a registered backend name such as "cpu" or "wasm"');
  const info = analyzeGraph(graph);
  const inputs = graph.nodes.filter((n) => n.op === 'input');
  if (inputs.length !== 1) throw new DetectionOptionError(WHERE, 'graph', graph.name, `a detector graph needs exactly one input, found ${inputs.length}`);
  const inputName = inputs[0]!.name;
  const inputShape = info.shapes.get(inputName)!;
  const [, height, width, channels] = inputShape;
  if (typeof height !== 'number' || typeof width !== 'number' || channels !== 3) {
    throw new DetectionOptionError(WHERE, 'graph', graph.name, `the input must be [n, height, width, 3] with a fixed size, got ${JSON.stringify(inputShape)}`);
  }
  const boxOut = graph.outputs.find((o) => o.name === SSD_OUTPUTS.boxEncodings);
  const classOut = graph.outputs.find((o) => o.name === SSD_OUTPUTS.classLogits);
  if (!boxOut || !classOut) throw new DetectionOptionError(WHERE, 'graph', graph.name, `the graph needs outputs "${SSD_OUTPUTS.boxEncodings}" and "${SSD_OUTPUTS.classLogits}" (build it with ssdHead)`);
  const boxShape = info.shapes.get(boxOut.node)!;
  const classShape = info.shapes.get(classOut.node)!;
  const numAnchors = boxShape[1] as number;
  const numClassesWithBackground = classShape[2] as number;
  if (!(options.anchors instanceof Float32Array) || options.anchors.length !== numAnchors * 4) {
    throw new DetectionOptionError(WHERE, 'anchors', options.anchors instanceof Float32Array ? `a Float32Array of ${options.anchors.length} values` : options.anchors, `expected a Float32Array of ${numAnchors}·4 values (the graph predicts ${numAnchors} anchors)`);
  }
  const labels = options.labels;
  if (!Array.isArray(labels) || labels.length === 0 || labels.length > numClassesWithBackground - 1 || !labels.every((l) => l === null || typeof l === 'string')) {
    throw new DetectionOptionError(WHERE, 'labels', labels, `expected 1…${numClassesWithBackground - 1} labels (strings, or null to leave a class out), one per foreground class from class 1`);
  }
  const scoreConversion = options.scoreConversion ?? 'sigmoid';
  if (scoreConversion !== 'sigmoid' && scoreConversion !== 'softmax') throw new DetectionOptionError(WHERE, 'scoreConversion', scoreConversion, "expected 'sigmoid' or 'softmax'");
  const scales = options.boxCoderScales ?? SSD_BOX_CODER_SCALES;
  if (!Array.isArray(scales) || scales.length !== 4 || !scales.every((s) => typeof s === 'number' && s > 0 && Number.isFinite(s))) {
    throw new DetectionOptionError(WHERE, 'boxCoderScales', scales, 'expected four positive numbers [y, x, height, width]');
  }
  const resize = options.resize ?? 'stretch';
  const normalize = options.normalize ?? 'minusOneToOne';
  const defaults = resolveDetectOptions(options.defaults ?? {}, {}, `${WHERE} defaults`);
  const anchors = options.anchors;

  const model: CompiledModel = await compile(graph, weights, { ...options.compileOptions, backend: options.backend });
  let disposed = false;

  const detectBatch = async (images: readonly DetectorImage[], detectOptions?: DetectOptions): Promise<DetectRun> => {
    if (disposed) throw new Error('detect: this detector was disposed');
    const o = resolveDetectOptions(detectOptions ?? {}, defaults);
    if (!Array.isArray(images) || images.length === 0) throw new DetectionOptionError('detect', 'images', images, 'expected an image or a non-empty array of images');
    const rgb = await Promise.all(images.map(toRgb));
    const t0 = performance.now();
    const { input, transforms } = preprocess(rgb, { size: [height, width], resize, normalize });
    const t1 = performance.now();
    const outputs = await model.run({ [inputName]: input });
    const t2 = performance.now();
    const encodings = outputs[SSD_OUTPUTS.boxEncodings]!;
    const logits = outputs[SSD_OUTPUTS.classLogits]!;
    const perBox = numAnchors * 4;
    const perClass = numAnchors * numClassesWithBackground;
    const detections = rgb.map((image, b) => {
      const boxes = decodeBoxes(encodings.data.subarray(b * perBox, (b + 1) * perBox), anchors, scales);
      const scores = logitsToScores(logits.data.subarray(b * perClass, (b + 1) * perClass), numClassesWithBackground, scoreConversion);
      // Boxes wholly outside the image (in letterbox or padding) can never be reported: keep them out
      // of NMS, so that they cannot use up maxResults. Others go through NMS unclipped, as in face-api.
      const win = transforms[b]!.toInput({ x: 0, y: 0, width: image.width, height: image.height }, 'normalized');
      for (let i = 0; i < numAnchors; i++) {
        const outside =
          Math.min(boxes[i * 4 + 2]!, win.y + win.height, 1) <= Math.max(boxes[i * 4]!, win.y, 0) ||
          Math.min(boxes[i * 4 + 3]!, win.x + win.width, 1) <= Math.max(boxes[i * 4 + 1]!, win.x, 0);
        if (outside) scores.fill(-1, i * numClassesWithBackground, (i + 1) * numClassesWithBackground);
      }
      const found: Detection[] = [];
      const report = (i: number, classIndex: number, label: string) => {
        // Clip to the input first (as TF-OD and face-api do), then to the image (padding is not image).
        const ymin = Math.min(1, Math.max(0, boxes[i * 4]!));
        const xmin = Math.min(1, Math.max(0, boxes[i * 4 + 1]!));
        const ymax = Math.min(1, Math.max(0, boxes[i * 4 + 2]!));
        const xmax = Math.min(1, Math.max(0, boxes[i * 4 + 3]!));
        const inImage = clipBox(transforms[b]!.toOriginal({ x: xmin, y: ymin, width: xmax - xmin, height: ymax - ymin }, 'normalized'), image.width, image.height);
        if (inImage.width > 0 && inImage.height > 0) found.push({ box: inImage, score: scores[i * numClassesWithBackground + classIndex]!, label, classIndex });
      };
      if (o.classAgnostic) {
        // Each anchor's best reported class (lowest class index on ties), then one NMS over all anchors.
        const best = new Float32Array(numAnchors).fill(-1);
        const bestClass = new Int32Array(numAnchors);
        for (let i = 0; i < numAnchors; i++) {
          labels.forEach((label, c) => {
            const s = scores[i * numClassesWithBackground + c + 1]!;
            if (label !== null && s > best[i]!) {
              best[i] = s;
              bestClass[i] = c + 1;
            }
          });
        }
        for (const i of nonMaxSuppression(boxes, best, o.maxResults, o.iouThreshold, o.minScore)) report(i, bestClass[i]!, labels[bestClass[i]! - 1]!);
      } else {
        labels.forEach((label, c) => {
          if (label === null) return;
          const classIndex = c + 1;
          for (const i of nonMaxSuppression(boxes, scores, o.maxResults, o.iouThreshold, o.minScore, { stride: numClassesWithBackground, offset: classIndex })) report(i, classIndex, label);
        });
      }
      found.sort((a, z) => z.score - a.score);
      return found.slice(0, o.maxResults);
    });
    const t3 = performance.now();
    return { detections, backend: model.backend, timings: { preprocess: t1 - t0, network: t2 - t1, postprocess: t3 - t2 } };
  };

  async function detect(image: DetectorImage, detectOptions?: DetectOptions): Promise<Detection[]>;
  async function detect(images: readonly DetectorImage[], detectOptions?: DetectOptions): Promise<Detection[][]>;
  async function detect(images: DetectorImage | readonly DetectorImage[], detectOptions?: DetectOptions): Promise<Detection[] | Detection[][]> {
    if (Array.isArray(images)) return (await detectBatch(images, detectOptions)).detections;
    return (await detectBatch([images as DetectorImage], detectOptions)).detections[0]!;
  }

  return {
    backend: model.backend,
    labels,
    anchors,
    inputSize: [height, width] as const,
    detect,
    run: detectBatch,
    dispose() {
      if (!disposed) model.dispose();
      disposed = true;
    },
  };
}
