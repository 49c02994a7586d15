import { toLayersModel } from '@mobilenet-kit/backend-tfjs';
import type { Graph, WeightTensor, Weights } from '@mobilenet-kit/core';
import type * as tfc from '@tensorflow/tfjs-core';
import type * as tflayers from '@tensorflow/tfjs-layers';

/**
 * An embedding graph as a tfjs-layers model (backend-tfjs's toLayersModel)
 * with its trainable variables named by IR parameter (`conv_pw_3/kernel`).
 * tfjs-layers names a layer's weight `<layer>/<weight>` (kernel, bias,
 * depthwise_kernel, gamma, beta, moving_mean, moving_variance), the same
 * last segment as the IR's parameter names.
 */
export interface LayersEmbedder {
  readonly model: tflayers.LayersModel;
  /** Trainable variables (batch-norm moving statistics excluded), in a fixed order: the graph's parameter order. */
  readonly trainable: readonly { readonly name: string; readonly variable: tfc.Variable }[];
  /** Every layer variable, by IR parameter name. */
  readonly variables: ReadonlyMap<string, tfc.Variable>;
  dispose(): void;
}

export function buildLayersEmbedder(graph: Graph, weights: Weights, tf: typeof tfc, tfl: typeof tflayers): LayersEmbedder {
  const { model, layerNames } = toLayersModel(graph, weights, tf, tfl);
  const nodeOfLayer = new Map([...layerNames].map(([node, layer]) => [layer, node]));
  const variables = new Map<string, tfc.Variable>();
  const trainableIds = new Set(model.trainableWeights.map((w) => w.id));
  const trainable: { name: string; variable: tfc.Variable }[] = [];
  for (const layer of model.layers) {
    const node = nodeOfLayer.get(layer.name);
    for (const w of layer.weights) {
      if (node === undefined) throw new Error(`tfjs-layers layer "${layer.name}" holds weights but is no node of graph "${graph.name}"`);
      const name = `${node}/${w.originalName.slice(w.originalName.lastIndexOf('/') + 1)}`;
      const variable = w.read() as tfc.Variable;
      variables.set(name, variable);
      if (trainableIds.has(w.id)) trainable.push({ name, variable });
    }
  }
  const order = new Map(weights.keys() ? [...weights.keys()].map((n, i) => [n, i]) : []);
  trainable.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
  return { model, trainable, variables, dispose: () => model.dispose() };
}

/** Host copies of every layer variable, by IR parameter name, over the `base` weights. */
export function readLayersWeights(embedder: LayersEmbedder, base: Weights): Map<string, WeightTensor> {
  const out = new Map(base);
  for (const [name, v] of embedder.variables) out.set(name, { shape: [...v.shape], data: Float32Array.from(v.dataSync() as Float32Array) });
  return out;
}
