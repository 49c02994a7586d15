import { stat } from 'node:fs/promises';
import path from 'node:path';
import { initializeWeights } from '@mobilenet-kit/backbone';
import { analyzeGraph, formatShape, type Graph, type Weights } from '@mobilenet-kit/core';
import { loadModel, writeFileAtomic } from '@mobilenet-kit/core/node';
import { DEFAULT_OPSET, MAX_OPSET, MIN_OPSET, toOnnx } from '@mobilenet-kit/onnx';
import { defineCommand, type FlagSpec } from '../command';
import { booleanFlag, choiceFlag, numberFlag, QUANTIZE_FLAGS } from '../flags';
import { INT8_FILE, INT8_FORMAT, type StoredInt8 } from '../int8-calibration';
import { EXIT_OK } from '../io';
import { MODEL_FLAGS, buildMobileNet, modelLabel, modelOptionsFromFlags } from '../model-options';
import { UsageError } from '../usage-error';

const FORMATS = ['onnx', 'tfjs-layers', 'keras-h5'] as const;
const LAYOUTS = ['nchw', 'nhwc'] as const;

const outFlag: FlagSpec<string> = {
  type: 'string',
  valueName: 'PATH',
  description: 'where to write the model: the .onnx or .h5 file, or for tfjs-layers the folder for model.json and weights.bin (each written atomically)',
  allowed: 'a file path (onnx, keras-h5) or a folder (tfjs-layers)',
  parse: (raw) => (typeof raw === 'string' && raw.length > 0 ? raw : undefined),
};

/**
 * The graph as a tfjs-layers model (backend-tfjs's toLayersModel, on tfjs's cpu backend) handed to `save`, then
 * disposed: what both the tfjs-layers and the Keras .h5 exports write from.
 */
async function withLayersModel<T>(graph: Graph, weights: Weights, save: (layers: import('@tensorflow/tfjs-layers').LayersModel, tf: typeof import('@tensorflow/tfjs-core')) => Promise<T>): Promise<T> {
  const [tf, tfl, { toLayersModel }] = await Promise.all([
    import('@tensorflow/tfjs-core'),
    import('@tensorflow/tfjs-layers'),
    import('@mobilenet-kit/backend-tfjs'),
    // backend-cpu registers tfjs's cpu backend without its "install our node backend" banner.
    import('@mobilenet-kit/backend-cpu'),
  ]);
  await tf.setBackend('cpu');
  const { model } = toLayersModel(graph, weights, tf, tfl);
  try {
    return await save(model, tf);
  } finally {
    model.dispose();
  }
}

export const exportCommand = defineCommand({
  name: 'export',
  summary: 'write a model folder, or a MobileNet built from flags, as an ONNX file, a tfjs layers model or a Keras .h5',
  description: [
    'Exports a model folder (model.json and its shards, e.g. from `mobilenet-kit train` or `import`) or, with --untrained,',
    'a MobileNet v1 built from --alpha, --resolution and the other model flags (seeded Keras-default weights: the right',
    'shape, nothing learnt) to ONNX. Batch norm is',
    "folded, dropout removed; TF 'same' padding becomes explicit pads. Inputs and outputs keep the IR's names and",
    'NHWC layout with a symbolic batch; inside, the graph runs NCHW (--layout nhwc keeps NHWC and transposes around',
    'each convolution). The file opens in onnxruntime, onnxruntime-web and other ONNX tools.',
    '--format tfjs-layers writes a tfjs layers model (model.json with a Keras-style topology, weights.bin) into the',
    "--out folder through tfjs-layers' own saver: tf.loadLayersModel opens it, tensorflowjs_converter turns it into a",
    'Keras .h5 for TensorFlow, and `mobilenet-kit import` reads it back.',
    "--format keras-h5 writes the same model as one Keras HDF5 file in the layout of Keras 2's model.save (model_config,",
    'model_weights with layer_names, per layer weight_names such as conv1/kernel:0), for Keras\'s load_model; `mobilenet-kit',
    'import` reads it back with the same weights.',
    '--quantize int8 --calibrate <folder|fashion-mnist> writes the ONNX file in int8 (post-training quantization: per-channel',
    'symmetric int8 weights, int32 biases, uint8 activations whose ranges come from running the fp32 model on the calibration',
    'images, --calibration-method minmax, percentile or entropy; QDQ form, which onnxruntime fuses into QLinearConv / QGemm).',
    `Exporting a model folder also stores the calibration in <model>/${INT8_FILE}, so that commands with --int8 run the folder`,
    'in int8 on --backend onnxruntime.',
  ].join('\n'),
  positionals: [{ name: 'model', description: 'a model folder (model.json and its shards); leave out to build from the model flags', optional: true }],
  flags: {
    ...MODEL_FLAGS,
    format: choiceFlag({ valueName: 'F', description: 'file format', choices: FORMATS, default: 'onnx' }),
    out: outFlag,
    opset: numberFlag({ valueName: 'N', description: 'ONNX opset', allowed: `an integer from ${MIN_OPSET} to ${MAX_OPSET}`, default: String(DEFAULT_OPSET), integer: true, min: MIN_OPSET }),
    layout: choiceFlag({ valueName: 'L', description: 'layout of the activations inside the graph', choices: LAYOUTS, default: 'nchw' }),
    untrained: booleanFlag('build the model from the model flags with seeded random (Keras-default) weights instead of exporting a folder'),
    seed: numberFlag({ valueName: 'S', description: 'seed of the weights of a model built from flags', allowed: 'an integer ≥ 0', default: '0', integer: true, min: 0 }),
    ...QUANTIZE_FLAGS,
  },
  examples: [
    'mobilenet-kit export --untrained --alpha 0.5 --resolution 160 --out mobilenet-0.5-160.onnx',
    'mobilenet-kit export run1/model --format onnx --out classifier.onnx --opset 17',
    'mobilenet-kit export run1/model --format tfjs-layers --out classifier-tfjs',
    'mobilenet-kit export --untrained --alpha 0.25 --resolution 96 --format tfjs-layers --out mobilenet-0.25-96-tfjs',
    'mobilenet-kit export run1/model --format keras-h5 --out classifier.h5',
    'mobilenet-kit export --untrained --alpha 0.25 --resolution 96 --format keras-h5 --out mobilenet-0.25-96.h5',
    'mobilenet-kit export run1/model --format onnx --quantize int8 --calibrate fashion-mnist --out classifier-int8.onnx',
    'mobilenet-kit export run1/model --format onnx --quantize int8 --calibrate photos/ --calibration-method entropy --out classifier-int8.onnx',
  ],
  async run({ flags, positionals }, io) {
    const out = flags.out;
    const format = flags.format ?? 'onnx';
    const outNeeded = { onnx: 'FILE is required (where to write the .onnx file)', 'tfjs-layers': 'DIR is required (the folder for model.json and weights.bin)', 'keras-h5': 'FILE is required (where to write the .h5 file)' };
    if (!out) throw new UsageError(`mobilenet-kit export: --out ${outNeeded[format]}`, 'export');
    if (format !== 'onnx') {
      const onnxOnly = (['opset', 'layout'] as const).filter((k) => flags[k] !== undefined);
      if (onnxOnly.length > 0) throw new UsageError(`mobilenet-kit export: --${onnxOnly.join(' and --')} apply to --format onnx, not ${format}`, 'export');
    }
    if (flags.quantize === undefined) {
      const needQuantize = (['calibrate', 'calibration-method'] as const).filter((k) => flags[k] !== undefined);
      if (needQuantize.length > 0) throw new UsageError(`mobilenet-kit export: --${needQuantize.join(' and --')} apply to --quantize int8`, 'export');
    } else {
      if (format !== 'onnx') throw new UsageError(`mobilenet-kit export: --quantize ${flags.quantize} applies to --format onnx, not ${format}`, 'export');
      if (flags.calibrate === undefined) throw new UsageError('mobilenet-kit export: --quantize int8 needs calibration images: --calibrate <folder of images> or --calibrate fashion-mnist', 'export');
      if ((flags.opset ?? DEFAULT_OPSET) < 13) throw new UsageError(`mobilenet-kit export: --quantize int8 needs --opset 13 or later (per-channel DequantizeLinear), got ${flags.opset}`, 'export');
    }
    if ((flags.opset ?? DEFAULT_OPSET) > MAX_OPSET) throw new UsageError(`mobilenet-kit export: --opset must be an integer from ${MIN_OPSET} to ${MAX_OPSET}, got ${flags.opset}`, 'export');
    const modelDir = positionals[0];
    const modelFlagsGiven = Object.keys(MODEL_FLAGS).filter((k) => flags[k as keyof typeof MODEL_FLAGS] !== undefined);
    if (modelDir !== undefined && modelFlagsGiven.length > 0) {
      throw new UsageError(`mobilenet-kit export: give a model folder or model flags, not both (got ${modelDir} and --${modelFlagsGiven.join(', --')})`, 'export');
    }
    if (modelDir !== undefined && flags.seed !== undefined) throw new UsageError('mobilenet-kit export: --seed applies to a model built from flags, not to a model folder', 'export');
    // A bad --out fails before any work.
    const outDir = path.dirname(path.resolve(out));
    const dirStat = await stat(outDir).catch(() => undefined);
    if (!dirStat?.isDirectory()) throw new UsageError(`mobilenet-kit export: the folder of --out ${out} (${outDir}) does not exist`, 'export');
    if (format !== 'tfjs-layers' && (await stat(out).catch(() => undefined))?.isDirectory()) {
      throw new UsageError(`mobilenet-kit export: --out ${out} is a folder; --format ${format} writes one file (give its path, e.g. ${path.join(out, format === 'onnx' ? 'model.onnx' : 'model.h5')})`, 'export');
    }

    if (modelDir === undefined && !flags.untrained) {
      throw new UsageError(
        'mobilenet-kit export: give a model folder to export (from `mobilenet-kit train …` or `mobilenet-kit import <file>`), or --untrained with the model flags for a MobileNet of random weights',
        'export',
      );
    }
    if (modelDir !== undefined && flags.untrained) throw new UsageError(`mobilenet-kit export: --untrained builds a model from flags; ${modelDir} is a model folder to export as it is`, 'export');
    let graph: Graph;
    let weights: Weights;
    let label: string;
    let metadata: Record<string, unknown> | undefined;
    if (modelDir !== undefined) {
      ({ graph, weights, metadata } = await loadModel(modelDir));
      label = `${graph.name} (${modelDir})`;
    } else {
      const options = modelOptionsFromFlags(flags);
      graph = buildMobileNet(options, 'export');
      weights = initializeWeights(graph, { seed: flags.seed ?? 0 });
      label = `${modelLabel(options)}, untrained (seed ${flags.seed ?? 0})`;
    }
    const info = analyzeGraph(graph);
    const io_ = [
      ...info.inputs.map((name) => `  input  ${name} ${formatShape(info.shapes.get(name)!)}`),
      ...graph.outputs.map((o) => `  output ${o.name} ${formatShape(info.shapes.get(o.node)!)}`),
    ];
    if (format === 'tfjs-layers') {
      const { saveLayersModelFiles } = await import('@mobilenet-kit/convert/node');
      const { bytes } = await withLayersModel(graph, weights, (layers, tf) => saveLayersModelFiles(layers, out, { tf, convertedBy: 'mobilenet-kit export --format tfjs-layers' }));
      io.stdout.write(`wrote ${path.join(out, 'model.json')} and weights.bin: ${label} as a tfjs layers model, ${(bytes / 1e6).toFixed(1)} MB\n${io_.join('\n')}\n`);
      return EXIT_OK;
    }
    if (format === 'keras-h5') {
      const { saveKerasH5 } = await import('@mobilenet-kit/convert/node');
      const saved = await withLayersModel(graph, weights, (layers, tf) => saveKerasH5(layers, out, { tf }));
      io.stdout.write(`wrote ${out}: ${label} as a Keras .h5 (${saved.layers.length} layers, ${saved.weights} weights), ${(saved.bytes / 1e6).toFixed(1)} MB\n${io_.join('\n')}\n`);
      return EXIT_OK;
    }
    const opset = flags.opset ?? DEFAULT_OPSET;
    const layout = flags.layout ?? 'nchw';
    let bytes = toOnnx(graph, weights, { opset, layout, docString: `${label}, exported by mobilenet-kit` });
    let int8Line = '';
    if (flags.quantize === 'int8') {
      const method = flags['calibration-method'] ?? 'minmax';
      const source = flags.calibrate!;
      const { calibrationInputs } = await import('../int8-calibration');
      const { batches, images } = await calibrationInputs(graph, weights, metadata, source, { command: 'export', ...(modelDir !== undefined ? { modelDir } : {}) });
      const [{ quantizeOnnx }, { importRuntime, ortCalibrationSession }] = await Promise.all([import('@mobilenet-kit/onnx'), import('@mobilenet-kit/backend-onnxruntime')]);
      const q = await quantizeOnnx(bytes, { open: ortCalibrationSession(await importRuntime('onnxruntime-node')), calibration: batches, method });
      bytes = q.bytes;
      int8Line = `int8 (QDQ: ${q.report.quantizedNodes.length} Conv/Gemm with per-channel int8 weights, ${Object.keys(q.ranges).length} activations calibrated by ${method} on ${images} images of ${source}), `;
      if (modelDir !== undefined) {
        const stored: StoredInt8 = { format: INT8_FORMAT, method, opset, layout, images, source, ranges: q.ranges };
        await writeFileAtomic(path.join(modelDir, INT8_FILE), `${JSON.stringify(stored, null, 1)}\n`);
        int8Line += `calibration stored in ${path.join(modelDir, INT8_FILE)} (for --int8), `;
      }
    }
    await writeFileAtomic(out, bytes);
    io.stdout.write(`wrote ${out}: ${label} as ${int8Line}ONNX opset ${opset} (${layout.toUpperCase()} inside), ${(bytes.length / 1e6).toFixed(1)} MB\n${io_.join('\n')}\n`);
    return EXIT_OK;
  },
});
