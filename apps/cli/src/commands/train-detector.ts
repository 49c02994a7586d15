import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { BACKEND_FLAG, startBackend } from '../classification-support';
import { defineCommand } from '../command';
import { evaluateAndChart, renderEvaluation, summarizeEvaluation } from '../detector-run';
import { booleanFlag, numberFlag, pathFlag } from '../flags';
import { EXIT_FAILURE, EXIT_OK } from '../io';
import { UsageError } from '../usage-error';

export const trainDetectorCommand = defineCommand({
  name: 'train detector',
  summary: 'train an SSD detector on your COCO JSON or Pascal VOC data (from random weights or face-api\'s SSD), with checkpoints and --resume',
  description: [
    'Trains an SSD on MobileNet v1 with the recipe of @mobilenet-kit/detection: He initialization with batch norm frozen',
    '(random weights) or face-api\'s SSD MobileNetV1 backbone and extra layers (--init face-ssd; alpha 1) or a detector',
    'folder (--init DIR); SSD augmentation (photometric, zoom-out, min-IoU crop, flip; seeded); RMSProp with a linear',
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
    'learning-rate': numberFlag({ valueName: 'LR', description: 'learning rate after the warm-up', allowed: 'a number > 0', default: '0.001', min: 0, exclusiveMin: true }),
    'val-split': numberFlag({ valueName: 'F', description: 'fraction held out for validation', allowed: 'a number ≥ 0 and < 1', default: '0.1', min: 0 }),
    seed: numberFlag({ valueName: 'S', description: 'seed of initialization, split, shuffling and augmentation', allowed: 'an integer ≥ 0', default: '1', integer: true, min: 0 }),
    'no-augment': booleanFlag('train without SSD augmentation'),
    backend: BACKEND_FLAG,
    resume: booleanFlag('continue from <out>/checkpoint (its settings are kept; --epochs may extend the run)'),
  },
  examples: ['mobilenet-kit train detector instances.json --out run1 --epochs 30', 'mobilenet-kit train detector VOC2012 --init face-ssd --resolution 256 --out run2', 'mobilenet-kit train detector instances.json --out run1 --resume --epochs 40'],
  async run({ flags, positionals }, io) {
    const source = positionals[0]!;
    const out = path.resolve(flags.out ?? './detector-run');
    const checkpointDir = path.join(out, 'checkpoint');
    const backend = flags.backend ?? 'wasm';
    await startBackend(backend);
    const tf = await import('@tensorflow/tfjs-core');
    const det = await import('@mobilenet-kit/detection');
    const node = await import('@mobilenet-kit/detection/node');
    const { trainDetector } = await import('@mobilenet-kit/detection/training');
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
      learningRate: flags['learning-rate'] ?? 0.001,
      valSplit: flags['val-split'] ?? 0.1,
      seed: flags.seed ?? 1,
      augment: !flags['no-augment'],
    };
    const s = settings as { source: string; init: string; alpha: number; resolution: number; batchSize: number; learningRate: number; valSplit: number; seed: number; augment: boolean };
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
    if (s.init === 'face-ssd') {
      const file = await det.readFaceApiManifest('train detector', await det.findFaceApiModelDir(), det.FACE_API_SSD_MANIFEST);
      const imported = await det.importFaceApiSsdWeights(file.manifest, file.readShard, file.manifestPath);
      graph = det.faceApiSsdGraph({ resolution: s.resolution, numClasses });
      const t = det.transferWeights(graph, imported.weights, s.seed);
      weights = t.weights;
      anchorOptions = det.FACE_API_SSD_ANCHORS;
      initNote = `face-api SSD MobileNetV1 (${t.copied.length} of ${t.weights.size} tensors copied; class predictors new)`;
    } else if (s.init !== 'random') {
      const folder = await node.readDetectorFolder(s.init);
      graph = folder.graph;
      weights = folder.weights;
      anchorOptions = folder.config.anchorGenerator.options;
      if (folder.config.labels.length !== numClasses) throw new UsageError(`--init ${s.init} has ${folder.config.labels.length} classes, the dataset ${numClasses}`, 'train detector');
      initNote = `detector folder ${s.init}`;
    } else {
      const extraLayers = det.SSD_MOBILENET_V1_EXTRA_LAYERS.map((l) => ({ bottleneck: Math.max(8, Math.round(l.bottleneck * s.alpha)), depth: Math.max(16, Math.round(l.depth * s.alpha)) }));
      graph = det.ssdHead(mobilenetV1({ alpha: s.alpha, resolution: s.resolution, includeTop: false, taps: ['conv_pw_11', 'conv_pw_13'] }), { numClasses, extraLayers });
      weights = det.initializeDetectorWeights(graph, { seed: s.seed });
      initNote = `random (He, BN frozen), MobileNet ${s.alpha}-${s.resolution}`;
    }
    const anchors = det.generateSsdAnchors(det.ssdFeatureMapSizes(graph), anchorOptions);
    const images = [];
    for (const im of train.images) images.push({ image: await decodeImage(im.file), objects: im.objects });
    io.stderr.write(`train detector: ${train.images.length} training images, ${validation.images.length} held out, ${numClasses} classes; init ${initNote}; ` + `training on ${tf.getBackend()} with the kit's training kernels${resumed ? `; resuming after epoch ${resumed.epoch}` : ''}\n`);
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
      augment: s.augment ? {} : false,
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
      preprocessing: { resize: 'stretch' as const, normalize: 'minusOneToOne' as const },
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
