/**
 * The layer IR: a graph is a list of named nodes in topological order.
 * Layout is NHWC; dimension 0 of every activation is the batch and is
 * symbolic (`null`) unless an input fixes it.
 */

export type Padding = 'same' | 'valid';
export type ActivationName = 'relu' | 'relu6' | 'sigmoid' | 'softmax' | 'linear';
/** Activations that may be fused into conv, depthwise and dense (elementwise ones). */
export type FusableActivation = 'relu' | 'relu6' | 'sigmoid' | 'linear';

/** An activation shape: `null` marks the symbolic batch dimension. */
export type Dim = number | null;
export type Shape = readonly Dim[];

export interface OpAttrs {
  /** A graph input. `shape` includes the batch dimension, usually `null`. */
  input: { shape: Shape };
  /** Kernel `[kh, kw, inChannels, filters]` (tfjs / Keras layout). */
  conv2d: {
    filters: number;
    kernelSize: [number, number];
    strides: [number, number];
    padding: Padding;
    /** Adds a `bias` parameter `[filters]`. */
    useBias?: boolean;
    /** Fused activation applied after the bias. */
    activation?: FusableActivation;
  };
  /** Kernel `[kh, kw, inChannels, depthMultiplier]`; output channel `c·m + j`. */
  depthwiseConv2d: {
    kernelSize: [number, number];
    strides: [number, number];
    padding: Padding;
    depthMultiplier: number;
    useBias?: boolean;
    activation?: FusableActivation;
  };
  /** Inference-form batch norm over the last axis: gamma, beta, moving_mean, moving_variance. */
  batchNorm: { epsilon: number };
  activation: { fn: ActivationName };
  /** Mean over height and width: `[N, H, W, C] → [N, C]` (or `[N, 1, 1, C]` with keepDims). */
  globalAvgPool: { keepDims?: boolean };
  /** Max over height and width: `[N, H, W, C] → [N, C]` (or `[N, 1, 1, C]` with keepDims). */
  globalMaxPool: { keepDims?: boolean };
  avgPool: { poolSize: [number, number]; strides: [number, number]; padding: Padding };
  maxPool: { poolSize: [number, number]; strides: [number, number]; padding: Padding };
  /** Kernel `[inUnits, units]` on the last axis. */
  dense: { units: number; useBias?: boolean; activation?: FusableActivation };
  /** Identity at inference; `rate` is used in training only. */
  dropout: { rate: number };
  /** `[N, ...] → [N, product]`. */
  flatten: Record<string, never>;
  /** Target shape without the batch dimension; at most one `-1`. */
  reshape: { shape: number[] };
  /** Concatenation along `axis` (negative counts from the end); the batch axis is not allowed. */
  concat: { axis: number };
  /** Elementwise sum of two or more inputs of the same shape. */
  add: Record<string, never>;
  /** `x / sqrt(max(sum(x²), epsilon))` along `axis`. */
  l2Normalize: { axis: number; epsilon: number };
}

export type OpName = keyof OpAttrs;

export interface Node<K extends OpName = OpName> {
  readonly name: string;
  readonly op: K;
  readonly inputs: readonly string[];
  readonly attrs: OpAttrs[K];
}

/** A node whose `op` narrows its `attrs`. */
export type AnyNode = { [K in OpName]: Node<K> }[OpName];

/** A named output of a graph; `name` stays stable when passes rename or merge nodes. */
export interface GraphOutput {
  readonly name: string;
  readonly node: string;
}

export interface Graph {
  readonly name: string;
  readonly nodes: readonly AnyNode[];
  readonly outputs: readonly GraphOutput[];
}

/** A parameter tensor: float32 values in row-major order. */
export interface WeightTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Parameters by name, `<node name>/<param>` (e.g. `conv_dw_3/depthwise_kernel`). */
export type Weights = ReadonlyMap<string, WeightTensor>;

/** The role of a parameter, used by the cost model and by importers. */
export type ParamRole = 'kernel' | 'bias' | 'bn';

export interface ParamSpec {
  /** Full name, `<node>/<param>`. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly role: ParamRole;
}

/** The layer types of the paper's Table 2, plus `other` for ops that cost nothing. */
export type LayerType = 'conv' | 'depthwise' | 'pointwise' | 'dense' | 'other';
