import { toLayersModel } from '@mobilenet-kit/backend-tfjs';
import { type Graph, type WeightTensor, type Weights, analyzeGraph } from '@mobilenet-kit/core';
import type * as tfc from '@tensorflow/tfjs-core';
import type * as tflayers from '@tensorflow/tfjs-layers';

/**
 * A segment of the graph as a tfjs-layers model, with each layer variable
 * named by its IR parameter (`conv_pw_3/kernel`, `conv_pw_3_bn/moving_mean`).
 */
export interface LayersSegment {
  readonly model: tflayers.LayersModel;
  /** Every layer variable by parameter name. */
  readonly variables: ReadonlyMap<string, tfc.Variable>;
  /** The parameters gradient descent updates (BN moving statistics excluded). */
  readonly trainableNames: readonly string[];
  dispose(): void;
}

/** The order in which tfjs-layers holds each op's parameters (the order backend-tfjs's toLayersModel sets them in). */
function layerParamOrder(op: string, useBias: boolean): string[] {
  switch (op) {
    case 'conv2d':
    case 'dense':
      return ['kernel', ...(useBias ? ['bias'] : [])];
    case 'depthwiseConv2d':
      return ['depthwise_kernel', ...(useBias ? ['bias'] : [])];
    case 'batchNorm':
      return ['gamma', 'beta', 'moving_mean', 'moving_variance'];
    default:
      return [];
  }
}

const NON_TRAINABLE = new Set(['moving_mean', 'moving_variance']);

export function buildLayersSegment(graph: Graph, weights: Weights, tf: typeof tfc, tfl: typeof tflayers): LayersSegment {
  analyzeGraph(graph);
  const { model, layerNames } = toLayersModel(graph, weights, tf, tfl);
  const variables = new Map<string, tfc.Variable>();
  const trainableNames: string[] = [];
  for (const node of graph.nodes) {
    const params = layerParamOrder(node.op, (node.attrs as { useBias?: boolean }).useBias === true);
    if (params.length === 0) continue;
    const layer = model.getLayer(layerNames.get(node.name)!);
    const layerVariables = layer.weights;
    if (layerVariables.length !== params.length) throw new Error(`layer "${layer.name}" holds ${layerVariables.length} variables, expected ${params.join(', ')}`);
    params.forEach((p, i) => {
      const name = `${node.name}/${p}`;
      variables.set(name, layerVariables[i]!.read() as tfc.Variable);
      if (!NON_TRAINABLE.has(p)) trainableNames.push(name);
    });
  }
  return { model, variables, trainableNames, dispose: () => model.dispose() };
}

/** Host copies of variables, by name. */
export function readVariables(variables: ReadonlyMap<string, tfc.Variable>): Map<string, WeightTensor> {
  const out = new Map<string, WeightTensor>();
  for (const [name, v] of variables) out.set(name, { shape: [...v.shape], data: Float32Array.from(v.dataSync() as Float32Array) });
  return out;
}
