import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { BACKEND_FLAG, startBackend } from '../classification-support';
import { defineCommand } from '../command';
import { evaluateAndChart, renderEvaluation, summarizeEvaluation } from '../detector-run';
import type { FlagSpec } from '../command';
import { booleanFlag, choiceFlag, numberFlag, pathFlag } from '../flags';
import { EXIT_FAILURE, EXIT_OK } from '../io';
import { UsageError } from '../usage-error';

/** Backbone outputs the SSD head of a random-init detector reads, finest first. */
const TAPS = ['conv_pw_1', 'conv_pw_2', 'conv_pw_3', 'conv_pw_4', 'conv_pw_5', 'conv_pw_6', 'conv_pw_7', 'conv_pw_8', 'conv_pw_9', 'conv_pw_10', 'conv_pw_11', 'conv_pw_12', 'conv_pw_13'];
/**
 * Default taps: conv_pw_5 (stride 8) first. With TF-OD's conv_pw_11 and conv_pw_13 (strides 16 and 32, for 300 px inputs)
 * a 128 px input has 330 anchors on 8, 4, 2, 1, 1, 1 grids, and most objects of a tenth to a half of the image get no anchor
 * at IoU ≥ 0.5 (only the forced match of their best one); a stride-8 map gives 16, 8, 4, 2, 1, 1 grids (1284 anchors).
 */
export const DEFAULT_DETECTOR_TAPS: readonly string[] = ['conv_pw_5', 'conv_pw_11', 'conv_pw_13'];
const tapsFlag: FlagSpec<string[]> = {
  type: 'string',
  valueName: 'LIST',
  description: `backbone layers the SSD head reads (random init), finest first, comma-separated; the extra layers make up ${6} feature maps`,
  allowed: `1 to 6 distinct names of ${TAPS[0]}…${TAPS[TAPS.length - 1]}, in increasing depth, ending with conv_pw_13`,
  default: DEFAULT_DETECTOR_TAPS.join(','),
  parse(raw) {
    if (typeof raw !== 'string') return undefined;
    const list = raw.split(',').map((t) => t.trim());
    const depth = list.map((t) => TAPS.indexOf(t));
    if (list.length < 1 || list.length > 6 || depth.some((d) => d < 0) || depth.some((d, i) => i > 0 && d <= depth[i - 1]!) || list.at(-1) !== 'conv_pw_13') return undefined;
    return list;
  },
};

/** The learning rate when --learning-rate is not given: 1e-3 from random weights, 1e-4 from pretrained ones (--init). */
export function defaultDetectorLearningRate(init: string): number {
  // trainDetector's RMSProp (ε 1e-6, momentum 0.9) moves every weight by about 10·lr per step once its mean
  // square has settled, whatever the gradient's size: at 1e-3 that is 1e-2 a step on face-api's trained weights,
  // which wrecks them (the loss of a fixed batch of 8 images rises from 23 to 48 in 4 steps; at 1e-4 it falls).
  return init === 'random' ? 1e-3 : 1e-4;
}

/**
 * Batch norm when --batch-norm is not given: 'train' from random weights, 'frozen' from pretrained ones. Frozen at
 * its initial statistics (identity), a from-scratch MobileNet has nothing that keeps its pre-activations in range:
 * measured on the offline benchmark set, after 3 epochs conv_dw_4's ReLU6 outputs were 69% 0 and 31% 6, the
 * same for every image, and so were the detector's outputs (held-out mAP@0.5 0.0008); with batch statistics the
 * features stay input-dependent and the same run learns.
 */
export function defaultDetectorBatchNorm(init: string): 'train' | 'frozen' {
  return init === 'random' ? 'train' : 'frozen';
}

export const trainDetectorCommand = defineCommand({
  name: 'train detector',
  summary: 'train an SSD detector on your COCO JSON or Pascal VOC data (from random weights or face-api\'s SSD), with checkpoints and --resume',
  description: [
    'Trains an SSD on MobileNet v1 with the recipe of @mobilenet-kit/detection: He initialization with batch norm in',
    'training mode and the head on conv_pw_5, conv_pw_11, conv_pw_13 (random weights), or face-api\'s SSD MobileNetV1',
    'backbone and extra layers (--init face-ssd; alpha 1) or a detector folder (--init DIR), batch norm frozen and a 10×',
    'lower learning rate; the anchor fit is printed first (objects without an anchor at IoU ≥ 0.5 learn little); SSD augmentation (photometric, zoom-out, min-IoU crop, flip; seeded); RMSProp with a linear',
    'warm-up and a staircase decay; the kit\'s training kernels on wasm (or cpu). Images are checked first (missing files,',
    'sizes, boxes outside) and a seeded --val-split is held out. After every epoch <out>/checkpoint is written (core\'s',
    'checkpoint folder); --resume continues exactly. At the end: <out>/model (a detector folder: `detect --model`),',
    '<out>/report.json (mAP on the held-out split), <out>/pr-curves.png and <out>/samples.png.',
  ].join('\n'),
  positionals: [{ name: 'dataset', description: 'a COCO instances JSON file, or a Pascal VOC folder (Annotations/*.xml)' }],
  flags: {
    out: pathFlag('DIR', 'output folder (model, checkpoint, report, charts)', './detector-run'),
    init: pathFlag('I', "face-ssd (face-api's SSD: backbone and extra layers), or a detector folder; default random weights (He)"),
    alpha: numberFlag({ valueName: 'A', description: 'width multiplier (random init)', allowed: 'a number > 0', default: '0.25', min: 0, exclusiveMin: true }),
    resolution: numberFlag({ valueName: 'R', description: 'input height and width', allowed: 'an integer ≥ 32', default: '128', integer: true, min: 32 }),
    epochs: numberFlag({ valueName: 'N', description: 'epochs (with --resume: the total)', allowed: 'an integer ≥ 1', default: '30', integer: true, min: 1 }),
    'batch-size': numberFlag({ valueName: 'B', description: 'images per step', allowed: 'an integer ≥ 1', default: '8', integer: true, min: 1 }),
    'learning-rate': numberFlag({ valueName: 'LR', description: 'learning rate after the warm-up', allowed: 'a number > 0', default: '0.001 (random init), 0.0001 (--init)', min: 0, exclusiveMin: true }),
    taps: tapsFlag,
    'max-expand': numberFlag({ valueName: 'X', description: 'largest zoom-out of the augmentation (SSD\'s expand: the image on a canvas up to X times its size, half of the time); 1: none', allowed: 'a number ≥ 1', default: '3', min: 1 }),
    'val-split': numberFlag({ valueName: 'F', description: 'fraction held out for validation', allowed: 'a number ≥ 0 and < 1', default: '0.1', min: 0, max: 1, exclusiveMax: true }),
    seed: numberFlag({ valueName: 'S', description: 'seed of initialization, split, shuffling and augmentation', allowed: 'an integer ≥ 0', default: '1', integer: true, min: 0 }),
    'no-augment': booleanFlag('train without SSD augmentation'),
    'batch-norm': choiceFlag({
      valueName: 'MODE',
      description: "batch norm while training: 'train' (batch statistics; moving statistics updated for inference) or 'frozen' (the statistics as initialized or imported)",
      choices: ['train', 'frozen'] as const,
      default: 'train (random init), frozen (--init)',
    }),
    'freeze-backbone': booleanFlag('train only the SSD head (extra layers and predictors; the backbone keeps its --init weights)'),
    backend: BACKEND_FLAG,
    resume: booleanFlag('continue from <out>/checkpoint (its settings are kept; --epochs may extend the run)'),
  },
  examples: ['mobilenet-kit train detector instances.json --out run1 --epochs 30', 'mobilenet-kit train detector VOC2012 --init face-ssd --resolution 256 --out run2', 'mobilenet-kit train detector instances.json --out run1 --resume --epochs 40'],
  async run({ flags, positionals }, io) {
    const source = positionals[0]!;
    const out = path.resolve(flags.out ?? './detector-run');
    // Before any work (and leaving nothing behind): an --out under /proc, inside a file or read-only is an error naming --out.
    await (await import('@mobilenet-kit/core/node')).checkOutputDir(out, '--out');
    const checkpointDir = path.join(out, 'checkpoint');
    const backend = flags.backend ?? 'wasm';
    await startBackend(backend);
    const tf = await import('@tensorflow/tfjs-core');
    const det = await import('@mobilenet-kit/detection');
    const node = await import('@mobilenet-kit/detection/node');
    const { anchorCoverage, epochExamples, trainDetector } = await import('@mobilenet-kit/detection/training');
    const { checkpointExists, loadCheckpoint, saveCheckpoint } = await import('@mobilenet-kit/core/node');
    const { decodeImage } = await import('@mobilenet-kit/image');
    const { mobilenetV1 } = await import('@mobilenet-kit/backbone');

    const resumed = flags.resume ? await loadCheckpoint(checkpointDir) : undefined;
    if (!flags.resume && (await checkpointExists(checkpointDir))) throw new UsageError(`${checkpointDir} holds a checkpoint: pass --resume to continue it, or another --out`, 'train detector');
    // A resumed run keeps its settings; --epochs may extend it.
    const settings = (resumed?.config as Record<string, unknown> | undefined) ?? {
      source: path.resolve(source),
      init: flags.init ?? 'random',
      alpha: flags.alpha ?? 0.25,
      resolution: flags.resolution ?? 128,
      batchSize: flags['batch-size'] ?? 8,
      learningRate: flags['learning-rate'] ?? defaultDetectorLearningRate(flags.init ?? 'random'),
      taps: flags.taps ?? [...DEFAULT_DETECTOR_TAPS],
      maxExpand: flags['max-expand'] ?? 3,
      valSplit: flags['val-split'] ?? 0.1,
      seed: flags.seed ?? 1,
      augment: !flags['no-augment'],
      freezeBackbone: flags['freeze-backbone'] === true,
      batchNorm: flags['batch-norm'] ?? defaultDetectorBatchNorm(flags.init ?? 'random'),
    };
    const s = settings as { source: string; init: string; alpha: number; resolution: number; batchSize: number; learningRate: number; valSplit: number; seed: number; augment: boolean; taps?: string[]; maxExpand?: number; freezeBackbone?: boolean; batchNorm?: 'train' | 'frozen' };
    // Checkpoints written before --taps and --max-expand existed: the head and augmentation they were trained with.
    const taps = s.taps ?? ['conv_pw_11', 'conv_pw_13'];
    const maxExpand = s.maxExpand ?? 3;
    const epochs = flags.epochs ?? (resumed ? Math.max(resumed.epoch, 30) : 30);

    const dataset = await node.readDetectionDataset(s.source);
    const problems = await node.validateDataset(dataset);
    for (const f of problems.missingFiles) io.stderr.write(`mobilenet-kit train detector: warning: missing or unreadable image ${f} (left out)\n`);
    for (const m of problems.sizeMismatches) io.stderr.write(`mobilenet-kit train detector: warning: ${m.file} is ${m.actual.join('×')}, annotated ${m.annotated.join('×')} (left out)\n`);
    for (const b of problems.badBoxes) io.stderr.write(`mobilenet-kit train detector: warning: ${b.file} object ${b.object}: ${b.problem} (clipped or left out)\n`);
    const bad = new Set([...problems.missingFiles, ...problems.sizeMismatches.map((m) => m.file)]);
    const usable = { ...dataset, images: dataset.images.filter((im) => !bad.has(im.file)) };
    if (usable.images.length < 2) {
      io.stderr.write(`mobilenet-kit train detector: ${s.source}: ${usable.images.length} usable images; at least 2 are needed\n`);
      return EXIT_FAILURE;
    }
    const { train, validation } = det.splitDataset(usable, s.valSplit, s.seed);

    // The graph and its starting weights.
    const numClasses = dataset.labels.length;
    let graph: import('@mobilenet-kit/core').Graph;
    let weights: import('@mobilenet-kit/core').Weights;
    let anchorOptions: import('@mobilenet-kit/detection').SsdAnchorOptions = {};
    let initNote: string;
    // How images become the network input, in training and in the saved folder: face-api's SSD saw squares padded bottom/right.
    let resize: import('@mobilenet-kit/image').ResizeMode = 'stretch';
    if (s.init === 'face-ssd') {
      const file = await det.readFaceApiManifest('train detector', await det.findFaceApiModelDir(), det.FACE_API_SSD_MANIFEST);
      const imported = await det.importFaceApiSsdWeights(file.manifest, file.readShard, file.manifestPath);
      graph = det.faceApiSsdGraph({ resolution: s.resolution, numClasses });
      // A class named "face" keeps face-api's face and background scores: a face set starts from face-api's detector.
      const t = det.transferFaceApiSsdWeights(graph, imported.weights, dataset.labels, s.seed);
      weights = t.weights;
      anchorOptions = det.FACE_API_SSD_ANCHORS;
      resize = 'padBottomRight';
      const faceClass = dataset.labels.some((l) => l.toLowerCase() === 'face');
      initNote = `face-api SSD MobileNetV1 (${t.copied.length} of ${t.weights.size} tensors copied; class predictors ${faceClass ? "of background and face from face-api's" : 'new'}; images padded bottom/right to a square as face-api)`;
    } else if (s.init !== 'random') {
      const folder = await node.readDetectorFolder(s.init);
      graph = folder.graph;
      weights = folder.weights;
      anchorOptions = folder.config.anchorGenerator.options;
      resize = folder.config.preprocessing.resize;
      if (folder.config.labels.length !== numClasses) throw new UsageError(`--init ${s.init} has ${folder.config.labels.length} classes, the dataset ${numClasses}`, 'train detector');
      initNote = `detector folder ${s.init}`;
    } else {
      // Six feature maps in all: the taps, then as many of TF-OD's extra layers (thinned by alpha) as are missing.
      const extraLayers = det.SSD_MOBILENET_V1_EXTRA_LAYERS.slice(0, 6 - taps.length).map((l) => ({ bottleneck: Math.max(8, Math.round(l.bottleneck * s.alpha)), depth: Math.max(16, Math.round(l.depth * s.alpha)) }));
      while (taps.length + extraLayers.length < 6) extraLayers.push({ ...extraLayers[extraLayers.length - 1]! });
      graph = det.ssdHead(mobilenetV1({ alpha: s.alpha, resolution: s.resolution, includeTop: false, taps }), { numClasses, extraLayers, taps });
      weights = det.initializeDetectorWeights(graph, { seed: s.seed });
      initNote = `random (He), MobileNet ${s.alpha}-${s.resolution}, head on ${taps.join(', ')}`;
    }
    const featureMaps = det.ssdFeatureMapSizes(graph);
    const anchors = det.generateSsdAnchors(featureMaps, anchorOptions);
    const images = [];
    for (const im of train.images) images.push({ image: await decodeImage(im.file), objects: im.objects });
    const inputShape = (graph.nodes.find((n) => n.op === 'input')?.attrs as { shape?: readonly (number | null)[] } | undefined)?.shape ?? [];
    const [inputHeight, inputWidth] = [Number(inputShape[1] ?? s.resolution), Number(inputShape[2] ?? s.resolution)];
    const coverage = anchorCoverage(anchors, epochExamples(images, [inputHeight, inputWidth], 0, s.seed, false, 'minusOneToOne', resize));
    io.stderr.write(
      `train detector: ${anchors.length / 4} anchors on ${featureMaps.map(([h, w]) => `${h}×${w}`).join(', ')} grids; ${coverage.matched} of ${coverage.objects} training objects ` +
        `(${((100 * coverage.matched) / Math.max(1, coverage.objects)).toFixed(0)}%) have an anchor at IoU ≥ 0.5 (${coverage.anchorsPerObject.toFixed(1)} per object)` +
        `${coverage.matched < 0.5 * coverage.objects ? '; the rest learn only from their forced best anchor: the feature maps are too coarse for these objects (try --taps with conv_pw_5, or a larger --resolution)' : ''}\n`,
    );
    io.stderr.write(`train detector: ${train.images.length} training images, ${validation.images.length} held out, ${numClasses} classes; init ${initNote}; ` + `learning rate ${s.learningRate}; batch norm ${s.batchNorm ?? 'frozen'}${s.freezeBackbone ? '; backbone frozen' : ''}; training on ${tf.getBackend()} with the kit's training kernels${resumed ? `; resuming after epoch ${resumed.epoch}` : ''}\n`);
    await mkdir(out, { recursive: true });
    const started = performance.now();
    const state = await trainDetector({
      graph,
      weights,
      anchors,
      images,
      epochs,
      batchSize: s.batchSize,
      learningRate: s.learningRate,
      seed: s.seed,
      augment: s.augment ? (maxExpand > 1 ? { maxExpand } : { expandProbability: 0 }) : false,
      freezeBackbone: s.freezeBackbone === true,
      batchNorm: s.batchNorm ?? 'frozen',
      resize,
      ...(resumed ? { resume: { epoch: resumed.epoch, step: resumed.step, weights: resumed.weights, optimizer: resumed.optimizer, history: resumed.history as never } } : {}),
      onStep: (p) => {
        if (!io.quiet) io.stderr.write(`\repoch ${p.epoch}/${epochs} step ${p.step + 1}/${p.stepsPerEpoch} loss ${p.loss.toFixed(3)} lr ${p.learningRate.toExponential(2)} (${tf.getBackend()}, kit training kernels)   `);
      },
      onEpoch: async (record, st) => {
        await saveCheckpoint(checkpointDir, { graph, weights: st.weights, epoch: st.epoch, step: st.step, seed: s.seed, config: settings, history: st.history, optimizer: st.optimizer });
        io.stderr.write(`\nepoch ${record.epoch}: loss ${record.loss.toFixed(3)} (loc ${record.locLoss.toFixed(3)}, cls ${record.clsLoss.toFixed(3)}), ${((performance.now() - started) / 1000).toFixed(0)} s; checkpoint written\n`);
      },
    });
    const config = {
      labels: dataset.labels,
      anchorGenerator: { type: 'ssd' as const, options: anchorOptions },
      preprocessing: { resize, normalize: 'minusOneToOne' as const },
      defaults: { minScore: 0.3, iouThreshold: 0.45, classAgnostic: true },
      training: { ...settings, epochs, history: state.history },
    };
    const modelDir = path.join(out, 'model');
    await node.saveDetector(modelDir, { graph, weights: state.weights, config });
    let report: Record<string, unknown> = { epochs, history: state.history, trainingImages: train.images.length, validationImages: validation.images.length, backend: tf.getBackend() };
    if (validation.images.length > 0) {
      const detector = await node.loadDetector(modelDir, { backend });
      try {
        const e = await evaluateAndChart(detector, validation, out, io);
        report = { ...report, validation: summarizeEvaluation(e) };
        io.stdout.write(`held-out (${validation.images.length} images):\n${renderEvaluation(e)}`);
      } finally {
        detector.dispose();
      }
    }
    await writeFile(path.join(out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    io.stdout.write(`model: ${modelDir}\n`);
    return EXIT_OK;
  },
});
