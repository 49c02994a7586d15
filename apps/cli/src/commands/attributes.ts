import * as path from 'node:path';
import { loadFaceDetector } from '@mobilenet-kit/detection';
import { type AttributePredictor, DEFAULT_FACE_MARGIN, type FaceWithAttributes, detectAttributes, loadAttributeModel, loadFaceApiAttributeTeachers, shippedFaceModelDir } from '@mobilenet-kit/face';
import { ImageError, type RgbImage, decodeImage, drawDetections, writeImage } from '@mobilenet-kit/image';
import { defineCommand, type FlagSpec } from '../command';
import { INFERENCE_BACKEND_FLAG, startCommandBackend } from '../detect-backends';
import { outputPaths } from '../detect-image';
import { FORMAT_FLAG } from '../output-format';
import { ALLOW_SVG_FLAG, booleanFlag, pathFlag } from '../flags';
import { EXIT_FAILURE, EXIT_OK } from '../io';
import { FACE_API_DIR_FLAG, MARGIN_FLAG, MIN_SCORE_FLAG, defaultFaceApiDir } from './embed';

/** --model: the shipped student, face-api's two teacher nets, or a folder written by train face-attributes. */
const ATTRIBUTE_MODEL_FLAG: FlagSpec<string> = {
  type: 'string',
  valueName: 'M',
  description: "teacher (face-api's AgeGenderNet and FaceExpressionNet in our IR: two passes), a model folder from train face-attributes (one MobileNet pass per face), or student (the one shipped with @mobilenet-kit/face, once one meets the agreement targets: none ships yet)",
  allowed: 'teacher, student or a folder',
  default: 'teacher',
  parse: (raw) => (typeof raw === 'string' && raw.length > 0 ? raw : undefined),
};

const round = (x: number, digits = 1) => Number(x.toFixed(digits));
const jsonFace = (f: FaceWithAttributes) => ({
  box: { x: round(f.box.x), y: round(f.box.y), width: round(f.box.width), height: round(f.box.height) },
  score: round(f.score, 4),
  age: round(f.age),
  gender: { label: f.gender.label, probability: round(f.gender.probability, 4) },
  expression: { label: f.expression.label, probabilities: Object.fromEntries(Object.entries(f.expression.probabilities).map(([k, v]) => [k, round(v as number, 4)])) },
});
const caption = (f: FaceWithAttributes) => `${f.gender.label} ${Math.round(f.age)} ${f.expression.label}`;

async function loadPredictor(model: string, backend: string, faceApiDir: string): Promise<{ predictor: AttributePredictor; name: string }> {
  if (model === 'teacher') return { predictor: await loadFaceApiAttributeTeachers({ backend, modelDir: faceApiDir }), name: `teacher (face-api AgeGenderNet + FaceExpressionNet, ${faceApiDir})` };
  const dir = model === 'student' ? await shippedFaceModelDir('attributes') : path.resolve(model);
  return { predictor: await loadAttributeModel(dir, { backend }), name: `${model === 'student' ? 'shipped student' : 'student'} ${dir}` };
}

export const attributesCommand = defineCommand({
  name: 'attributes',
  summary: "find faces and tell the age, gender and expression of each (face-api's two nets in our IR, or your distilled MobileNet)",
  description: [
    'Finds the faces in each image with the SSD MobileNetV1 face detector, crops a square around each (with a margin,',
    'padded black past the border) and tells its age (years), gender (male / female with its probability) and expression',
    "(neutral, happy, sad, angry, fearful, disgusted, surprised): with face-api's own two nets imported into our IR (the",
    'default, two passes) or a MobileNet distilled from them by mobilenet-kit train face-attributes (--model DIR, one pass',
    'per face). No distilled student ships yet (none met the agreement targets). --out writes each image',
    'with a label per face. A file that cannot be read is reported and skipped, and the exit code is then 1.',
  ].join('\n'),
  positionals: [{ name: 'images', description: 'image files (JPEG, PNG, WebP, GIF, TIFF, AVIF)', variadic: true }],
  flags: {
    'allow-svg': ALLOW_SVG_FLAG,
    backend: INFERENCE_BACKEND_FLAG,
    model: ATTRIBUTE_MODEL_FLAG,
    'min-score': MIN_SCORE_FLAG,
    margin: MARGIN_FLAG,
    json: booleanFlag('print { backend, model, images: [{ file, faces: [{ box, score, age, gender: { label, probability }, expression: { label, probabilities } }] } or { file, error }] } as JSON'),
    out: pathFlag('DIR', 'write each image with a label per face to DIR/<name>.<ext> (see --format)'),
    format: FORMAT_FLAG,
    'face-api-dir': FACE_API_DIR_FLAG,
  },
  examples: ['mobilenet-kit attributes photo.jpg', 'mobilenet-kit attributes a.jpg b.jpg --json', 'mobilenet-kit attributes photo.jpg --model teacher --out labelled'],
  async run({ flags, positionals }, io) {
    const outDir = flags.out !== undefined ? path.resolve(flags.out) : undefined;
    if (outDir) {
      // One level at a time (Node 20's recursive mkdir hangs under /proc); the error names --out.
      const { ensureOutputDir } = await import('@mobilenet-kit/core/node');
      await ensureOutputDir(outDir, '--out');
    }
    const { name: backend } = await startCommandBackend(flags.backend, io, { modelsInTurn: true, json: flags.json });
    const faceApiDir = path.resolve(flags['face-api-dir'] ?? (await defaultFaceApiDir()));
    let loaded: { predictor: AttributePredictor; name: string };
    const detector = await loadFaceDetector({ backend, modelDir: faceApiDir });
    try {
      loaded = await loadPredictor(flags.model ?? 'teacher', backend, faceApiDir);
    } catch (error) {
      detector.dispose();
      io.stderr.write(`mobilenet-kit attributes: ${(error as Error).message}\n`);
      return EXIT_FAILURE;
    }
    const outputs = outDir ? outputPaths(positionals, outDir, flags.format) : [];
    const images: ({ file: string; faces: ReturnType<typeof jsonFace>[] } | { file: string; error: string })[] = [];
    try {
      if (!flags.json) io.stdout.write(`model: ${loaded.name}\n`);
      for (const [i, file] of positionals.entries()) {
        let image: RgbImage;
        try {
          image = await decodeImage(file, { allowSvg: flags['allow-svg'] === true });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const failure = { file, error: error instanceof ImageError ? message : `${file}: ${message}` };
          images.push(failure);
          io.stderr.write(`mobilenet-kit attributes: ${failure.error}\n`);
          continue;
        }
        const faces = await detectAttributes(image, { detector, predictor: loaded.predictor, minScore: flags['min-score'] ?? 0.5, margin: flags.margin ?? DEFAULT_FACE_MARGIN });
        images.push({ file, faces: faces.map(jsonFace) });
        if (outDir) await writeImage(outputs[i]!, drawDetections(image, faces.map((f) => ({ box: f.box, label: caption(f) }))));
        if (flags.json) continue;
        io.stdout.write(`\n${file} (${image.width}×${image.height}): ${faces.length} face${faces.length === 1 ? '' : 's'}${outDir ? ` → ${outputs[i]}` : ''}\n`);
        for (const f of faces) {
          io.stdout.write(`  box ${f.box.x.toFixed(0)},${f.box.y.toFixed(0)} ${f.box.width.toFixed(0)}×${f.box.height.toFixed(0)}  age ${f.age.toFixed(1)}  ${f.gender.label} (${(100 * f.gender.probability).toFixed(1)}%)  ${f.expression.label} (${(100 * f.expression.probabilities[f.expression.label]).toFixed(1)}%)\n`);
        }
      }
    } finally {
      loaded.predictor.dispose();
      detector.dispose();
    }
    if (flags.json) io.stdout.write(`${JSON.stringify({ backend: loaded.predictor.backend, model: loaded.name, images })}\n`);
    return images.some((r) => 'error' in r) ? EXIT_FAILURE : EXIT_OK;
  },
});
