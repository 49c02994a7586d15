import type { Detection, DetectRun, DetectTimings } from '@mobilenet-kit/detection';
import { type RgbImage, decodeImage } from '@mobilenet-kit/image';
import { compilesShaders } from './backend-names';
import { type DetectorLoad, loadBrowserFaceDetector } from './face-detector';
import type { DetectReply, DetectRequest, ImageInput, PlainFace, Stage } from './worker-protocol';

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function encodedBytes(image: ImageInput): Promise<Uint8Array> {
  if (image.kind === 'url') return fetchBytes(image.url);
  if (image.kind === 'bytes') return new Uint8Array(image.bytes);
  throw new Error('an ImageBitmap is not encoded bytes');
}

/**
 * Face detection inside the inference worker: one detector per backend
 * (loaded on first use, its load times reported once), the last image
 * decoded (its decoding time reported once), and each detection's stages.
 */
export class WorkerDetection {
  readonly #modelUrl: string;
  readonly #detectors = new Map<string, Promise<DetectorLoad>>();
  /** Load times to report with the next detection on each backend (then forgotten: they happen once). */
  readonly #freshLoads = new Map<string, Stage[]>();
  #decoded: { key: string; image: Promise<{ rgb: RgbImage; ms: number; shown: boolean }> } | undefined;

  constructor(modelUrl: string) {
    this.#modelUrl = modelUrl;
  }

  /** The software-WebGL retry replaces the webgl backend: forget its failed or old detector. */
  forgetBackend(backend: string): void {
    const previous = this.#detectors.get(backend);
    this.#detectors.delete(backend);
    previous?.then((load) => load.detector.dispose()).catch(() => undefined);
  }

  async detect(request: DetectRequest): Promise<DetectReply> {
    const { backend, image, minScore } = request;
    if (image.kind === 'bitmap') {
      // A webcam frame: read by the detector's preprocessing, no decoding stage.
      try {
        const { detector } = await this.#detector(backend);
        const run = await detector.run([image.bitmap], { minScore });
        return this.#reply(backend, run, { width: image.bitmap.width, height: image.bitmap.height }, []);
      } finally {
        image.bitmap.close();
      }
    }
    // Loading the detector and decoding the photo overlap (network, then CPU).
    const [{ detector }, decoded] = await Promise.all([this.#detector(backend), this.#decodedImage(request.imageKey, image)]);
    const run = await detector.run([decoded.rgb], { minScore });
    const decodeStage = decoded.shown ? [] : [{ label: 'decode image (browser)', ms: decoded.ms, once: true }];
    decoded.shown = true;
    return this.#reply(backend, run, { width: decoded.rgb.width, height: decoded.rgb.height }, decodeStage);
  }

  #reply(backend: string, run: DetectRun, imageSize: DetectReply['imageSize'], once: readonly Stage[]): DetectReply {
    const stages = [...(this.#freshLoads.get(backend) ?? []), ...once, ...detectStages(run.timings)];
    this.#freshLoads.delete(backend);
    return { backend: { ...run.backend }, imageSize, faces: run.detections[0]!.map(plainFace), stages };
  }

  #detector(backend: string): Promise<DetectorLoad> {
    let load = this.#detectors.get(backend);
    if (!load) {
      load = loadBrowserFaceDetector(backend, this.#modelUrl);
      this.#detectors.set(backend, load);
      load.then(
        ({ weightsMs, compileMs }) => {
          const stages: Stage[] = [];
          if (weightsMs > 1) stages.push({ label: 'fetch + decode weights', ms: weightsMs, once: true });
          stages.push({ label: compilesShaders(backend) ? 'compile + warm-up (shaders)' : 'compile (upload weights)', ms: compileMs, once: true });
          this.#freshLoads.set(backend, stages);
        },
        () => this.#detectors.delete(backend),
      );
    }
    return load;
  }

  #decodedImage(key: string, input: ImageInput): Promise<{ rgb: RgbImage; ms: number; shown: boolean }> {
    if (this.#decoded?.key !== key || this.#decoded === undefined) {
      const image = (async () => {
        const bytes = await encodedBytes(input);
        const t0 = performance.now();
        // createImageBitmap (EXIF orientation applied), then OffscreenCanvas → RGB: @mobilenet-kit/image's browser path.
        const rgb = await decodeImage(bytes);
        return { rgb, ms: performance.now() - t0, shown: false };
      })();
      this.#decoded = { key, image };
      image.catch(() => {
        if (this.#decoded?.image === image) this.#decoded = undefined;
      });
    }
    return this.#decoded.image;
  }
}

function detectStages(timings: DetectTimings): Stage[] {
  return [
    { label: 'preprocess (pad, resize 512², normalize)', ms: timings.preprocess },
    { label: 'network (SSD MobileNetV1)', ms: timings.network },
    { label: 'postprocess (decode boxes, NMS)', ms: timings.postprocess },
  ];
}

function plainFace(face: Detection): PlainFace {
  return { x: face.box.x, y: face.box.y, width: face.box.width, height: face.box.height, score: face.score };
}
