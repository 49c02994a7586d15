import { type ActivationName, type AnyNode, analyzeGraph, type Graph, GraphError, paramSpecs, type Shape, type Weights } from '@mobilenet-kit/core';
import type * as tflayers from '@tensorflow/tfjs-layers';
import { fusedBatchNormLayerClass } from './fused-batch-norm-layer';
import type { Tensor, Tfjs, TfjsLayers } from './tfjs-types';

type SymbolicTensor = tflayers.SymbolicTensor;
type Layer = tflayers.layers.Layer;

/** The parameter order of each op's tfjs-layers layer (`layer.setWeights`). */
const LAYER_PARAMS: Partial<Record<AnyNode['op'], (node: AnyNode) => string[]>> = {
  conv2d: (n) => ['kernel', ...((n.attrs as { useBias?: boolean }).useBias ? ['bias'] : [])],
  depthwiseConv2d: (n) => ['depthwise_kernel', ...((n.attrs as { useBias?: boolean }).useBias ? ['bias'] : [])],
  dense: (n) => ['kernel', ...((n.attrs as { useBias?: boolean }).useBias ? ['bias'] : [])],
  batchNorm: () => ['gamma', 'beta', 'moving_mean', 'moving_variance'],
};

/** tfjs-layers accepts names matching /^[A-Za-z0-9][-A-Za-z0-9._/]*$/; IR names are paths and usually do. */
function layerName(nodeName: string, used: Set<string>): string {
  let name = nodeName.replace(/[^-A-Za-z0-9._/]/g, '_');
  if (!/^[A-Za-z0-9]/.test(name)) name = `n${name}`;
  let unique = name;
  for (let i = 1; used.has(unique); i++) unique = `${name}_${i}`;
  used.add(unique);
  return unique;
}

const l2LayerClasses = new WeakMap<object, new (args: { name: string; axis: number; epsilon: number }) => Layer>();

/** tfjs-layers has no L2-normalization layer; this one computes exactly what the IR op defines. */
function l2NormalizeLayerClass(tf: Tfjs, tfl: TfjsLayers) {
  let cls = l2LayerClasses.get(tfl);
  if (!cls) {
    class L2Normalize extends tfl.layers.Layer {
      static className = 'MobilenetKitL2Normalize';
      private readonly axis: number;
      private readonly epsilon: number;
      constructor(args: { name: string; axis: number; epsilon: number }) {
        super({ name: args.name });
        this.axis = args.axis;
        this.epsilon = args.epsilon;
      }
      override call(inputs: Tensor | Tensor[]): Tensor {
        const x = Array.isArray(inputs) ? inputs[0]! : inputs;
        return tf.tidy(() => tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), this.axis, true), this.epsilon))));
      }
      override getConfig() {
        return { ...super.getConfig(), axis: this.axis, epsilon: this.epsilon };
      }
    }
    cls = L2Normalize as unknown as new (args: { name: string; axis: number; epsilon: number }) => Layer;
    l2LayerClasses.set(tfl, cls);
  }
  return cls;
}

function activationLayer(tfl: TfjsLayers, fn: ActivationName, name: string): Layer {
  switch (fn) {
    case 'relu':
      return tfl.layers.reLU({ name });
    case 'relu6':
      return tfl.layers.reLU({ name, maxValue: 6 });
    case 'softmax':
      return tfl.layers.softmax({ name, axis: -1 });
    case 'sigmoid':
    case 'linear':
      return tfl.layers.activation({ name, activation: fn });
    default:
      throw new Error(`unknown activation "${String(fn)}"`);
  }
}

/** The Keras-style layer for one node (input nodes are handled by the caller). */
function layerFor(tf: Tfjs, tfl: TfjsLayers, node: AnyNode, name: string, outputShape: Shape | undefined, options: LayersModelOptions): Layer {
  const L = tfl.layers;
  switch (node.op) {
    case 'conv2d': {
      const a = node.attrs;
      return L.conv2d({ name, filters: a.filters, kernelSize: a.kernelSize, strides: a.strides, padding: a.padding, useBias: a.useBias ?? false, activation: a.activation ?? 'linear' });
    }
    case 'depthwiseConv2d': {
      const a = node.attrs;
      return L.depthwiseConv2d({ name, kernelSize: a.kernelSize, strides: a.strides, padding: a.padding, depthMultiplier: a.depthMultiplier, useBias: a.useBias ?? false, activation: a.activation ?? 'linear' });
    }
    case 'batchNorm': {
      if (options.fusedTrainingBatchNorm === false) return L.batchNormalization({ name, axis: -1, epsilon: node.attrs.epsilon });
      const FusedBatchNorm = fusedBatchNormLayerClass(tf, tfl);
      return new FusedBatchNorm({ name, axis: -1, epsilon: node.attrs.epsilon });
    }
    case 'activation':
      return activationLayer(tfl, node.attrs.fn, name);
    case 'globalAvgPool':
      return L.globalAveragePooling2d({ name });
    case 'globalMaxPool':
      return L.globalMaxPooling2d({ name });
    case 'avgPool':
      return L.averagePooling2d({ name, poolSize: node.attrs.poolSize, strides: node.attrs.strides, padding: node.attrs.padding });
    case 'maxPool':
      return L.maxPooling2d({ name, poolSize: node.attrs.poolSize, strides: node.attrs.strides, padding: node.attrs.padding });
    case 'dense': {
      const a = node.attrs;
      return L.dense({ name, units: a.units, useBias: a.useBias ?? false, activation: a.activation ?? 'linear' });
    }
    case 'dropout':
      return L.dropout({ name, rate: node.attrs.rate });
    case 'flatten':
      return L.flatten({ name });
    case 'reshape':
      // tfjs-layers leaves a -1 unresolved when the batch is symbolic; use the IR's inferred sizes.
      return L.reshape({ name, targetShape: (outputShape ?? []).slice(1) as number[] });
    case 'concat':
      return L.concatenate({ name, axis: node.attrs.axis });
    case 'add':
      return L.add({ name });
    case 'l2Normalize': {
      const L2 = l2NormalizeLayerClass(tf, tfl);
      return new L2({ name, axis: node.attrs.axis, epsilon: node.attrs.epsilon });
    }
    default:
      throw new GraphError('no tfjs-layers layer for this op', { node: node.name, op: node.op });
  }
}

export interface LayersModelOptions {
  /**
   * BatchNormalization layers run training mode as one fused kernel forward and
   * one backward where `registerTrainingKernels` registered them for the active
   * backend (cpu, wasm); same results as the stock layer within float rounding.
   * Inference is the stock layer's either way. Default true.
   */
  readonly fusedTrainingBatchNorm?: boolean;
}

export interface LayersModelBuild {
  readonly model: tflayers.LayersModel;
  /** The tfjs-layers layer name of each IR node (they differ only where a name had to be sanitized). */
  readonly layerNames: ReadonlyMap<string, string>;
}

/**
 * Builds a tfjs-layers functional model equivalent to `graph` (Keras-style
 * layers: Conv2D, DepthwiseConv2D, BatchNormalization, ReLU(max 6), …) holding
 * the same weights. It is an independent implementation of the IR, used for
 * parity tests, as the benchmark's peer and, later, for training. The model's
 * outputs follow `graph.outputs`. Dispose it with `model.dispose()`.
 */
export function toLayersModel(graph: Graph, weights: Weights, tf: Tfjs, tfl: TfjsLayers, options: LayersModelOptions = {}): LayersModelBuild {
  const info = analyzeGraph(graph);
  const specs = new Map(paramSpecs(graph, info).map((s) => [s.name, s]));
  const used = new Set<string>();
  const names = new Map<string, string>();
  const symbols = new Map<string, SymbolicTensor>();
  const inputs: SymbolicTensor[] = [];
  const withParams: { node: AnyNode; layer: Layer }[] = [];
  for (const node of graph.nodes) {
    const name = layerName(node.name, used);
    names.set(node.name, name);
    if (node.op === 'input') {
      const [batch, ...rest] = node.attrs.shape;
      const x = tfl.input({ name, shape: rest as number[], ...(batch !== null && batch !== undefined ? { batchSize: batch } : {}) });
      inputs.push(x);
      symbols.set(node.name, x);
      continue;
    }
    const layer = layerFor(tf, tfl, node, name, info.shapes.get(node.name), options);
    const args = node.inputs.map((i) => symbols.get(i)!);
    let y = layer.apply(args.length === 1 ? args[0]! : args) as SymbolicTensor;
    if ((node.op === 'globalAvgPool' || node.op === 'globalMaxPool') && node.attrs.keepDims) {
      const channels = y.shape[y.shape.length - 1] as number;
      y = tfl.layers.reshape({ name: layerName(`${node.name}/keep_dims`, used), targetShape: [1, 1, channels] }).apply(y) as SymbolicTensor;
    }
    symbols.set(node.name, y);
    if (LAYER_PARAMS[node.op]) withParams.push({ node, layer });
  }
  const model = tfl.model({ name: layerName(graph.name, new Set()), inputs, outputs: graph.outputs.map((o) => symbols.get(o.node)!) });
  try {
    for (const { node, layer } of withParams) {
      const tensors = LAYER_PARAMS[node.op]!(node).map((p) => {
        const full = `${node.name}/${p}`;
        const w = weights.get(full);
        const spec = specs.get(full);
        if (!w) throw new GraphError(`weight "${full}" is missing`, { node: node.name, op: node.op });
        if (spec && (w.shape.length !== spec.shape.length || w.shape.some((d, i) => d !== spec.shape[i]))) {
          throw new GraphError(`weight "${full}" has the wrong shape`, { node: node.name, op: node.op, expected: `[${spec.shape.join(', ')}]`, actual: `[${w.shape.join(', ')}]` });
        }
        return tf.tensor(w.data, [...w.shape], 'float32');
      });
      try {
        layer.setWeights(tensors);
      } finally {
        for (const t of tensors) t.dispose();
      }
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, layerNames: names };
}
