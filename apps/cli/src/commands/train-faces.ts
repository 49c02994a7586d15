import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { loadFaceDetector } from '@mobilenet-kit/detection';
import { createEmbedder, createFaceStudent, nearestIndex, saveEmbedderModel } from '@mobilenet-kit/face';
import { FACENET_TRIPLET_MARGIN, type LabeledFaces, leaveOneOutAccuracy, readLabeledFaceFolders, trainTriplet } from '@mobilenet-kit/face/training';
import { loadModel } from '@mobilenet-kit/core/node';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BACKEND_FLAG, formatDuration } from '../classification-support';
import { startCommandBackend } from '../detect-backends';
import { defineCommand } from '../command';
import { booleanFlag, choiceFlag, numberFlag, pathFlag } from '../flags';
import { formatPercent } from '../format/numbers';
import { EXIT_FAILURE, EXIT_OK } from '../io';
import { UsageError } from '../usage-error';
import { defaultFaceApiDir } from './embed';

export const trainFacesCommand = defineCommand({
  name: 'train faces',
  summary: 'train a face embedding on labeled folders (one per person) with the triplet loss, with checkpoints and --resume',
  description: [
    'Reads <dir>: one subfolder per person (the name is the label) holding their photos; the best face the detector finds',
    "in each photo becomes a square crop. Trains an embedding network with FaceNet's triplet loss (margin 0.2 on squared",
    'distances; semi-hard negatives, or --mining batch-hard) over batches of P people × K augmented crops. The network starts',
    'from --from (a model folder, e.g. written by train face-distill) or else a student whose backbone comes from the face',
    'detector. The last photo of each person with 3 or more is held out: the share of those whose nearest training photo is',
    'of the same person is printed before and after training. A checkpoint is written atomically after every epoch to <out>/checkpoint.mkc;',
    '--resume continues from it exactly. At the end: <out>/model (for embed/match --model) and <out>/report.json.',
  ].join('\n'),
  positionals: [{ name: 'dir', description: 'folder of per-person subfolders of photos' }],
  flags: {
    from: pathFlag('DIR', 'start from this embedding model folder', 'a student from the face detector (--alpha, --resolution)'),
    alpha: numberFlag({ valueName: 'A', description: 'width multiplier of a new student', allowed: 'a number > 0 and ≤ 1', default: '1', min: 0, exclusiveMin: true }),
    resolution: choiceFlag({ valueName: 'R', description: "a new student's input size", choices: ['128', '160'] as const, default: '128' }),
    epochs: numberFlag({ valueName: 'N', description: 'epochs (with --resume: the total)', allowed: 'an integer ≥ 1', default: '5', integer: true, min: 1 }),
    'learning-rate': numberFlag({ valueName: 'LR', description: 'peak learning rate (cosine decay)', allowed: 'a number > 0', default: '0.00001', min: 0, exclusiveMin: true }),
    margin: numberFlag({ valueName: 'M', description: 'triplet margin on squared distances', allowed: 'a number > 0', default: String(FACENET_TRIPLET_MARGIN), min: 0, exclusiveMin: true }),
    mining: choiceFlag({ valueName: 'K', description: 'which negatives', choices: ['semi-hard', 'batch-hard'] as const, default: 'semi-hard' }),
    'people-per-batch': numberFlag({ valueName: 'P', description: 'people per batch', allowed: 'an integer ≥ 2', default: '8', integer: true, min: 2 }),
    'crops-per-person': numberFlag({ valueName: 'K', description: 'augmented crops per person per batch', allowed: 'an integer ≥ 2', default: '4', integer: true, min: 2 }),
    backend: BACKEND_FLAG,
    out: pathFlag('DIR', 'output folder (checkpoint, model, report)', './faces-run'),
    resume: booleanFlag('continue from <out>/checkpoint.mkc'),
    force: booleanFlag('start over: replace a checkpoint left in <out>'),
    seed: numberFlag({ valueName: 'S', description: 'seed of the batches and augmentations', allowed: 'an integer ≥ 0', default: '1', integer: true, min: 0 }),
  },
  examples: ['mobilenet-kit train faces ./people --from face-distill-run/model --epochs 5 --out faces-run', 'mobilenet-kit train faces ./people --out faces-run --resume'],
  async run({ flags, positionals }, io) {
    const started = performance.now();
    const where = 'train faces';
    const out = path.resolve(flags.out ?? './faces-run');
    // Before any work (and leaving nothing behind): an --out under /proc, inside a file or read-only is an error naming --out.
    await (await import('@mobilenet-kit/core/node')).checkOutputDir(out, '--out');
    const checkpointFile = path.join(out, 'checkpoint.mkc');
    if (flags.resume && flags.force) throw new UsageError('mobilenet-kit train faces: --resume and --force contradict each other (continue, or start over)', where);
    if (existsSync(checkpointFile) && !flags.resume) {
      if (!flags.force) throw new UsageError(`mobilenet-kit train faces: ${checkpointFile} exists; pass --resume to continue it, --force to start over, or choose another --out`, where);
      await rm(checkpointFile, { force: true });
    }
    const alpha = flags.alpha ?? 1;
    if (alpha > 1) throw new UsageError(`mobilenet-kit train faces: --alpha ${alpha} is not allowed; --alpha takes a number > 0 and ≤ 1`, where);
    const { name: backend } = await startCommandBackend(flags.backend, io, { training: true });
    const faceApiDir = await defaultFaceApiDir();
    const detector = await loadFaceDetector({ backend, modelDir: faceApiDir });
    const read = await readLabeledFaceFolders(path.resolve(positionals[0]!), detector).finally(() => detector.dispose());
    for (const s of read.skipped) io.stderr.write(`skipped ${s.file}: ${s.reason}\n`);
    // The last photo of each person with 3 or more is held out for the identification figure.
    const people: LabeledFaces[] = read.people.map((p) => ({ label: p.label, crops: p.crops.length >= 3 ? p.crops.slice(0, -1) : p.crops }));
    const validation: LabeledFaces[] = read.people.map((p) => ({ label: p.label, crops: p.crops.length >= 3 ? p.crops.slice(-1) : [] }));
    const usable = people.filter((p) => p.crops.length > 0);
    if (usable.length < 2) {
      io.stderr.write(`mobilenet-kit train faces: ${usable.length} person with a face; the triplet loss needs at least two people\n`);
      return EXIT_FAILURE;
    }
    io.stdout.write(`${usable.length} people, ${usable.reduce((a, p) => a + p.crops.length, 0)} training faces, ${validation.reduce((a, p) => a + p.crops.length, 0)} held out, ${read.skipped.length} photos skipped\n`);
    const start = flags.from ? await loadModel(path.resolve(flags.from)) : await createFaceStudent({ alpha, resolution: Number(flags.resolution ?? '128') as 128 | 160, detectorModelDir: faceApiDir });
    if (flags.from && !start.graph.outputs.some((o) => o.name === 'embedding')) {
      // Named here (the folder), not later by createEmbedder with the graph's name only.
      throw new Error(`--from ${flags.from}: not an embedding model: its graph has no output named "embedding" (outputs: ${start.graph.outputs.map((o) => o.name).join(', ')}); give a model folder from train faces or train face-distill`);
    }
    // Identification: each held-out crop's nearest training crop names it (without held-out crops: leave-one-out among the training crops).
    const heldOut = validation.flatMap((p) => p.crops.map((crop) => ({ crop, label: p.label })));
    const gallery = usable.flatMap((p) => p.crops.map((crop) => ({ crop, label: p.label })));
    const labelIndex = (l: string) => read.people.findIndex((p) => p.label === l);
    const what = heldOut.length > 0 ? `identification of ${heldOut.length} held-out photos` : 'leave-one-out identification among the training photos';
    const identify = async (embed: (crops: LabeledFaces['crops']) => Promise<Float32Array[]>) => {
      const g = await embed(gallery.map((x) => x.crop));
      if (heldOut.length === 0) return leaveOneOutAccuracy(g, gallery.map((x) => labelIndex(x.label)));
      const q = await embed(heldOut.map((x) => x.crop));
      return q.filter((e, i) => gallery[nearestIndex(e, g)]!.label === heldOut[i]!.label).length / q.length;
    };
    const before = await createEmbedder(start.graph, start.weights, { backend });
    const initial = await identify((c) => before.embed(c)).finally(() => before.dispose());
    io.stdout.write(`${what} before training: ${formatPercent(100 * initial, 1)}\n`);
    let lastLine = 0;
    const result = await trainTriplet({
      graph: start.graph,
      weights: start.weights,
      people: usable,
      tf,
      tfl,
      tfBackend: backend,
      config: { ...(flags.epochs !== undefined || !flags.resume ? { epochs: flags.epochs ?? 5 } : {}), learningRate: flags['learning-rate'] ?? 1e-5, seed: flags.seed ?? 1 },
      triplet: { margin: flags.margin ?? FACENET_TRIPLET_MARGIN, mining: flags.mining ?? 'semi-hard', peoplePerBatch: flags['people-per-batch'] ?? 8, cropsPerPerson: flags['crops-per-person'] ?? 4 },
      checkpointFile,
      resume: flags.resume === true,
      onStart: ({ startEpoch, config, resumed }) => io.stdout.write(`training ${start.graph.name}, ${resumed ? `resuming after epoch ${startEpoch} of ${config.epochs}` : `${config.epochs} epochs`}, backend ${backend}\n`),
      onBatch: (p) => {
        if (p.batch === p.batches || Date.now() - lastLine > 15_000) {
          lastLine = Date.now();
          io.stderr.write(`  epoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batches}  ${p.samplesPerSecond.toFixed(2)} samples/s  loss ${p.loss.toFixed(4)}  ETA ${formatDuration(p.etaSeconds)}\n`);
        }
      },
      onEpoch: (e) => {
        io.stdout.write(`epoch ${e.epoch}: triplet loss ${e.loss.toFixed(4)}  ${formatDuration(e.seconds)}  checkpoint ${checkpointFile}\n`);
      },
    });
    const after = await createEmbedder(result.graph, result.weights, { backend });
    const final = await identify((c) => after.embed(c)).finally(() => after.dispose());
    await saveEmbedderModel(path.join(out, 'model'), result.graph, result.weights, { normalize: 'minusOneToOne', l2Normalize: false, source: `mobilenet-kit train faces (${flags.mining ?? 'semi-hard'} triplets, ${result.history.length} epochs)` });
    const seconds = (performance.now() - started) / 1000;
    await mkdir(out, { recursive: true });
    const report = path.join(out, 'report.json');
    await writeFile(`${report}.${process.pid}.tmp`, `${JSON.stringify({ people: usable.length, skipped: read.skipped, identification: what, identificationBefore: initial, identificationAfter: final, config: result.config, history: result.history, wallSeconds: seconds }, null, 1)}\n`);
    await rename(`${report}.${process.pid}.tmp`, report);
    io.stdout.write(`${what} after training: ${formatPercent(100 * final, 1)}\nwrote ${path.join(out, 'model')} and report.json in ${formatDuration(seconds)}\n`);
    return EXIT_OK;
  },
});
