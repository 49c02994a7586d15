import type { Shape } from '@mobilenet-kit/core';
import { ATTRIBUTE_TYPE, DATA_TYPE } from './onnx-schema';
import { type AttributeProto, type DimensionProto, floatTensor, int64Tensor, type NodeProto, type TensorProto, type ValueInfoProto } from './onnx-model';

/** The symbolic name of the batch dimension in inputs and outputs. */
export const BATCH_DIM_PARAM = 'batch';

/** Attribute values as written: an integer, a float (`{ f }`) or a list of integers. */
export type AttrValue = number | { f: number } | readonly number[];

function attribute(name: string, value: AttrValue): AttributeProto {
  if (Array.isArray(value)) return { name, type: ATTRIBUTE_TYPE.INTS, ints: [...(value as number[])] };
  if (typeof value === 'number') return { name, type: ATTRIBUTE_TYPE.INT, i: value };
  return { name, type: ATTRIBUTE_TYPE.FLOAT, f: (value as { f: number }).f };
}

export function valueInfo(name: string, shape: Shape): ValueInfoProto {
  const dim: DimensionProto[] = shape.map((d) => (d === null ? { dim_param: BATCH_DIM_PARAM } : { dim_value: d }));
  return { name, type: { tensor_type: { elem_type: DATA_TYPE.FLOAT, shape: { dim } } } };
}

/**
 * Collects the nodes and initializers of an ONNX graph and hands out unique
 * value names: a name is the IR's own (`conv_dw_3`, `conv_dw_3/depthwise_kernel`)
 * where it is free, with a numeric suffix where it is not.
 */
export class OnnxWriter {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();

  constructor(reserved: Iterable<string>) {
    for (const name of reserved) this.used.add(name);
  }

  /** Marks a name as taken (graph inputs and outputs) and returns it. */
  claim(name: string): string {
    this.used.add(name);
    return name;
  }

  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Adds a node with one output named after `outputBase`; returns the output's name. */
  node(opType: string, inputs: readonly string[], outputBase: string, attrs: Record<string, AttrValue> = {}): string {
    const output = this.fresh(outputBase);
    this.nodeTo(opType, inputs, output, attrs);
    return output;
  }

  /** Adds a node whose output name is already claimed (a graph output). */
  nodeTo(opType: string, inputs: readonly string[], output: string, attrs: Record<string, AttrValue> = {}): void {
    this.nodes.push({
      input: [...inputs],
      output: [output],
      name: output,
      op_type: opType,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
  }

  floatInitializer(base: string, dims: readonly number[], data: Float32Array): string {
    const name = this.fresh(base);
    this.initializers.push(floatTensor(name, dims, data));
    return name;
  }

  /** A float32 scalar constant, shared by every node that needs the same value. */
  scalar(value: number): string {
    const key = `f:${value}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.floatInitializer(`const/${value}`, [], new Float32Array([value]));
      this.constants.set(key, name);
    }
    return name;
  }

  /** A 1-D int64 constant (shapes, axes), shared by every node that needs the same values. */
  int64s(values: readonly number[]): string {
    const key = `i:${values.join(',')}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.fresh(`const/[${values.join(',')}]`);
      this.initializers.push(int64Tensor(name, [values.length], values));
      this.constants.set(key, name);
    }
    return name;
  }
}
