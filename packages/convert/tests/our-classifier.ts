import { initializeWeights, mobilenetV1 } from '@mobilenet-kit/backbone';
import { type Graph, GraphBuilder, type Weights, compile } from '@mobilenet-kit/core';

/**
 * A MobileNet 0.25-64 classifier of 3 classes as our builders make it (global pool, dropout, dense,
 * softmax): random weights, batch-norm statistics moved away from 0 / 1 so a BN that is dropped or
 * misread shows. What the export tests write out and read back.
 */
export function ourClassifier(seed: number): { graph: Graph; weights: Weights } {
  const backbone = mobilenetV1({ alpha: 0.25, resolution: 64, includeTop: false });
  const b = new GraphBuilder('pets', backbone);
  const main = backbone.outputs[0]!.node;
  const pooled = b.add('global_average_pooling2d', 'globalAvgPool', [main], {});
  const dropped = b.add('dropout', 'dropout', [pooled], { rate: 0.001 });
  const logits = b.add('logits', 'dense', [dropped], { units: 3, useBias: true });
  const graph = b.output(b.add('predictions', 'activation', [logits], { fn: 'softmax' }), 'predictions').build();
  const weights = new Map(
    [...initializeWeights(graph, { seed })].map(([name, w]) =>
      /moving_(mean|variance)$/.test(name) ? [name, { shape: w.shape, data: w.data.map((_, i) => (name.endsWith('variance') ? 0.5 + (i % 7) / 10 : ((i % 5) - 2) / 10)) }] : [name, w],
    ),
  );
  return { graph, weights };
}

/** One run of a graph on the registered cpu backend: the named output. */
export async function runOnCpu(graph: Graph, weights: Weights, input: { shape: number[]; data: Float32Array }, output: string): Promise<Float32Array> {
  const model = await compile(graph, weights, { backend: 'cpu' });
  try {
    return (await model.run({ [graph.nodes.find((n) => n.op === 'input')!.name]: input }))[output]!.data;
  } finally {
    model.dispose();
  }
}
