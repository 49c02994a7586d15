import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { checkOutputDir, ensureOutputDir, readRegularFile, writeFileAtomic } from '@mobilenet-kit/core/node';
import { DEFAULT_FACE_DISTANCE_THRESHOLD, DEFAULT_FACE_MARGIN, FaceMatcher, encodeGallery, readGallery } from '@mobilenet-kit/face';
import { defineCommand } from '../command';
import { INFERENCE_BACKEND_FLAG, startCommandBackend } from '../detect-backends';
import { ALLOW_SVG_FLAG, booleanFlag, numberFlag, pathFlag } from '../flags';
import { EXIT_FAILURE, EXIT_OK } from '../io';
import { UsageError } from '../usage-error';
import { FACE_API_DIR_FLAG, FACE_MODEL_FLAG, type FaceModels, MARGIN_FLAG, MIN_SCORE_FLAG, embedFile, loadFaceModels } from './embed';

interface GalleryResult {
  readonly matcher: FaceMatcher;
  /** Gallery images that gave no reference (unreadable, or no face). */
  readonly skipped: readonly string[];
}

/**
 * A folder with one subfolder per person (its name is the label), each
 * holding photos: the best-scoring face of each photo becomes a reference
 * descriptor of that person.
 */
async function galleryFromFolder(models: FaceModels, dir: string, threshold: number, options: { minScore: number; margin: number; allowSvg?: boolean }): Promise<GalleryResult> {
  const people = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  if (people.length === 0) throw new Error(`--gallery ${dir}: no subfolders; expected one folder per person holding their photos, or a FaceMatcher JSON file`);
  const matcher = new FaceMatcher([], { threshold, dimensions: models.embedder.dimensions });
  const skipped: string[] = [];
  for (const person of people) {
    const files = (await readdir(path.join(dir, person), { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => path.join(dir, person, e.name)).sort();
    for (const file of files) {
      const report = await embedFile(models, file, options);
      if ('error' in report) skipped.push(`${report.error}`);
      else if (report.faces.length === 0) skipped.push(`${file}: no face found`);
      else matcher.add(person, report.faces[0]!.descriptor);
    }
  }
  if (matcher.size === 0) throw new Error(`--gallery ${dir}: no face found in any photo of ${people.join(', ')}`);
  return { matcher, skipped };
}

async function loadGallery(models: FaceModels, gallery: string, threshold: number | undefined, options: { minScore: number; margin: number }): Promise<GalleryResult> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(gallery);
  } catch (error) {
    throw new Error(`--gallery ${gallery}: cannot read it (${(error as Error).message})`);
  }
  if (info.isDirectory()) return galleryFromFolder(models, gallery, threshold ?? models.embedder.threshold ?? DEFAULT_FACE_DISTANCE_THRESHOLD, options);
  // A FIFO, socket or device is refused before it is opened (a read of a FIFO blocks forever).
  const loaded = readGallery(await readRegularFile(gallery, { what: 'gallery' }), gallery);
  if (loaded.dimensions !== models.embedder.dimensions) {
    throw new Error(`${gallery}: the gallery holds ${loaded.dimensions}-d descriptors, but the model gives ${models.embedder.dimensions}-d ones (made with another model?)`);
  }
  const matcher = threshold === undefined ? loaded : loaded.withThreshold(threshold);
  return { matcher, skipped: [] };
}

/** Galleries past this many values are written only as binary files: their JSON would pass V8's longest string. */
const MAX_JSON_GALLERY_VALUES = 16 * 1024 * 1024;

/**
 * Before any work: --save-gallery names a file that can be written (not a folder, in a folder that exists or
 * can be made), else an error naming the flag instead of a bare ENOENT / ENOTDIR / EISDIR after the gallery is built.
 */
async function checkSaveGallery(file: string): Promise<void> {
  const target = path.resolve(file);
  const info = await stat(target).catch(() => undefined);
  if (info?.isDirectory()) throw new Error(`--save-gallery ${file}: is a folder; give the gallery file's name (people.json or people.gallery)`);
  if (info && !info.isFile()) throw new Error(`--save-gallery ${file}: exists and is not a regular file`);
  await checkOutputDir(path.dirname(target), '--save-gallery');
}

/** `--save-gallery FILE`: FaceMatcher JSON when FILE ends in .json, else the binary gallery file (any size); written atomically. */
async function saveGallery(file: string, matcher: FaceMatcher): Promise<void> {
  await ensureOutputDir(path.dirname(path.resolve(file)), '--save-gallery');
  if (!file.toLowerCase().endsWith('.json')) return writeFileAtomic(file, encodeGallery(matcher));
  if (matcher.size * matcher.dimensions > MAX_JSON_GALLERY_VALUES) {
    throw new Error(`--save-gallery ${file}: ${matcher.size} references are too many for JSON; name a file that does not end in .json (a binary gallery file)`);
  }
  await writeFileAtomic(file, `${JSON.stringify(matcher)}\n`);
}

export const matchCommand = defineCommand({
  name: 'match',
  summary: 'name the faces in photos against a gallery (folder per person, or a FaceMatcher JSON file)',
  description: [
    'Builds a FaceMatcher from --gallery: a folder with one subfolder per person (the subfolder name is the label;',
    'the best face of each photo is a reference), a JSON file written by --save-gallery or FaceMatcher.toJSON()',
    "(face-api's FaceMatcher JSON is read too), or a binary gallery file (--save-gallery to a name not ending in .json;",
    'any size). Then finds the faces in each image, embeds them (--model) and prints',
    'for each face the label of the nearest reference, or "unknown" when its euclidean distance is not below',
    `--threshold (default: the model's measured threshold, ${DEFAULT_FACE_DISTANCE_THRESHOLD} for the teacher, a student's from its model folder).`,
    'A gallery file that is damaged, not valid JSON or holds vectors of the wrong length is an error naming the place.',
  ].join('\n'),
  positionals: [{ name: 'images', description: 'image files to match (none: only build, and with --save-gallery save, the gallery)', variadic: true, optional: true }],
  flags: {
    'allow-svg': ALLOW_SVG_FLAG,
    gallery: pathFlag('PATH', 'a folder of per-person subfolders of photos, a FaceMatcher JSON file or a binary gallery file (required)'),
    backend: INFERENCE_BACKEND_FLAG,
    model: FACE_MODEL_FLAG,
    threshold: numberFlag({ valueName: 'D', description: 'largest euclidean distance that still names a face', allowed: 'a number > 0', default: `the model's measured one (teacher ${DEFAULT_FACE_DISTANCE_THRESHOLD}), or the gallery file's`, min: 0, exclusiveMin: true }),
    'min-score': MIN_SCORE_FLAG,
    margin: MARGIN_FLAG,
    'save-gallery': pathFlag('FILE', 'write the gallery (labels and reference descriptors): FaceMatcher JSON when FILE ends in .json, else a binary gallery file'),
    json: booleanFlag('print { model, gallery, images: [{ file, faces: [{ box, score, label, distance }] } or { file, error }] } as JSON'),
    'face-api-dir': FACE_API_DIR_FLAG,
  },
  examples: ['mobilenet-kit match --gallery people/ group.jpg', 'mobilenet-kit match --gallery people/ --save-gallery people.json', 'mobilenet-kit match --gallery people.json a.jpg b.jpg --json', 'mobilenet-kit match --gallery people/ --save-gallery people.gallery', 'mobilenet-kit match --gallery people.gallery group.jpg --threshold 0.45'],
  async run({ flags, positionals }, io) {
    if (flags.gallery === undefined) throw new UsageError('--gallery is required: a folder of per-person subfolders, or a FaceMatcher JSON file', 'match');
    const options = { minScore: flags['min-score'] ?? 0.5, margin: flags.margin ?? DEFAULT_FACE_MARGIN, allowSvg: flags['allow-svg'] === true };
    if (flags['save-gallery'] !== undefined) await checkSaveGallery(flags['save-gallery']);
    let models: FaceModels;
    const started = await startCommandBackend(flags.backend, io, { modelsInTurn: true, json: flags.json });
    try {
      models = await loadFaceModels(started.name, flags.model ?? 'teacher', flags['face-api-dir']);
    } catch (error) {
      io.stderr.write(`mobilenet-kit match: ${(error as Error).message}\n`);
      return EXIT_FAILURE;
    }
    let failed = 0;
    try {
      let gallery: GalleryResult;
      try {
        gallery = await loadGallery(models, flags.gallery, flags.threshold, options);
      } catch (error) {
        io.stderr.write(`mobilenet-kit match: ${(error as Error).message}\n`);
        return EXIT_FAILURE;
      }
      const { matcher } = gallery;
      for (const s of gallery.skipped) io.stderr.write(`mobilenet-kit match: gallery: skipped ${s}\n`);
      if (flags['save-gallery'] !== undefined) await saveGallery(flags['save-gallery'], matcher);
      const summary = `gallery: ${matcher.labelNames.length} people, ${matcher.size} reference faces, threshold ${matcher.threshold}`;
      if (!flags.json) io.stdout.write(`model: ${models.model}\n${summary}\n`);
      const images = [];
      for (const file of positionals) {
        const report = await embedFile(models, file, options);
        if ('error' in report) {
          failed++;
          io.stderr.write(`mobilenet-kit match: ${report.error}\n`);
          images.push(report);
          continue;
        }
        const faces = report.faces.map((f) => ({ box: f.box, score: f.score, ...matcher.match(f.descriptor) }));
        images.push({ file, faces: faces.map(({ box, score, label, distance }) => ({ box, score, label, distance })) });
        if (flags.json) continue;
        io.stdout.write(`\n${file}: ${faces.length} face${faces.length === 1 ? '' : 's'}\n`);
        for (const f of faces) {
          io.stdout.write(`  ${f.label.padEnd(16)} distance ${f.distance.toFixed(3)}  box ${f.box.x.toFixed(0)},${f.box.y.toFixed(0)} ${f.box.width.toFixed(0)}×${f.box.height.toFixed(0)}  score ${f.score.toFixed(3)}\n`);
        }
      }
      if (flags.json) io.stdout.write(`${JSON.stringify({ model: models.model, gallery: { people: matcher.labelNames, references: matcher.size, threshold: matcher.threshold }, images })}\n`);
    } finally {
      models.dispose();
    }
    return failed ? EXIT_FAILURE : EXIT_OK;
  },
});
