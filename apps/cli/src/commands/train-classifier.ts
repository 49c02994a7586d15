import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { MOBILENET_V1_VARIANTS } from '@mobilenet-kit/backbone';
import { BACKEND_FLAG } from '../classification-support';
import { resolveModelDir } from '../classifier-model';
import { defineCommand } from '../command';
import { booleanFlag, choiceFlag, numberFlag, pathFlag } from '../flags';
import { EXIT_OK } from '../io';
import { UsageError } from '../usage-error';

const COMMAND = 'train classifier';
/** `--init face-ssd`: the MobileNet v1 1.0 backbone of face-api's pretrained SSD face detector (node_modules/@vladmandic/face-api/model). */
const FACE_SSD = 'face-ssd';

export const trainClassifierCommand = defineCommand({
  name: COMMAND,
  summary: 'train a MobileNet v1 classifier on a folder of images (one subfolder per class), from random or pretrained weights',
  description: [
    "Trains a classifier on <folder> laid out as Keras's image_dataset_from_directory reads it: one subfolder per class",
    '(sorted names are the labels) holding its images (PNG, JPEG, WebP, …; subfolders included, other files skipped).',
    'The network starts from random weights (--alpha, --resolution, --variant) or from the backbone of another model',
    "(--init): any model folder the kit writes (a trained classifier, an imported Keras / TF Hub / Teachable Machine",
    "model) or face-ssd, the MobileNet v1 1.0 backbone of face-api's pretrained SSD face detector; the head is new, one",
    'output per class. --freeze-backbone trains the head alone (backbone features computed once); --fine-tune-from',
    'LAYER trains LAYER and everything after it (conv1, conv_dw_1, conv_pw_1, …, conv_pw_13), the layers before keep',
    "their weights. The recipe, checkpoints and outputs are train fashion-mnist's: <out>/checkpoint after every epoch",
    '(--resume continues exactly), then <out>/model, report.json, curves.png and confusion.png, scored on the',
    'validation images (--val folder, or the --val-split share of <folder> held out).',
  ].join('\n'),
  positionals: [{ name: 'folder', description: 'training images, one subfolder per class' }],
  flags: {
    out: pathFlag('DIR', 'output folder (model, checkpoint, report, charts)', './classifier-run'),
    init: pathFlag('DIR', `start from this model's backbone: a model folder, or ${FACE_SSD} (face-api's pretrained SSD MobileNet v1 1.0)`, 'random weights'),
    alpha: numberFlag({ valueName: 'A', description: 'width multiplier α (random weights only)', allowed: 'a number > 0', default: '0.5', min: 0, exclusiveMin: true }),
    resolution: numberFlag({ valueName: 'R', description: 'input height and width; images are resized to it', allowed: 'an integer ≥ 32', default: `128, or the --init model's (224 for ${FACE_SSD})`, integer: true, min: 32 }),
    variant: choiceFlag({ valueName: 'V', description: "Table 1, Table 5's shallow net or Table 4's full convolutions (random weights only)", choices: MOBILENET_V1_VARIANTS, default: 'standard' }),
    'freeze-backbone': booleanFlag('train the head only; the backbone keeps its weights (its features are computed once, no augmentation)'),
    'fine-tune-from': pathFlag('LAYER', 'train this layer and the ones after it; the layers before keep their weights (conv1 … conv_pw_13)'),
    val: pathFlag('DIR', 'validation images in the same layout (the same class names); then nothing is held out of <folder>'),
    'val-split': numberFlag({ valueName: 'F', description: 'share of <folder> held out for validation, per class', allowed: 'a number ≥ 0 and < 1', default: '0.2', min: 0, max: 1, exclusiveMax: true }),
    epochs: numberFlag({ valueName: 'N', description: 'epochs (with --resume: the total, so a run can be extended)', allowed: 'an integer ≥ 1', default: '10', integer: true, min: 1 }),
    'batch-size': numberFlag({ valueName: 'B', description: 'images per step', allowed: 'an integer ≥ 1', default: '32', integer: true, min: 1 }),
    'learning-rate': numberFlag({ valueName: 'LR', description: 'base learning rate after the warm-up', allowed: 'a number > 0', default: '0.045, or 0.01 with --init', min: 0, exclusiveMin: true }),
    'warmup-epochs': numberFlag({ valueName: 'E', description: 'linear learning-rate warm-up, in epochs', allowed: 'a number ≥ 0', default: '0.5', min: 0 }),
    'decay-rate': numberFlag({ valueName: 'D', description: 'learning-rate decay factor (TF-slim: 0.94)', allowed: 'a number > 0 and ≤ 1', default: '0.94', min: 0, exclusiveMin: true }),
    'decay-epochs': numberFlag({ valueName: 'E', description: 'epochs per decay step (TF-slim: 2)', allowed: 'a number > 0', default: '2', min: 0, exclusiveMin: true }),
    'no-augment': booleanFlag('train without shifts and flips'),
    'label-smoothing': numberFlag({ valueName: 'E', description: 'label smoothing (targets y*(1-E) + E/classes)', allowed: 'a number ≥ 0 and < 1', default: '0', min: 0, max: 1, exclusiveMax: true }),
    dropout: numberFlag({ valueName: 'P', description: "dropout rate before the classifier's dense layer", allowed: 'a number ≥ 0 and < 1', default: '0.001', min: 0, max: 1, exclusiveMax: true }),
    seed: numberFlag({ valueName: 'S', description: 'seed of initialization, split, shuffling, augmentation and dropout', allowed: 'an integer ≥ 0', default: '1', integer: true, min: 0 }),
    threads: numberFlag({ valueName: 'T', description: 'data-parallel threads (each batch in T shards, at most one per core)', allowed: 'an integer ≥ 1', default: '1', integer: true, min: 1 }),
    backend: BACKEND_FLAG,
    resume: booleanFlag('continue from <out>/checkpoint (its settings are kept; --epochs may extend the run)'),
    force: booleanFlag('start over: replace a checkpoint left in <out> instead of refusing'),
  },
  examples: [
    'mobilenet-kit train classifier photos/train --out pets --init imported --freeze-backbone --val photos/test',
    `mobilenet-kit train classifier photos/train --out pets --init ${FACE_SSD} --resolution 128 --fine-tune-from conv_dw_12`,
    'mobilenet-kit train classifier photos/train --out pets --alpha 0.25 --resolution 96 --epochs 20',
    'mobilenet-kit train classifier photos/train --out pets --resume --epochs 30',
  ],
  async run({ flags, positionals }, io) {
    const folder = positionals[0]!;
    const where = `mobilenet-kit ${COMMAND}`;
    if (flags.init !== undefined && (flags.alpha !== undefined || flags.variant !== undefined)) {
      throw new UsageError(`${where}: --alpha and --variant build a random network; with --init the network is the init model's (give --resolution only)`, COMMAND);
    }
    // Before any work: a name that is no MobileNet v1 layer at all (the backbone checks the rest once it is built).
    const from = flags['fine-tune-from'];
    if (from !== undefined && !/^(conv1|conv_(dw|pw)_([1-9]|1[0-3]))$/.test(from)) {
      throw new UsageError(`${where}: --fine-tune-from ${JSON.stringify(from)} is not a MobileNet v1 layer; --fine-tune-from takes conv1, conv_dw_1, conv_pw_1, …, conv_dw_13, conv_pw_13`, COMMAND);
    }
    if (flags['freeze-backbone'] && flags['fine-tune-from'] !== undefined) throw new UsageError(`${where}: --freeze-backbone and --fine-tune-from contradict each other (train the head only, or from a layer on)`, COMMAND);
    if (flags.val !== undefined && flags['val-split'] !== undefined) throw new UsageError(`${where}: --val and --val-split contradict each other (a validation folder, or a share of <folder>)`, COMMAND);
    const valSplit = flags['val-split'] ?? 0.2;
    if (valSplit >= 1) throw new UsageError(`${where}: --val-split ${valSplit} is not allowed; --val-split takes a number ≥ 0 and < 1`, COMMAND);
    const initDir = flags.init === undefined || flags.init === FACE_SSD ? undefined : await resolveModelDir(flags.init, COMMAND, '--init');
    const out = path.resolve(flags.out ?? './classifier-run');

    const [{ initializeWeights, mobilenetV1 }, classification, node, training, { analyzeGraph, graphCost }, tf, tfl, support, run, format] = await Promise.all([
      import('@mobilenet-kit/backbone'),
      import('@mobilenet-kit/classification'),
      import('@mobilenet-kit/classification/node'),
      import('@mobilenet-kit/classification/training'),
      import('@mobilenet-kit/core'),
      import('@tensorflow/tfjs-core'),
      import('@tensorflow/tfjs-layers'),
      import('../classification-support'),
      import('../classifier-training'),
      import('../format/numbers'),
    ]);
    const { classifierFromModel, classifierHead, createClassifier, evaluateClassifier, FASHION_MNIST_HARD_CLASSES, folderNameOf, selectSamples } = classification;
    const checkpointDir = await run.prepareCheckpointDir(out, flags, COMMAND, io);
    const started = performance.now();
    const { name: backendName } = await (await import('../detect-backends')).startCommandBackend(flags.backend, io, { training: true });

    // The classes come from the folder; the network from --init or the flags.
    const listing = await node.listImageFolder(folder, { minClasses: 2 });
    const labels = listing.classNames;
    const seed = flags.seed ?? 1;
    const dropout = flags.dropout ?? 1e-3;
    let initName = 'random weights';
    let built: { graph: import('@mobilenet-kit/core').Graph; weights: import('@mobilenet-kit/core').Weights; metadata: import('@mobilenet-kit/classification').ClassifierMetadata };
    const resuming = flags.resume === true && (await training.checkpointExists(checkpointDir));
    if (resuming) {
      // The checkpoint's network and preprocessing (the trainer continues from its weights).
      const saved = await (await import('@mobilenet-kit/core/node')).loadModel(checkpointDir);
      built = { graph: saved.graph, weights: saved.weights, metadata: classification.classifierMetadataFrom(saved.metadata, analyzeGraph(saved.graph).shapes.get(saved.graph.nodes[0]!.name)![1] as number, checkpointDir) };
      initName = (saved.metadata?.training as { init?: string } | undefined)?.init ?? 'the checkpoint';
      if (built.metadata.labels.join('\n') !== labels.join('\n')) {
        throw new UsageError(`${where}: ${folder} has the classes ${labels.join(', ')}, the checkpoint in ${checkpointDir} was trained on ${built.metadata.labels.join(', ')}; --resume needs the same folder`, COMMAND);
      }
    } else if (flags.init === undefined) {
      const resolution = flags.resolution ?? 128;
      const head = classifierHead(mobilenetV1({ alpha: flags.alpha ?? 0.5, resolution, includeTop: false, variant: flags.variant ?? 'standard' }), { classes: labels.length, labels, dropout });
      built = { ...head, weights: initializeWeights(head.graph, { seed }) };
    } else {
      let source: { graph: import('@mobilenet-kit/core').Graph; weights: import('@mobilenet-kit/core').Weights; metadata?: Record<string, unknown> };
      if (initDir === undefined) {
        const detection = await import('@mobilenet-kit/detection');
        const file = await detection.readFaceApiManifest(where, await detection.findFaceApiModelDir(), detection.FACE_API_SSD_MANIFEST);
        source = await detection.importFaceApiSsdWeights(file.manifest, file.readShard, file.manifestPath);
        initName = `${FACE_SSD} (face-api's SSD MobileNetV1, ${file.manifestPath})`;
      } else {
        source = await (await import('@mobilenet-kit/core/node')).loadModel(initDir);
        initName = initDir;
      }
      // A pretrained backbone wants its own pixel scaling (and crop): kept from a classifier's metadata.
      const p = (source.metadata?.task === 'classification' ? (source.metadata.preprocessing as Record<string, unknown>) : undefined) ?? {};
      const resolution = flags.resolution ?? (initDir === undefined ? 224 : undefined);
      const t = classifierFromModel(source.graph, source.weights, {
        labels,
        dropout,
        seed,
        where: initName,
        ...(resolution !== undefined ? { resolution } : {}),
        preprocessing: { ...(p.normalization ? { normalization: p.normalization as { divisor: number; offset: number } } : {}), ...(p.crop === 'center' ? { crop: 'center' as const } : {}) },
      });
      built = t;
      io.stdout.write(`init: ${t.copied.length} backbone parameters from ${initName} (ends at ${t.source.end}, ${t.source.channels} channels), a new head for ${labels.length} classes\n`);
    }

    const train = await node.readImageFolderFor(folder, built.metadata.preprocessing);
    const validation = flags.val !== undefined ? classification.remapClasses(await node.readImageFolderFor(flags.val, built.metadata.preprocessing), labels, flags.val) : undefined;
    for (const [what, d] of [[folder, train], ...(flags.val !== undefined ? [[flags.val, validation]] : [])] as const) {
      const skipped = (d as { skipped?: readonly string[] }).skipped ?? [];
      const named = `${skipped.slice(0, 3).map((f) => path.basename(f)).join(', ')}${skipped.length > 3 ? ', …' : ''}`;
      if (skipped.length) io.stdout.write(`skipped ${skipped.length === 1 ? '1 file' : `${skipped.length} files`} in ${what} not named as an image (${named})\n`);
    }
    const freeze = flags['freeze-backbone'] ? ('backbone' as const) : flags['fine-tune-from'] !== undefined ? { fromLayer: flags['fine-tune-from'] } : ('none' as const);
    const config: Partial<import('@mobilenet-kit/classification/training').TrainConfig> = {
      ...(flags.epochs !== undefined || !flags.resume ? { epochs: flags.epochs ?? 10 } : {}),
      batchSize: flags['batch-size'] ?? 32,
      learningRate: flags['learning-rate'] ?? (flags.init !== undefined ? 0.01 : 0.045),
      seed,
      validationFraction: validation ? 0 : valSplit,
      freeze,
      cacheFeatures: freeze === 'backbone',
      ...run.recipeFromFlags(flags),
      ...(flags.resume ? {} : { shards: flags.threads ?? 1 }),
    };
    const threads = flags.threads ?? 1;
    const workers = threads > 1 ? training.createThreadWorkers({ threads: threads - 1, setupModule: run.workerSetupModule() }) : undefined;
    const progress = run.trainingProgress(io, {
      graphName: built.graph.name,
      data: (fraction) =>
        `${train.count} images in ${labels.length} classes from ${folder} (${validation ? `validation: ${validation.count} images from ${flags.val}` : `${format.formatPercent(100 * fraction, 0)} held out for validation`})`,
      threads,
      backend: backendName,
    });
    const result = await training.trainClassifier({
      graph: built.graph,
      weights: built.weights,
      // The checkpoint keeps where the run started (read back by --resume).
      metadata: { ...built.metadata, training: { dataset: folder, init: initName } },
      train,
      ...(validation ? { validation } : {}),
      tf,
      tfl,
      tfBackend: backendName,
      config,
      workers,
      checkpointDir,
      resume: flags.resume === true,
      ...progress,
    });
    progress.done();

    // Scored on the validation images (the folder, or the held-out share), else on the training images.
    const scored = validation ?? (result.heldOut.length ? selectSamples(train, result.heldOut) : train);
    const scoredOn = validation ? `the validation folder ${flags.val}` : result.heldOut.length ? `the ${scored.count} held-out images` : `the ${scored.count} training images (nothing held out)`;
    const classifier = await createClassifier(result.graph, result.weights, result.metadata, { backend: backendName });
    const resolution = classifier.resolution;
    const evaluation = await evaluateClassifier(classifier, scored).finally(() => classifier.dispose());
    const cost = graphCost(result.graph).totals;
    const seconds = (performance.now() - started) / 1000;
    const report = {
      model: result.graph.name,
      folder,
      labels,
      init: initName,
      resolution,
      backend: backendName,
      multAdds: cost.multAdds,
      params: cost.params,
      trainImages: train.count - result.heldOut.length,
      evaluatedOn: validation ? flags.val : result.heldOut.length ? 'held-out' : 'training images',
      evaluatedImages: scored.count,
      accuracy: evaluation.accuracy,
      top5: evaluation.top5,
      perClass: evaluation.perClass,
      confusion: Array.from(evaluation.confusion.counts),
      config: result.config,
      history: result.history,
      wallSeconds: seconds,
    };
    await mkdir(out, { recursive: true });
    await run.writeTrainingRun(out, result, {
      training: { dataset: folder, init: initName, accuracy: evaluation.accuracy, evaluatedOn: report.evaluatedOn, epochs: result.history.length, config: result.config },
      report,
      confusion: evaluation.confusion,
    });
    const hard = labels.filter((l) => FASHION_MNIST_HARD_CLASSES.some((h) => h === l || folderNameOf(h) === l));
    io.stdout.write(`\n${scoredOn} (${scored.count} images):\n${support.renderReport(evaluation, hard)}`);
    io.stdout.write(`model: ${format.formatCount(cost.multAdds)} mult-adds, ${format.formatCount(cost.params)} params\n`);
    io.stdout.write(`wrote ${path.join(out, 'model')}, report.json, curves.png, confusion.png in ${support.formatDuration(seconds)}\n`);
    return EXIT_OK;
  },
});
