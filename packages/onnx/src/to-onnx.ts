import { analyzeGraph, formatShape, type Graph, GraphError, optimizeForInference, type Weights } from '@mobilenet-kit/core';
import { type OnnxLayout, ValueTable } from './layout';
import { LOWERINGS, type LowerContext } from './lower-ops';
import { encodeModel, type ModelProto } from './onnx-model';
import { OnnxWriter, valueInfo } from './onnx-writer';
import { checkOpset, DEFAULT_OPSET, irVersionFor } from './opsets';

export interface ToOnnxOptions {
  /** ONNX opset (ai.onnx domain), 11 to 22. Default 13. */
  readonly opset?: number;
  /** Layout of rank-4 values inside the graph (see OnnxLayout). Default 'nchw'. Inputs and outputs are NHWC either way. */
  readonly layout?: OnnxLayout;
  /** Strip dropout, fold batch norm and fuse activations first (core's optimizeForInference). Default true. */
  readonly optimize?: boolean;
  /** Written into the model's doc_string. */
  readonly docString?: string;
}

export const PRODUCER_NAME = '@mobilenet-kit/onnx';
export const PRODUCER_VERSION = '0.1.0';

function checkWeights(graph: Graph, weights: Weights, info: ReturnType<typeof analyzeGraph>): void {
  for (const node of graph.nodes) {
    for (const spec of info.params.get(node.name) ?? []) {
      const w = weights.get(spec.name);
      if (!w) throw new GraphError(`weight "${spec.name}" is missing`, { node: node.name, op: node.op, expected: formatShape(spec.shape) });
      if (w.shape.length !== spec.shape.length || w.shape.some((d, i) => d !== spec.shape[i])) {
        throw new GraphError(`weight "${spec.name}" has the wrong shape`, { node: node.name, op: node.op, expected: formatShape(spec.shape), actual: formatShape(w.shape) });
      }
      const size = w.shape.reduce((a, b) => a * b, 1);
      if (w.data.length !== size) {
        throw new GraphError(`weight "${spec.name}" holds ${w.data.length} values for shape ${formatShape(w.shape)} (${size})`, { node: node.name, op: node.op });
      }
    }
  }
}

/**
 * The model as an ONNX ModelProto object (before serialization), for tools
 * that want to look at it; `toOnnx` serializes the same object.
 */
export function toOnnxModel(graph: Graph, weights: Weights, options: ToOnnxOptions = {}): ModelProto {
  const opset = checkOpset(options.opset ?? DEFAULT_OPSET);
  const layout = options.layout ?? 'nchw';
  if (layout !== 'nchw' && layout !== 'nhwc') throw new Error(`toOnnx: layout must be 'nchw' or 'nhwc', got ${JSON.stringify(layout)}`);
  analyzeGraph(graph);
  const prepared = options.optimize === false ? { graph, weights } : optimizeForInference(graph, weights);
  const info = analyzeGraph(prepared.graph);
  checkWeights(prepared.graph, prepared.weights, info);

  const writer = new OnnxWriter([...info.inputs, ...prepared.graph.outputs.map((o) => o.name)]);
  const values = new ValueTable(writer, info.shapes, layout);
  const ctx: LowerContext = { writer, values, weights: prepared.weights, opset };
  for (const name of info.inputs) values.setNhwc(name, name);
  for (const node of prepared.graph.nodes) {
    (LOWERINGS[node.op] as (n: typeof node, c: LowerContext) => void)(node, ctx);
  }
  // Outputs in the IR's layout, under the graph's output names.
  for (const output of prepared.graph.outputs) {
    const source = values.nhwc(output.node);
    if (source === output.name) continue; // a graph input that is also an output
    if (info.inputs.includes(output.name)) {
      throw new GraphError(`output "${output.name}" has the name of a graph input but another value; ONNX names each value once`, { node: output.node });
    }
    writer.nodeTo('Identity', [source], output.name);
  }

  return {
    ir_version: irVersionFor(opset),
    opset_import: [{ domain: '', version: opset }],
    producer_name: PRODUCER_NAME,
    producer_version: PRODUCER_VERSION,
    ...(options.docString ? { doc_string: options.docString } : {}),
    graph: {
      name: prepared.graph.name || 'graph',
      node: writer.nodes,
      initializer: writer.initializers,
      input: info.inputs.map((name) => valueInfo(name, info.shapes.get(name)!)),
      output: prepared.graph.outputs.map((o) => valueInfo(o.name, info.shapes.get(o.node)!)),
    },
  };
}

/**
 * Exports a graph and its weights as an ONNX model file (bytes). Inputs and
 * outputs keep the IR's NHWC layout and names, with the batch dimension
 * symbolic (`dim_param: "batch"`); TF 'same' padding becomes explicit,
 * possibly asymmetric pads (core's samePadding), never auto_pad.
 */
export function toOnnx(graph: Graph, weights: Weights, options: ToOnnxOptions = {}): Uint8Array {
  return encodeModel(toOnnxModel(graph, weights, options));
}
