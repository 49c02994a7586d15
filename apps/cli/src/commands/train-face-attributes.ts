import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { graphCost } from '@mobilenet-kit/core';
import { writeFileAtomic } from '@mobilenet-kit/core/node';
import {
  faceApiAgeGenderGraph,
  faceApiExpressionGraph,
  createAttributeStudent,
  ATTRIBUTE_VECTOR,
  createAttributePredictor,
  loadFaceApiAttributeTeachers,
  loadFaceApiTeacher,
  saveAttributeModel,
} from '@mobilenet-kit/face';
import {
  type DistillSet,
  EMBEDDING_TRAIN_DEFAULTS,
  ATTRIBUTE_LOSS_DEFAULTS,
  type AttributeAgreement,
  attributeAgreement,
  fitAttributeHeads,
  attributeTeacherEmbedder,
  attributeVector,
  distillAttributes,
  loadDistillSet,
  loadFaceCheckpoint,
  medianEmbedMs,
  relabelDistillSet,
  renderDistillView,
  saveDistillSet,
} from '@mobilenet-kit/face/training';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BACKEND_FLAG, formatDuration } from '../classification-support';
import { startCommandBackend } from '../detect-backends';
import { defineCommand } from '../command';
import { FETCH_FACE_PHOTOS_SCRIPT, describeDistillData, loadOrBuildDistillSet } from '../face-distill-data';
import { booleanFlag, numberFlag, pathFlag } from '../flags';
import { formatCount, formatPercent } from '../format/numbers';
import { renderTable } from '../format/table';
import { EXIT_FAILURE, EXIT_OK } from '../io';
import { UsageError } from '../usage-error';
import { defaultFaceApiDir } from './embed';
import { defaultFacePhotosDir } from './train-face-distill';

const COMMAND = 'train face-attributes';

export const trainFaceAttributesCommand = defineCommand({
  name: COMMAND,
  summary: "distill face-api's age/gender and expression nets into one MobileNet (one pass per face), with checkpoints and --resume",
  description: [
    'PAPER.md Table 12: a MobileNet student (width --alpha, --resolution px, backbone from the pretrained face detector) learns',
    "to give what face-api's AgeGenderNet and FaceExpressionNet (imported into our IR, equal to face-api's own outputs) give",
    'for the same face crop, in one pass: age (squared error in units of 10 years), gender and the 7 expressions (the',
    "teachers' probabilities softened at --temperature, cross-entropy × T²). No labels: the teachers label every view.",
    "Data: the face distillation's faces, split and augmented views (as train face-distill builds them: every face our",
    'detector finds in --data, near duplicates dropped, whole faces held out), kept in <out>/data (or read from',
    "--data-cache, a train face-distill run's data folder), then labelled by the two teachers once into <out>/attribute-data.",
    'A checkpoint is written atomically after every epoch to <out>/checkpoint.mkc; --resume continues from it exactly.',
    "The heads start as the ridge-regression fit of the teachers' answers on the backbone's pooled features (--no-fit-head: random).",
    "At the end: <out>/model (for mobilenet-kit attributes --model), <out>/report.json: the student against the teachers on",
    'the held-out faces (gender agreement, age mean |Δ|, expression top-1 agreement and KL divergence), cost and latency.',
  ].join('\n'),
  flags: {
    alpha: numberFlag({ valueName: 'A', description: 'width multiplier α (the detector is 1; narrower students take its leading channels)', allowed: 'a number > 0 and ≤ 1', default: '1', min: 0, exclusiveMin: true }),
    resolution: numberFlag({ valueName: 'R', description: "the student's input size", allowed: 'a multiple of 16 in 96…224', default: '96', integer: true, min: 96 }),
    epochs: numberFlag({ valueName: 'N', description: 'epochs (with --resume: the total, so a run can be extended)', allowed: 'an integer ≥ 1', default: '4', integer: true, min: 1 }),
    'batch-size': numberFlag({ valueName: 'B', description: 'crops per step', allowed: 'an integer ≥ 1', default: '32', integer: true, min: 1 }),
    'learning-rate': numberFlag({ valueName: 'LR', description: 'peak learning rate (cosine decay to 5% of it)', allowed: 'a number > 0', default: '0.00002', min: 0, exclusiveMin: true }),
    'warmup-epochs': numberFlag({ valueName: 'E', description: 'epochs of linear learning-rate warm-up (fractions allowed)', allowed: 'a number ≥ 0', default: '0.2', min: 0 }),
    temperature: numberFlag({ valueName: 'T', description: 'temperature of the soft gender and expression targets', allowed: 'a number > 0', default: String(ATTRIBUTE_LOSS_DEFAULTS.temperature), min: 0, exclusiveMin: true }),
    'age-weight': numberFlag({ valueName: 'W', description: 'weight of the age term', allowed: 'a number ≥ 0', default: String(ATTRIBUTE_LOSS_DEFAULTS.age), min: 0 }),
    'gender-weight': numberFlag({ valueName: 'W', description: 'weight of the gender term', allowed: 'a number ≥ 0', default: String(ATTRIBUTE_LOSS_DEFAULTS.gender), min: 0 }),
    'expression-weight': numberFlag({ valueName: 'W', description: 'weight of the expression term', allowed: 'a number ≥ 0', default: String(ATTRIBUTE_LOSS_DEFAULTS.expression), min: 0 }),
    views: numberFlag({ valueName: 'V', description: 'augmented views per training face (when the data is built)', allowed: 'an integer ≥ 1', default: '8', integer: true, min: 1 }),
    'held-out': numberFlag({ valueName: 'F', description: 'fraction of the faces held out for the evaluation (when the data is built)', allowed: 'a number > 0 and < 1', default: '0.2', min: 0, exclusiveMin: true }),
    'held-out-views': numberFlag({ valueName: 'V', description: 'augmented views per held-out face (when the data is built)', allowed: 'an integer ≥ 1', default: '8', integer: true, min: 1 }),
    backend: BACKEND_FLAG,
    out: pathFlag('DIR', 'output folder (data caches, checkpoint, model, report)', './face-attributes-run'),
    data: pathFlag('DIR', `face photos folder, filled by ${FETCH_FACE_PHOTOS_SCRIPT}`, '<repo>/node_modules/.cache/mobilenet-kit/fixtures/faces'),
    'data-cache': pathFlag('DIR', "a face distillation data folder to reuse (a train face-distill run's <out>/data): the same faces, split and views", '<out>/data'),
    resume: booleanFlag('continue from <out>/checkpoint.mkc (its settings are kept; --epochs may extend the run)'),
    force: booleanFlag('start over: replace a checkpoint left in <out> instead of refusing'),
    'no-fit-head': booleanFlag("start the heads from Keras's random initialization instead of the ridge fit on the backbone's pooled features"),
    seed: numberFlag({ valueName: 'S', description: 'seed of the split, the augmentations, the heads and the shuffling', allowed: 'an integer ≥ 0', default: '1', integer: true, min: 0 }),
  },
  examples: ['mobilenet-kit train face-attributes --epochs 4 --out attributes-run', 'mobilenet-kit train face-attributes --out attributes-run --resume'],
  async run({ flags }, io) {
    const started = performance.now();
    const out = path.resolve(flags.out ?? './face-attributes-run');
    // Before any work (and leaving nothing behind): an --out under /proc, inside a file or read-only is an error naming --out.
    await (await import('@mobilenet-kit/core/node')).checkOutputDir(out, '--out');
    const checkpointFile = path.join(out, 'checkpoint.mkc');
    if (flags.resume && flags.force) throw new UsageError(`mobilenet-kit ${COMMAND}: --resume and --force contradict each other (continue, or start over)`, COMMAND);
    if (existsSync(checkpointFile) && !flags.resume) {
      if (!flags.force) throw new UsageError(`mobilenet-kit ${COMMAND}: ${checkpointFile} exists; pass --resume to continue it, --force to start over, or choose another --out`, COMMAND);
      await rm(checkpointFile, { force: true });
    }
    // α 1 at 96 px by default: narrower students cut from the detector start with nearly dead features
    // (pooled feature variance ~6e-7 at α 0.5), and 3e-4 collapsed to the majority answers (packages/face/README.md).
    const alpha = flags.alpha ?? 1;
    if (alpha > 1) throw new UsageError(`mobilenet-kit ${COMMAND}: --alpha ${alpha} is not allowed; --alpha takes a number > 0 and ≤ 1`, COMMAND);
    const resolution = flags.resolution ?? 96;
    if (resolution % 16 !== 0 || resolution > 224) throw new UsageError(`mobilenet-kit ${COMMAND}: --resolution ${resolution} is not allowed; --resolution takes a multiple of 16 in 96…224`, COMMAND);
    const seed = flags.seed ?? 1;
    const { name: backend } = await startCommandBackend(flags.backend, io, { training: true });
    const faceApiDir = await defaultFaceApiDir();

    // The embedding distillation's faces, split and views (the recognition teacher decides duplicates and sides).
    const dataCache = path.resolve(flags['data-cache'] ?? path.join(out, 'data'));
    let set: DistillSet | undefined = await loadDistillSet(dataCache);
    if (!set) {
      const recognition = await loadFaceApiTeacher({ backend, modelDir: faceApiDir });
      set = await loadOrBuildDistillSet(
        { command: COMMAND, cache: dataCache, photosDir: path.resolve(flags.data ?? defaultFacePhotosDir()), backend, faceApiDir, teacher: recognition, seed, heldOutFraction: flags['held-out'] ?? 0.2, views: flags.views ?? 8, heldOutViews: flags['held-out-views'] ?? 8, started },
        io,
      ).finally(() => recognition.dispose());
      if (!set) return EXIT_FAILURE;
    } else io.stdout.write(`data: ${dataCache} (cached)\n`);
    io.stdout.write(`${describeDistillData(set)}\n`);

    const teachers = await loadFaceApiAttributeTeachers({ backend, modelDir: faceApiDir });
    const teacher = attributeTeacherEmbedder(teachers);
    try {
      const labelledCache = path.join(out, 'attribute-data');
      let labelled = await loadDistillSet(labelledCache);
      if (labelled && (labelled.trainViews.length !== set.trainViews.length || labelled.heldOutViews.length !== set.heldOutViews.length)) {
        throw new UsageError(`mobilenet-kit ${COMMAND}: ${labelledCache} was labelled from other data (${labelled.trainViews.length} training views, the data has ${set.trainViews.length}); delete it or choose another --out`, COMMAND);
      }
      if (labelled) io.stdout.write(`teachers' answers: ${labelledCache} (cached)\n`);
      else {
        let lastLine = 0;
        labelled = await relabelDistillSet(set, teacher, (done, total) => {
          if (done === total || Date.now() - lastLine > 10_000) {
            lastLine = Date.now();
            io.stderr.write(`  teachers: ${done}/${total}  ${formatDuration((performance.now() - started) / 1000)}\n`);
          }
        });
        await saveDistillSet(labelledCache, labelled);
        io.stdout.write(`teachers' answers for ${labelled.faces.length} faces and ${labelled.trainViews.length + labelled.heldOutViews.length} views in ${formatDuration((performance.now() - started) / 1000)}: ${labelledCache}\n`);
      }
      if (labelled.heldOut.length === 0) {
        io.stderr.write(`mobilenet-kit ${COMMAND}: no held-out face in the data; nothing to evaluate on (more photos, or a larger --held-out)\n`);
        return EXIT_FAILURE;
      }

      const previous = flags.resume === true ? await loadFaceCheckpoint(checkpointFile) : undefined;
      const resuming = previous !== undefined;
      if (flags.resume && !resuming) io.stdout.write(`no checkpoint at ${checkpointFile}: --resume starts a new run\n`);
      const loss = {
        temperature: flags.temperature ?? ATTRIBUTE_LOSS_DEFAULTS.temperature,
        age: flags['age-weight'] ?? ATTRIBUTE_LOSS_DEFAULTS.age,
        gender: flags['gender-weight'] ?? ATTRIBUTE_LOSS_DEFAULTS.gender,
        expression: flags['expression-weight'] ?? ATTRIBUTE_LOSS_DEFAULTS.expression,
      };
      const student = await createAttributeStudent({ alpha, resolution, seed, detectorModelDir: faceApiDir });
      let startWeights = student.weights;
      const heldOutImages = labelled.heldOutViews.map((v) => renderDistillView(labelled!.faces, v, resolution));
      const heldOutAgreement = async (weights: typeof startWeights) => {
        const probe = await createAttributePredictor([{ graph: student.graph, weights }], { backend, normalize: 'minusOneToOne' });
        try {
          return attributeAgreement((await probe.predict(heldOutImages)).map(attributeVector), labelled!.heldOutViews.map((v) => v.teacher));
        } finally {
          probe.dispose();
        }
      };
      const describe = (a: AttributeAgreement) => `gender ${formatPercent(100 * a.genderAgreement, 1)}, age |Δ| ${a.ageMeanAbsDiff.toFixed(2)} y, expression ${formatPercent(100 * a.expressionAgreement, 1)} (KL ${a.expressionKl.toFixed(3)})`;
      if (!resuming && !flags['no-fit-head']) {
        const fitted = performance.now();
        startWeights = await fitAttributeHeads(
          student.graph,
          student.weights,
          labelled.trainViews.map((v) => renderDistillView(labelled!.faces, v, resolution)),
          labelled.trainViews.map((v) => v.teacher),
          { backend, ridge: 0.01, layout: ATTRIBUTE_VECTOR },
        );
        io.stdout.write(`heads fitted by ridge regression in ${formatDuration((performance.now() - fitted) / 1000)}: held-out ${describe(await heldOutAgreement(startWeights))}\n`);
      }
      let lastLine = 0;
      const result = await distillAttributes({
        graph: student.graph,
        weights: startWeights,
        metadata: { faceAttributes: { alpha, resolution, seed, loss } },
        set: labelled,
        loss,
        tf,
        tfl,
        tfBackend: backend,
        config: {
          ...(flags.epochs !== undefined || !resuming ? { epochs: flags.epochs ?? 4 } : {}),
          batchSize: flags['batch-size'] ?? 32,
          learningRate: flags['learning-rate'] ?? 2e-5,
          warmupEpochs: flags['warmup-epochs'] ?? 0.2,
          decay: 'cosine',
          rmsprop: EMBEDDING_TRAIN_DEFAULTS.rmsprop,
          seed,
        },
        checkpointFile,
        resume: resuming,
        onStart: ({ startEpoch, config, resumed }) => {
          const what = resumed ? `resuming after epoch ${startEpoch} of ${config.epochs}` : `${config.epochs} epoch${config.epochs === 1 ? '' : 's'}`;
          io.stdout.write(`training ${student.graph.name} (${formatCount(graphCost(student.graph).totals.multAdds)} mult-adds) on ${labelled!.trainViews.length} views, ${what}, batch ${config.batchSize}, temperature ${loss.temperature}, backend ${backend}\n`);
        },
        onBatch: (p) => {
          if (p.batch === p.batches || Date.now() - lastLine > 15_000) {
            lastLine = Date.now();
            io.stderr.write(`  epoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batches}  ${p.samplesPerSecond.toFixed(2)} samples/s  loss ${p.loss.toFixed(4)}  lr ${p.learningRate.toPrecision(3)}  ETA ${formatDuration(p.etaSeconds)}\n`);
          }
        },
        onEpoch: (e) => {
          io.stdout.write(
            `epoch ${e.epoch}: loss ${e.loss.toFixed(4)}  held-out: ${describe({ faces: 0, genderAgreement: e.valGenderAgreement ?? Number.NaN, ageMeanAbsDiff: e.valAgeMae ?? Number.NaN, expressionAgreement: e.valExpressionAgreement ?? Number.NaN, expressionKl: e.valExpressionKl ?? Number.NaN })}  ${formatDuration(e.seconds)}  checkpoint ${checkpointFile}\n`,
          );
        },
      });

      // The trained student against the teachers on the held-out views.
      const source = `distilled from face-api's AgeGenderNet and FaceExpressionNet (mobilenet-kit ${COMMAND}, α ${alpha}, ${resolution} px, ${result.history.length} epochs, temperature ${loss.temperature})`;
      await saveAttributeModel(path.join(out, 'model'), result.graph, result.weights, { normalize: 'minusOneToOne', source });
      const predictor = await createAttributePredictor([{ graph: result.graph, weights: result.weights }], { backend, normalize: 'minusOneToOne' });
      try {
        const answers = await predictor.predict(heldOutImages);
        const agreement = attributeAgreement(answers.map(attributeVector), labelled.heldOutViews.map((v) => v.teacher));
        // By source of the held-out face: scikit-image's 25×25 gray lfw patches vs real photos.
        const sourceOf = (i: number) => (labelled!.faces[labelled!.heldOutViews[i]!.face]!.photo.startsWith('lfw/') ? 'lfw' : 'photos');
        const bySource = Object.fromEntries(
          ['photos', 'lfw'].flatMap((source) => {
            const idx = answers.map((_, i) => i).filter((i) => sourceOf(i) === source);
            return idx.length === 0 ? [] : [[source, attributeAgreement(idx.map((i) => attributeVector(answers[i]!)), idx.map((i) => labelled!.heldOutViews[i]!.teacher))]];
          }),
        ) as Record<string, AttributeAgreement>;
        const sample = labelled.faces[labelled.heldOut[0]!]!.crop;
        const latency = { teachers: await medianEmbedMs(teacher, sample), student: await medianEmbedMs(attributeTeacherEmbedder(predictor), sample) };
        const teacherCost = [faceApiAgeGenderGraph(), faceApiExpressionGraph()].map((g) => graphCost(g).totals);
        const cost = {
          teachers: { multAdds: teacherCost[0]!.multAdds + teacherCost[1]!.multAdds, params: teacherCost[0]!.params + teacherCost[1]!.params },
          student: { multAdds: graphCost(result.graph).totals.multAdds, params: graphCost(result.graph).totals.params },
        };
        const rows = [
          ['gender agreement with the teacher', '100%', formatPercent(100 * agreement.genderAgreement, 1)],
          ['age mean |Δ| (years)', '0', agreement.ageMeanAbsDiff.toFixed(2)],
          ['expression top-1 agreement', '100%', formatPercent(100 * agreement.expressionAgreement, 1)],
          ['expression KL(teacher ‖ student), nats', '0', agreement.expressionKl.toFixed(3)],
          ['mult-adds', formatCount(cost.teachers.multAdds), formatCount(cost.student.multAdds)],
          ['params', formatCount(cost.teachers.params), formatCount(cost.student.params)],
          [`latency on ${backend} (median ms, one face)`, latency.teachers.toFixed(1), latency.student.toFixed(1)],
        ];
        const seconds = (performance.now() - started) / 1000;
        await writeFileAtomic(
          path.join(out, 'report.json'),
          `${JSON.stringify({ model: result.graph.name, alpha, resolution, loss, backend, data: { stats: labelled.stats, trainFaces: labelled.train.length, heldOutFaces: labelled.heldOut.length, trainViews: labelled.trainViews.length, heldOutViews: labelled.heldOutViews.length }, agreement, agreementBySource: bySource, latency, cost, config: result.config, history: result.history, wallSeconds: seconds }, null, 1)}\n`,
        );
        io.stdout.write(`\nheld-out faces: ${labelled.heldOut.length}, augmented views: ${agreement.faces}; by source: ${Object.entries(bySource).map(([k, a]) => `${k} (${a.faces} views) ${describe(a)}`).join('; ')}\n`);
        io.stdout.write(`${renderTable([{ header: '' }, { header: 'teachers (2 nets)', align: 'right' }, { header: `student ${alpha}-${resolution}`, align: 'right' }], rows)}\n`);
        io.stdout.write(`wrote ${path.join(out, 'model')} and report.json in ${formatDuration(seconds)}\n`);
      } finally {
        predictor.dispose();
      }
      return EXIT_OK;
    } finally {
      teachers.dispose();
    }
  },
});
