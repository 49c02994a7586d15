import { createRequire } from 'node:module';
import * as path from 'node:path';
import { type Detector, findFaceApiModelDir, loadFaceDetector } from '@mobilenet-kit/detection';
import { type EmbeddedFace, type Embedder, DEFAULT_FACE_MARGIN, detectAndEmbed, loadEmbedderModel, loadFaceApiTeacher, shippedFaceModelDir } from '@mobilenet-kit/face';
import { decodeImage, ImageError, type RgbImage } from '@mobilenet-kit/image';
import { type DetectBackend, INFERENCE_BACKEND_FLAG, startCommandBackend, startDetectBackend } from '../detect-backends';
import { defineCommand, type FlagSpec } from '../command';
import { ALLOW_SVG_FLAG, booleanFlag, numberFlag } from '../flags';
import { EXIT_FAILURE, EXIT_OK } from '../io';

/** --model: 'teacher' (face-api's recognition net) or a folder written by saveEmbedderModel (a student). */
export const FACE_MODEL_FLAG: FlagSpec<string> = {
  type: 'string',
  valueName: 'M',
  description: "the embedding network: teacher (face-api's FaceRecognitionNet, 150×150), student (the MobileNet shipped with @mobilenet-kit/face) or a student model folder (model.json from @mobilenet-kit/face)",
  allowed: 'teacher, student or a folder',
  default: 'teacher',
  parse: (raw) => (typeof raw === 'string' && raw.length > 0 ? raw : undefined),
};

export const FACE_API_DIR_FLAG: FlagSpec<string> = {
  type: 'string',
  valueName: 'DIR',
  description: "folder holding face-api's detector and recognition weights (ssd_mobilenetv1_model*, face_recognition_model*)",
  default: 'model/ of the installed @vladmandic/face-api',
  parse: (raw) => (typeof raw === 'string' && raw.length > 0 ? raw : undefined),
};

export const MARGIN_FLAG = numberFlag({ valueName: 'F', description: "crop margin around each face box, as a fraction of the box's longer side on each side", allowed: 'a number ≥ 0', default: String(DEFAULT_FACE_MARGIN), min: 0 });

export const MIN_SCORE_FLAG: FlagSpec<number> = (() => {
  const base = numberFlag({ valueName: 'S', description: 'keep faces the detector scores above this', allowed: 'a number from 0 to 1', default: '0.5', min: 0 });
  return { ...base, parse: (raw) => { const v = base.parse(raw) as number | undefined; return v !== undefined && v <= 1 ? v : undefined; } };
})();

/** face-api's model/ folder: this package's own dependency first (pnpm hides it from detection), else detection's search. */
export async function defaultFaceApiDir(): Promise<string> {
  try {
    return path.join(path.dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'model');
  } catch {
    return findFaceApiModelDir();
  }
}

export interface FaceModels {
  readonly detector: Detector;
  readonly embedder: Embedder;
  /** What embeds, in words, for the output. */
  readonly model: string;
  dispose(): void;
}

/** Starts the backend and loads the detector and the embedding network named by --model. */
export async function loadFaceModels(backend: DetectBackend, model: string, faceApiDir: string | undefined): Promise<FaceModels> {
  await startDetectBackend(backend, { modelsInTurn: true });
  const dir = path.resolve(faceApiDir ?? (await defaultFaceApiDir()));
  const detector = await loadFaceDetector({ backend, modelDir: dir });
  try {
    const studentDir = model === 'teacher' ? undefined : model === 'student' ? await shippedFaceModelDir('embedding') : path.resolve(model);
    const embedder = studentDir === undefined ? await loadFaceApiTeacher({ backend, modelDir: dir }) : await loadEmbedderModel(studentDir, { backend });
    const name = studentDir === undefined ? `teacher (face-api FaceRecognitionNet, ${dir})` : `${model === 'student' ? 'shipped student' : 'student'} ${studentDir}`;
    return {
      detector,
      embedder,
      model: name,
      dispose: () => {
        embedder.dispose();
        detector.dispose();
      },
    };
  } catch (error) {
    detector.dispose();
    throw error;
  }
}

export type FaceFileReport = { readonly file: string; readonly width: number; readonly height: number; readonly faces: readonly EmbeddedFace[] } | { readonly file: string; readonly error: string };

/** Decodes one file and embeds its faces; a file that cannot be read gives `{ file, error }`. */
export async function embedFile(models: FaceModels, file: string, options: { minScore: number; margin: number; allowSvg?: boolean }): Promise<FaceFileReport> {
  let image: RgbImage;
  try {
    image = await decodeImage(file, { allowSvg: options.allowSvg === true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { file, error: error instanceof ImageError ? message : `${file}: ${message}` };
  }
  const faces = await detectAndEmbed(image, { detector: models.detector, embedder: models.embedder, minScore: options.minScore, margin: options.margin });
  return { file, width: image.width, height: image.height, faces };
}

const round = (x: number, digits = 1) => Number(x.toFixed(digits));
const jsonFace = (f: EmbeddedFace) => ({
  box: { x: round(f.box.x), y: round(f.box.y), width: round(f.box.width), height: round(f.box.height) },
  score: round(f.score, 4),
  descriptor: Array.from(f.descriptor),
});

export const embedCommand = defineCommand({
  name: 'embed',
  summary: 'find faces and print a 128-d descriptor for each (face-api teacher or a MobileNet student)',
  description: [
    "Finds the faces in each image with the SSD MobileNetV1 face detector, crops a square around each (with a margin,",
    'padded black past the border) and embeds it: with face-api\'s FaceRecognitionNet imported into our IR (--model',
    'teacher, the default) or with a student model folder. Prints box, score and the first values of each descriptor;',
    '--json prints every value. An image without faces lists none; a file that cannot be read is reported and skipped,',
    'and the exit code is then 1. Nothing is downloaded.',
  ].join('\n'),
  positionals: [{ name: 'images', description: 'image files (JPEG, PNG, WebP, GIF, TIFF, AVIF)', variadic: true }],
  flags: {
    'allow-svg': ALLOW_SVG_FLAG,
    backend: INFERENCE_BACKEND_FLAG,
    model: FACE_MODEL_FLAG,
    'min-score': MIN_SCORE_FLAG,
    margin: MARGIN_FLAG,
    json: booleanFlag('print { backend, model, images: [{ file, width, height, faces: [{ box, score, descriptor }] } or { file, error }] } as JSON'),
    'face-api-dir': FACE_API_DIR_FLAG,
  },
  examples: ['mobilenet-kit embed photo.jpg', 'mobilenet-kit embed a.jpg b.jpg --json > descriptors.json', 'mobilenet-kit embed photo.jpg --model my-student/'],
  async run({ flags, positionals }, io) {
    const { name: backend } = await startCommandBackend(flags.backend, io, { modelsInTurn: true, json: flags.json });
    let models: FaceModels;
    try {
      models = await loadFaceModels(backend, flags.model ?? 'teacher', flags['face-api-dir']);
    } catch (error) {
      io.stderr.write(`mobilenet-kit embed: ${(error as Error).message}\n`);
      return EXIT_FAILURE;
    }
    const reports: FaceFileReport[] = [];
    try {
      if (!flags.json) io.stdout.write(`backend: ${models.embedder.backend.name}\nmodel: ${models.model}\n`);
      for (const file of positionals) {
        const report = await embedFile(models, file, { minScore: flags['min-score'] ?? 0.5, margin: flags.margin ?? DEFAULT_FACE_MARGIN, allowSvg: flags['allow-svg'] === true });
        reports.push(report);
        if ('error' in report) {
          io.stderr.write(`mobilenet-kit embed: ${report.error}\n`);
          continue;
        }
        if (flags.json) continue;
        io.stdout.write(`\n${report.file} (${report.width}×${report.height}): ${report.faces.length} face${report.faces.length === 1 ? '' : 's'}\n`);
        for (const f of report.faces) {
          const head = Array.from(f.descriptor.subarray(0, 4), (v) => v.toFixed(4)).join(', ');
          io.stdout.write(`  box ${f.box.x.toFixed(0)},${f.box.y.toFixed(0)} ${f.box.width.toFixed(0)}×${f.box.height.toFixed(0)}  score ${f.score.toFixed(3)}  descriptor [${head}, …] (${f.descriptor.length})\n`);
        }
      }
    } finally {
      models.dispose();
    }
    const failed = reports.filter((r) => 'error' in r).length;
    if (flags.json) {
      const images = reports.map((r) => ('error' in r ? r : { file: r.file, width: r.width, height: r.height, faces: r.faces.map(jsonFace) }));
      io.stdout.write(`${JSON.stringify({ backend: models.embedder.backend, model: models.model, images })}\n`);
    }
    return failed ? EXIT_FAILURE : EXIT_OK;
  },
});
