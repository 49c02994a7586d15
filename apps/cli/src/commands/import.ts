import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { checkOutputDir, fileKind, OutputPathError, readRegularFile } from '@mobilenet-kit/core/node';
import { defineCommand } from '../command';
import { booleanFlag, numberFlag, pathFlag } from '../flags';
import { EXIT_OK } from '../io';
import { UsageError } from '../usage-error';

export const importCommand = defineCommand({
  name: 'import',
  summary: 'read a pretrained MobileNet v1 of another format (tfjs layers / Teachable Machine, tfjs graph model / TF Hub, Keras .h5, ONNX) into a model folder',
  description: [
    'Reads a MobileNet v1 file of another format and writes it as a model folder (model.json with labels and',
    'preprocessing, and its shards) that classify, export and train --init take. Formats: a tfjs layers model.json',
    '(or its folder) as tensorflowjs_converter writes it from a Keras MobileNet, and a Teachable Machine image export',
    '(model.json + weights.bin + metadata.json: labels from metadata.json, its preprocessing: centre crop, pixels / 127 - 1),',
    'a tfjs graph model.json ("format": "graph-model": TF Hub\'s MobileNet v1 classifiers as tensorflowjs_converter writes',
    'them, TF-slim layer scopes MobilenetV1/Conv2d_N…, batch norm folded or not; 1001 classes with background first),',
    "and a Keras HDF5 file: a whole model (model.save('x.h5')) or a weights-only file (save_weights, Keras Applications'",
    'mobilenet_1_0_224_tf.h5 and its siblings), whose architecture is Keras\'s MobileNet v1 at --alpha (default: from the',
    'weight shapes) and --resolution (default: from a Keras Applications file name), with or without top (--no-top),',
    'and an ONNX file (.onnx) laid out as mobilenet-kit export or tf2onnx write MobileNet v1 (NHWC or NCHW input; the',
    'imported model takes NHWC images).',
    'The file is checked before anything is allocated (layer names, shapes, shard sizes); what was recognised (α,',
    'resolution, variant, top, classes) is printed. A 1000-class (Keras) or 1001-class (TF-slim, background first)',
    'classifier gets the ImageNet class names shipped with the kit. Nothing is downloaded.',
  ].join('\n'),
  positionals: [{ name: 'file', description: 'model.json of a tfjs layers model, a Teachable Machine export or a tfjs graph model (or the folder holding it), a Keras .h5 file or an .onnx file' }],
  flags: {
    out: pathFlag('DIR', 'the model folder to write (written atomically)'),
    alpha: numberFlag({ valueName: 'A', description: 'the width multiplier the file should have (checked against the weight shapes)', allowed: 'a number > 0', min: 0, exclusiveMin: true }),
    resolution: numberFlag({ valueName: 'R', description: 'the input size the file should have (checked); of a weights-only .h5 (or a graph model without a fixed input size), the input size to build', allowed: 'an integer ≥ 32', integer: true, min: 32 }),
    'no-top': booleanFlag('a weights-only Keras .h5: leave out the classifier (conv_preds), import the backbone'),
    metadata: pathFlag('FILE', "Teachable Machine's metadata.json", 'metadata.json next to model.json, when there is one'),
    labels: pathFlag('FILE', 'class names, one per line, instead of those found'),
    json: booleanFlag('print what was recognised as JSON'),
  },
  examples: [
    'mobilenet-kit import my-tm-model/model.json --out tm-model',
    'mobilenet-kit import mobilenet_v1_0.25_224/model.json --alpha 0.25 --out imported',
    'mobilenet-kit import mobilenet_1_0_224_tf.h5 --out imagenet',
    'mobilenet-kit import mobilenet_v1_100_224_classification/model.json --out tfhub',
    'mobilenet-kit import weights.h5 --alpha 0.25 --resolution 128 --no-top --out backbone',
    'mobilenet-kit import mobilenet_v1.onnx --out from-onnx',
  ],
  async run({ flags, positionals }, io) {
    const file = positionals[0]!;
    if (!flags.out) throw new UsageError('mobilenet-kit import: --out DIR is required (the model folder to write)', 'import');
    // Before the file is read: an --out whose folder cannot be made (under /proc, inside a regular file) is an error naming --out.
    const outStat = await stat(flags.out).catch(() => undefined);
    if (outStat && !outStat.isDirectory()) throw new OutputPathError(flags.out, '--out', `exists and is ${fileKind(outStat)}, not a folder`);
    await checkOutputDir(path.dirname(path.resolve(flags.out)), '--out');
    const labels = flags.labels ? (await readRegularFile(flags.labels, { what: '--labels file', refuseEmpty: false })).toString('utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0) : undefined;
    const { importModelFile, saveImported } = await import('@mobilenet-kit/convert/node');
    const imported = await importModelFile(file, {
      ...(flags.alpha !== undefined ? { alpha: flags.alpha } : {}),
      ...(flags.resolution !== undefined ? { resolution: flags.resolution } : {}),
      ...(flags.metadata ? { metadata: flags.metadata } : {}),
      ...(labels ? { labels } : {}),
      ...(flags['no-top'] ? { includeTop: false } : {}),
    });
    const saved = await saveImported(flags.out, imported);
    if (flags.json) {
      const m = imported.metadata;
      io.stdout.write(`${JSON.stringify({ file, out: saved.dir, format: imported.format, recognized: imported.recognized, task: m.task, labels: m.labels, preprocessing: m.preprocessing, report: imported.report }, null, 2)}\n`);
    } else {
      io.stdout.write(`imported ${file} (${imported.format}) → ${saved.dir} (${(saved.bytes / 1e6).toFixed(1)} MB)\n${imported.report.map((l) => `  ${l}`).join('\n')}\n`);
    }
    return EXIT_OK;
  },
});
