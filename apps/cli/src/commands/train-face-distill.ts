import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { graphCost } from '@mobilenet-kit/core';
import { type EmbedderMirror, applyMirror, createEmbedder, createFaceStudent, loadFaceApiTeacher, saveEmbedderModel } from '@mobilenet-kit/face';
import {
  type ExtraViewsSettings,
  distillStudent,
  EMBEDDING_TRAIN_DEFAULTS,
  evaluateStudent,
  extendTrainViews,
  fitEmbeddingHead,
  loadFaceCheckpoint,
  lowResViews,
  medianEmbedMs,
  mixupViews,
  moreViews,
  renderDistillView,
  saveDistillSet,
  unitTarget,
  wideViews,
} from '@mobilenet-kit/face/training';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BACKEND_FLAG, formatDuration } from '../classification-support';
import { startCommandBackend } from '../detect-backends';
import { defineCommand } from '../command';
import { FETCH_FACE_PHOTOS_SCRIPT, describeDistillData, loadOrBuildDistillSet } from '../face-distill-data';
import { booleanFlag, choiceFlag, numberFlag, pathFlag } from '../flags';
import { formatCount, formatPercent } from '../format/numbers';
import { renderTable } from '../format/table';
import { EXIT_FAILURE, EXIT_OK } from '../io';
import { UsageError } from '../usage-error';
import { defaultFaceApiDir } from './embed';


/** The face photos folder tooling/fixtures/fetch-face-photos.sh fills. */
export function defaultFacePhotosDir(cwd = process.cwd()): string {
  const cache = process.env.MOBILENET_KIT_FIXTURES_DIR;
  if (cache) return path.join(cache, 'faces');
  // From the working folder up to the first node_modules/.cache/mobilenet-kit (the repository root's).
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', '.cache', 'mobilenet-kit', 'fixtures', 'faces');
    if (existsSync(candidate) || path.dirname(dir) === dir) return candidate;
  }
}

const atomicWrite = async (file: string, text: string) => {
  await writeFile(`${file}.${process.pid}.tmp`, text);
  await rename(`${file}.${process.pid}.tmp`, file);
};

const fixed = (x: number, digits = 3) => x.toFixed(digits);

/** What a batch of extra training views is, for the data line. */
function describeExtraViews(extra: ExtraViewsSettings): string {
  if (extra.lowRes) return `reduced to ${extra.lowRes}×${extra.lowRes}${extra.gray ? ' gray' : ''}`;
  if (extra.mixup) return `mixup, another face blended in at a weight below ${extra.mixup}`;
  if (extra.augment.shift === undefined) return 'augmented as --views';
  return `shift ±${extra.augment.shift}, zoom ±${extra.augment.scale}`;
}

export const trainFaceDistillCommand = defineCommand({
  name: 'train face-distill',
  summary: "distill face-api's recognition net (the teacher) into a MobileNet student, with checkpoints and --resume",
  description: [
    'PAPER.md Table 14: the student (MobileNet v1 at 128 or 160 px, width --alpha, backbone from the pretrained face',
    "detector) learns to give the teacher's embedding: the loss is the squared L2 distance between its embedding of an",
    "augmented face crop and the teacher's (unit-length) descriptor of the same crop.",
    'Data: every face our detector finds in the photos of --data (tooling/fixtures/fetch-face-photos.sh puts',
    "face-api's demo photos, Debian python3-skimage and opencv-doc photos and skimage's lfw_subset there), square crops",
    'with a margin, near duplicates dropped, a held-out split of whole faces, --views augmented views per training face',
    "(flip, shifts, zoom, brightness, contrast) each with the teacher's descriptor, computed once and kept in <out>/data.",
    "The student's head starts as the ridge-regression fit of the teacher's descriptors on the backbone's pooled features,",
    "then the blocks from --train-from-block on train (backend-tfjs's RMSProp, warm-up, then cosine or exponential learning-rate decay).",
    '--mirror canonical (the default) mirrors every crop the student sees to one orientation (brighter half on the right), in the ridge fit,',
    'in training and in its model folder, so that a face and its mirror image embed alike (face-api\'s net nearly does so by itself, the',
    "detector's backbone does not); --train-mirror none trains on the views as rendered instead (half of them flipped) and embeds canonically.",
    '--low-res-views, --wide-views, --extra-views and --mixup-views add teacher-labelled renderings of the training faces. A checkpoint is written atomically after every epoch',
    'to <out>/checkpoint.mkc; --resume continues from it exactly. At the end: <out>/model (for embed/match --model),',
    '<out>/report.json: student vs teacher on the held-out faces (agreement, identification, cosine, FAR/FRR curves).',
  ].join('\n'),
  flags: {
    alpha: numberFlag({ valueName: 'A', description: 'width multiplier α (the detector is 1; narrower students take its leading channels)', allowed: 'a number > 0 and ≤ 1', default: '1', min: 0, exclusiveMin: true }),
    resolution: choiceFlag({ valueName: 'R', description: "the student's input size (Table 14)", choices: ['128', '160'] as const, default: '128' }),
    epochs: numberFlag({ valueName: 'N', description: 'epochs (with --resume: the total, so a run can be extended)', allowed: 'an integer ≥ 1', default: '3', integer: true, min: 1 }),
    'batch-size': numberFlag({ valueName: 'B', description: 'crops per step', allowed: 'an integer ≥ 1', default: '32', integer: true, min: 1 }),
    'learning-rate': numberFlag({ valueName: 'LR', description: 'peak learning rate (after --warmup-epochs, --decay to 5% of it)', allowed: 'a number > 0', default: '0.00003', min: 0, exclusiveMin: true }),
    views: numberFlag({ valueName: 'V', description: 'augmented views per training face (each one teacher run)', allowed: 'an integer ≥ 1', default: '16', integer: true, min: 1 }),
    'held-out': numberFlag({ valueName: 'F', description: 'fraction of the faces (groups of look-alikes) held out for the evaluation', allowed: 'a number > 0 and < 1', default: '0.2', min: 0, exclusiveMin: true }),
    'held-out-views': numberFlag({ valueName: 'V', description: 'augmented views per held-out face, for the evaluation', allowed: 'an integer ≥ 1', default: '8', integer: true, min: 1 }),
    backend: BACKEND_FLAG,
    out: pathFlag('DIR', 'output folder (data cache, checkpoint, model, report)', './face-distill-run'),
    data: pathFlag('DIR', `face photos folder (face-api/, skimage/, opencv/, lfw_subset.npy), filled by ${FETCH_FACE_PHOTOS_SCRIPT}`, '<repo>/node_modules/.cache/mobilenet-kit/fixtures/faces'),
    resume: booleanFlag('continue from <out>/checkpoint.mkc (its settings are kept; --epochs may extend the run)'),
    force: booleanFlag('start over: replace a checkpoint left in <out> instead of refusing'),
    seed: numberFlag({ valueName: 'S', description: 'seed of the split, the augmentations and the shuffling', allowed: 'an integer ≥ 0', default: '1', integer: true, min: 0 }),
    'no-fit-head': booleanFlag("start the head from Keras's random initialization instead of the ridge fit"),
    'warmup-epochs': numberFlag({ valueName: 'E', description: 'epochs of linear learning-rate warm-up (fractions allowed), then --decay to 5% of the peak', allowed: 'a number ≥ 0', default: '0', min: 0 }),
    decay: choiceFlag({ valueName: 'D', description: 'learning-rate decay after the warm-up', choices: ['cosine', 'exponential'] as const, default: 'cosine' }),
    'rmsprop-initial-ms': numberFlag({ valueName: 'V', description: "RMSProp's mean-square slot at the start: 1 as TensorFlow 1, 0 as tfjs's (whose first steps move every weight by ≈3·lr)", allowed: 'a number ≥ 0', default: '0', min: 0 }),
    'train-from-block': numberFlag({ valueName: 'K', description: 'train blocks K…13 and the head only (0: everything, 14: the head only); the earlier blocks keep the detector\'s weights', allowed: 'an integer 0…14', default: '0', integer: true, min: 0 }),
    'low-res-views': numberFlag({ valueName: 'V', description: "extra views per training face from a photo, reduced to a 25×25 gray patch first as lfw_subset's faces are (each one teacher run, added to the data cache)", allowed: 'an integer ≥ 0', default: '0', integer: true, min: 0 }),
    mirror: choiceFlag({ valueName: 'M', description: "canonical: the student sees every crop mirrored to its canonical orientation (brighter half on the right), in training and in its model folder, so a face and its mirror image embed alike; none: crops as given", choices: ['canonical', 'none'] as const, default: 'canonical' }),
    'train-mirror': choiceFlag({ valueName: 'M', description: "what the student trains on: canonical (views mirrored as --mirror canonical embeds them) or none (the views as rendered, half of them flipped); default: as --mirror", choices: ['canonical', 'none'] as const }),
    'extra-views': numberFlag({ valueName: 'V', description: 'extra views per training face, augmented as --views are but drawn from their own seed, so the held-out views stay the same (each one teacher run, added to the data cache)', allowed: 'an integer ≥ 0', default: '0', integer: true, min: 0 }),
    relational: numberFlag({ valueName: 'W', description: "weight of RKD's relational distance loss (Park et al. 2019: the batch's pairwise distances, each over its mean, student vs teacher, Huber) added to the squared distance (kept in the checkpoint)", allowed: 'a number ≥ 0', default: '0', min: 0 }),
    'mixup-views': numberFlag({ valueName: 'V', description: 'extra views per training face with another training face blended in at a weight below 0.5 (mixup; each one teacher run, added to the data cache)', allowed: 'an integer ≥ 0', default: '0', integer: true, min: 0 }),
    'wide-views': numberFlag({ valueName: 'V', description: 'extra views per training face with wider shifts (±12%) and zooms (±25%) (each one teacher run, added to the data cache)', allowed: 'an integer ≥ 0', default: '0', integer: true, min: 0 }),
  },
  examples: ['mobilenet-kit train face-distill --alpha 1 --resolution 128 --epochs 3 --out run1', 'mobilenet-kit train face-distill --out run1 --resume', 'mobilenet-kit train face-distill --alpha 0.5 --resolution 160 --backend cpu'],
  async run({ flags }, io) {
    const started = performance.now();
    const out = path.resolve(flags.out ?? './face-distill-run');
    // Before any work (and leaving nothing behind): an --out under /proc, inside a file or read-only is an error naming --out.
    await (await import('@mobilenet-kit/core/node')).checkOutputDir(out, '--out');
    const checkpointFile = path.join(out, 'checkpoint.mkc');
    if (flags.resume && flags.force) throw new UsageError('mobilenet-kit train face-distill: --resume and --force contradict each other (continue, or start over)', 'train face-distill');
    if (existsSync(checkpointFile) && !flags.resume) {
      if (!flags.force) throw new UsageError(`mobilenet-kit train face-distill: ${checkpointFile} exists; pass --resume to continue it, --force to start over, or choose another --out`, 'train face-distill');
      await rm(checkpointFile, { force: true });
    }
    const dataDir = path.resolve(flags.data ?? defaultFacePhotosDir());
    const alpha = flags.alpha ?? 1;
    if (alpha > 1) throw new UsageError(`mobilenet-kit train face-distill: --alpha ${alpha} is not allowed; --alpha takes a number > 0 and ≤ 1`, 'train face-distill');
    const resolution = Number(flags.resolution ?? '128') as 128 | 160;
    const seed = flags.seed ?? 1;
    const { name: backend } = await startCommandBackend(flags.backend, io, { training: true });
    const faceApiDir = await defaultFaceApiDir();

    const teacher = await loadFaceApiTeacher({ backend, modelDir: faceApiDir });
    try {
      // The data: built once (detector + teacher), then read back from <out>/data.
      const dataCache = path.join(out, 'data');
      let set = await loadOrBuildDistillSet(
        { command: 'train face-distill', cache: dataCache, photosDir: dataDir, backend, faceApiDir, teacher, seed, heldOutFraction: flags['held-out'] ?? 0.2, views: flags.views ?? 16, heldOutViews: flags['held-out-views'] ?? 8, started },
        io,
      );
      if (!set) return EXIT_FAILURE;
      // Extra training views (teacher runs on renderings of training faces only), added to the cache once.
      const wanted = [
        ...(flags['low-res-views'] ? [lowResViews(flags['low-res-views'], seed + 1)] : []),
        ...(flags['wide-views'] ? [wideViews(flags['wide-views'], seed + 2)] : []),
        ...(flags['extra-views'] ? [moreViews(flags['extra-views'], seed + 3)] : []),
        ...(flags['mixup-views'] ? [mixupViews(flags['mixup-views'], seed + 4)] : []),
      ];
      for (const extra of wanted) {
        if ((set.settings.extraViews ?? []).some((e) => JSON.stringify(e) === JSON.stringify(extra))) continue;
        const before = set.trainViews.length;
        set = await extendTrainViews(set, teacher, extra);
        io.stdout.write(`data: ${set.trainViews.length - before} extra training views (${describeExtraViews(extra)}) in ${formatDuration((performance.now() - started) / 1000)}\n`);
        await saveDistillSet(dataCache, set);
      }
      io.stdout.write(`${describeDistillData(set)}\n`);

      if (set.heldOut.length < 2) {
        io.stderr.write(`mobilenet-kit train face-distill: only ${set.heldOut.length} held-out face; the evaluation matches each held-out view against at least two held-out faces (more photos, or a larger --held-out, then delete ${dataCache})\n`);
        return EXIT_FAILURE;
      }
      const previous = flags.resume === true ? await loadFaceCheckpoint(checkpointFile) : undefined;
      const resuming = previous !== undefined;
      if (flags.resume && !resuming) io.stdout.write(`no checkpoint at ${checkpointFile}: --resume starts a new run\n`);
      // A resumed run keeps its checkpoint's mirror settings unless given (absent in checkpoints from before --mirror existed: none).
      const recorded = previous?.metadata?.faceDistillation as { mirror?: EmbedderMirror; trainMirror?: EmbedderMirror; relational?: number } | undefined;
      const mirror: EmbedderMirror = flags.mirror ?? (resuming ? (recorded?.mirror ?? 'none') : 'canonical');
      const trainMirror: EmbedderMirror = flags['train-mirror'] ?? (resuming ? (recorded?.trainMirror ?? recorded?.mirror ?? 'none') : mirror);
      const relational = flags.relational ?? (resuming ? (recorded?.relational ?? 0) : 0);
      let { graph, weights } = await createFaceStudent({ alpha, resolution, seed, detectorModelDir: faceApiDir });
      if (!resuming && !flags['no-fit-head']) {
        const fitted = performance.now();
        weights = await fitEmbeddingHead(
          graph,
          weights,
          set.trainViews.map((v) => applyMirror(renderDistillView(set!.faces, v, resolution), trainMirror)),
          set.trainViews.map((v) => unitTarget(v.teacher)),
          { backend, ridge: 0.01 },
        );
        const probe = await createEmbedder(graph, weights, { backend, mirror });
        const before = await evaluateStudent(set, probe).finally(() => probe.dispose());
        io.stdout.write(
          `head fitted by ridge regression in ${formatDuration((performance.now() - fitted) / 1000)}: held-out cosine ${fixed(before.agreement.meanCosine)} (centred ${fixed(before.agreement.meanCentredCosine)}), agreement ${formatPercent(100 * before.agreement.agreement, 1)}\n`,
        );
      }

      let lastLine = 0;
      const result = await distillStudent({
        graph,
        weights,
        metadata: { faceDistillation: { alpha, resolution, seed, mirror, trainMirror, relational } },
        set,
        mirror: trainMirror,
        relational,
        tf,
        tfl,
        tfBackend: backend,
        config: {
          ...(flags.epochs !== undefined || !resuming ? { epochs: flags.epochs ?? 3 } : {}),
          batchSize: flags['batch-size'] ?? 32,
          learningRate: flags['learning-rate'] ?? 3e-5,
          warmupEpochs: flags['warmup-epochs'] ?? 0,
          decay: flags.decay ?? 'cosine',
          rmsprop: { ...EMBEDDING_TRAIN_DEFAULTS.rmsprop, initialMeanSquare: flags['rmsprop-initial-ms'] ?? 0 },
          trainFromBlock: flags['train-from-block'] ?? 0,
          seed,
        },
        checkpointFile,
        resume: resuming,
        onStart: ({ startEpoch, config, resumed }) => {
          const what = resumed ? `resuming after epoch ${startEpoch} of ${config.epochs}` : `${config.epochs} epoch${config.epochs === 1 ? '' : 's'}`;
          io.stdout.write(`training ${graph.name} (${formatCount(graphCost(graph).totals.multAdds)} mult-adds) on ${set!.trainViews.length} views, ${what}, batch ${config.batchSize}, mirror ${mirror} (training views: ${trainMirror})${relational ? `, relational loss × ${relational}` : ''}, backend ${backend}\n`);
        },
        onBatch: (p) => {
          if (p.batch === p.batches || Date.now() - lastLine > 15_000) {
            lastLine = Date.now();
            io.stderr.write(`  epoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batches}  ${p.samplesPerSecond.toFixed(2)} samples/s  loss ${p.loss.toFixed(4)}  lr ${p.learningRate.toPrecision(3)}  ETA ${formatDuration(p.etaSeconds)}\n`);
          }
        },
        onEpoch: (e) => {
          io.stdout.write(
            `epoch ${e.epoch}: loss ${fixed(e.loss, 4)}${relational ? '' : ` (cosine ${fixed(1 - e.loss / 2, 4)})`}  held-out loss ${fixed(e.valLoss ?? Number.NaN, 4)} (cosine ${fixed(e.valCosine ?? Number.NaN, 4)})  ${e.samplesPerSecond.toFixed(2)} samples/s  ${formatDuration(e.seconds)}  checkpoint ${checkpointFile}\n`,
          );
        },
      });

      // The trained student against the teacher on the held-out faces.
      const student = await createEmbedder(result.graph, result.weights, { backend, mirror });
      try {
        const evaluation = await evaluateStudent(set, student);
        const sample = set.faces[set.heldOut[0]!]!.crop;
        const latency = { teacher: await medianEmbedMs(teacher, sample), student: await medianEmbedMs(student, sample) };
        const cost = { teacher: graphCost((await import('@mobilenet-kit/face')).faceApiRecognitionGraph()).totals, student: graphCost(result.graph).totals };
        const threshold = evaluation.student.equalError.threshold;
        await saveEmbedderModel(path.join(out, 'model'), result.graph, result.weights, {
          normalize: 'minusOneToOne',
          l2Normalize: false,
          mirror,
          // A student that cannot separate faces at all has an equal-error threshold of 0: then no threshold is stored.
          ...(threshold > 0 ? { threshold: Number(threshold.toPrecision(3)) } : {}),
          source: `distilled from face-api's FaceRecognitionNet (mobilenet-kit train face-distill, α ${alpha}, ${resolution} px, ${result.history.length} epochs, mirror ${mirror}, trained on mirror ${trainMirror}${relational ? `, relational loss × ${relational}` : ''}); held-out equal-error threshold ${threshold.toFixed(3)}`,
        });
        const a = evaluation.agreement;
        // Agreement by source of the held-out face: scikit-image's 25×25 lfw patches vs real photos.
        const agreementBySource: Record<string, { views: number; agreement: number }> = {};
        set.heldOutViews.forEach((v, i) => {
          const source = set!.faces[v.face]!.photo.startsWith('lfw/') ? 'lfw' : 'photos';
          const entry = (agreementBySource[source] ??= { views: 0, agreement: 0 });
          entry.views++;
          if (a.viewAgrees[i]) entry.agreement++;
        });
        for (const entry of Object.values(agreementBySource)) entry.agreement /= entry.views;
        const rows = [
          ['agreement with the teacher (nearest original)', '100%', formatPercent(100 * a.agreement, 1)],
          ['identification accuracy (own face nearest)', formatPercent(100 * a.teacherAccuracy, 1), formatPercent(100 * a.studentAccuracy, 1)],
          ['mean cosine with the teacher (centred)', '1', `${fixed(a.meanCosine)} (${fixed(a.meanCentredCosine)})`],
          ['equal error rate (threshold)', `${formatPercent(100 * evaluation.teacher.equalError.rate, 1)} (${fixed(evaluation.teacher.equalError.threshold)})`, `${formatPercent(100 * evaluation.student.equalError.rate, 1)} (${fixed(threshold)})`],
          ['FRR at FAR ≤ 1% (threshold)', `${formatPercent(100 * evaluation.teacher.atFar1.frr, 1)} (${fixed(evaluation.teacher.atFar1.threshold)})`, `${formatPercent(100 * evaluation.student.atFar1.frr, 1)} (${fixed(evaluation.student.atFar1.threshold)})`],
          ['mult-adds', formatCount(cost.teacher.multAdds), formatCount(cost.student.multAdds)],
          ['params', formatCount(cost.teacher.params), formatCount(cost.student.params)],
          [`latency on ${backend} (median ms, one crop)`, latency.teacher.toFixed(1), latency.student.toFixed(1)],
        ];
        const seconds = (performance.now() - started) / 1000;
        await mkdir(out, { recursive: true });
        await atomicWrite(
          path.join(out, 'report.json'),
          `${JSON.stringify({ model: result.graph.name, alpha, resolution, mirror, trainMirror, relational, backend, data: { stats: set.stats, trainFaces: set.train.length, heldOutFaces: set.heldOut.length, trainViews: set.trainViews.length, heldOutViews: set.heldOutViews.length, extraViews: set.settings.extraViews ?? [] }, evaluation, agreementBySource, latency, cost, config: result.config, history: result.history, wallSeconds: seconds }, null, 1)}\n`,
        );
        io.stdout.write(`\nheld-out faces: ${a.faces}, augmented views: ${a.views}; agreement by source: ${Object.entries(agreementBySource).map(([k, e]) => `${k} ${formatPercent(100 * e.agreement, 1)} of ${e.views} views`).join(', ')}\n`);
        io.stdout.write(`${renderTable([{ header: '' }, { header: 'teacher', align: 'right' }, { header: `student ${alpha}-${resolution}`, align: 'right' }], rows)}\n`);
        io.stdout.write(`wrote ${path.join(out, 'model')} and report.json in ${formatDuration(seconds)}\n`);
      } finally {
        student.dispose();
      }
      return EXIT_OK;
    } finally {
      teacher.dispose();
    }
  },
});
