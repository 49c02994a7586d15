import { type BackendInfo, type CompileOptions, type CompiledModel, type Graph, type Weights, analyzeGraph, compile } from '@mobilenet-kit/core';
import { type Normalization, type RgbImage, preprocess, rgbImageProblem } from '@mobilenet-kit/image';
import { FaceOptionError, checkKnownOptions } from './errors';
import { AGE_OUTPUT, GENDER_LABELS, GENDER_OUTPUT } from './face-api/age-gender-net-graph';
import { EXPRESSION_LABELS, EXPRESSION_OUTPUT, type ExpressionLabel } from './face-api/expression-net-graph';

/** Age, gender and expression of one face, as face-api reports them (withAgeAndGender().withFaceExpressions()). */
export interface FaceAttributes {
  /** Estimated age in years (a regression, not rounded). */
  readonly age: number;
  /** The more probable gender and its probability (≥ 0.5), and the probability of each. */
  readonly gender: { readonly label: (typeof GENDER_LABELS)[number]; readonly probability: number; readonly probabilities: Readonly<Record<(typeof GENDER_LABELS)[number], number>> };
  /** The most probable expression and the probability of each of the seven. */
  readonly expression: { readonly label: ExpressionLabel; readonly probabilities: Readonly<Record<ExpressionLabel, number>> };
}

/** One or more compiled graphs that together give the `age`, `gender` and `expression` outputs for a face crop. */
export interface AttributePredictor {
  readonly backend: BackendInfo;
  /** The square input size the crops are resized (stretched) to. */
  readonly inputSize: number;
  predict(crops: RgbImage | readonly RgbImage[]): Promise<FaceAttributes[]>;
  dispose(): void;
}

export interface AttributePredictorOptions {
  /** Backend name in core's registry (`cpu`, `wasm`, …); required. */
  backend: string;
  /** Input normalization (image's): face-api's nets take `{ meanRgb, divisor }`, a MobileNet 'minusOneToOne'. */
  normalize: Normalization;
  compileOptions?: Omit<CompileOptions, 'backend'>;
}

const WHERE = 'createAttributePredictor';
const OUTPUTS = [AGE_OUTPUT, GENDER_OUTPUT, EXPRESSION_OUTPUT] as const;
const WIDTHS: Record<(typeof OUTPUTS)[number], number> = { [AGE_OUTPUT]: 1, [GENDER_OUTPUT]: GENDER_LABELS.length, [EXPRESSION_OUTPUT]: EXPRESSION_LABELS.length };

/**
 * Compiles the networks that answer the three questions: face-api's two
 * teachers (age/gender and expression, one pass each) or a student with
 * all three outputs (one pass). Each output must appear in exactly one
 * graph, with face-api's widths (age 1, gender 2, expression 7); every
 * graph takes the same square RGB input.
 */
export async function createAttributePredictor(models: readonly { graph: Graph; weights: Weights }[], options: AttributePredictorOptions): Promise<AttributePredictor> {
  if (!options || typeof options !== 'object') throw new FaceOptionError(WHERE, 'options', options, 'expected { backend, normalize, compileOptions }');
  checkKnownOptions(WHERE, options, ['backend', 'normalize', 'compileOptions']);
  if (typeof options.backend !== 'string' || options.backend.length === 0) throw new FaceOptionError(WHERE, 'backend', options.backend, 'expected a registered backend name such as "cpu" or "wasm"');
  let size: number | undefined;
  const owner = new Map<string, number>();
  const inputs: string[] = [];
  for (const [i, { graph }] of models.entries()) {
    const info = analyzeGraph(graph);
    const input = graph.nodes.filter((n) => n.op === 'input');
    const shape = input.length === 1 ? info.shapes.get(input[0]!.name)! : [];
    if (input.length !== 1 || shape.length !== 4 || shape[1] !== shape[2] || shape[3] !== 3 || typeof shape[1] !== 'number') {
      throw new FaceOptionError(WHERE, `models[${i}].graph`, graph.name, `needs one input [n, S, S, 3] with a fixed square size, got ${JSON.stringify(shape)}`);
    }
    if (size !== undefined && shape[1] !== size) throw new FaceOptionError(WHERE, `models[${i}].graph`, graph.name, `takes ${shape[1]}×${shape[1]} crops, another model ${size}×${size}`);
    size = shape[1];
    inputs.push(input[0]!.name);
    for (const out of graph.outputs) {
      if (!(OUTPUTS as readonly string[]).includes(out.name)) continue;
      if (owner.has(out.name)) throw new FaceOptionError(WHERE, `models[${i}].graph`, graph.name, `output "${out.name}" is also given by models[${owner.get(out.name)}]`);
      const outShape = info.shapes.get(out.node)!;
      const width = WIDTHS[out.name as (typeof OUTPUTS)[number]];
      if (outShape.length !== 2 || outShape[1] !== width) throw new FaceOptionError(WHERE, `models[${i}].graph`, graph.name, `output "${out.name}" must be [n, ${width}], got ${JSON.stringify(outShape)}`);
      owner.set(out.name, i);
    }
  }
  const absent = OUTPUTS.filter((o) => !owner.has(o));
  if (size === undefined || absent.length > 0) throw new FaceOptionError(WHERE, 'models', models.map((m) => m.graph.name), `no model gives the output(s) ${absent.join(', ')}`);
  const inputSize = size;

  const compiled: CompiledModel[] = [];
  try {
    for (const { graph, weights } of models) compiled.push(await compile(graph, weights, { ...options.compileOptions, backend: options.backend }));
  } catch (e) {
    for (const m of compiled) m.dispose();
    throw e;
  }
  let disposed = false;
  return {
    backend: compiled[0]!.backend,
    inputSize,
    async predict(crops) {
      if (disposed) throw new Error('predict: this attribute predictor was disposed');
      const list: readonly RgbImage[] = Array.isArray(crops) ? crops : [crops as RgbImage];
      if (list.length === 0) return [];
      list.forEach((crop, i) => {
        const problem = rgbImageProblem(crop);
        if (problem !== undefined) throw new FaceOptionError('predict', `crops[${i}]`, problem, 'expected an RgbImage { width, height, data } with width, height ≥ 1');
      });
      const data = preprocess(list, { size: inputSize, resize: 'stretch', normalize: options.normalize }).input.data;
      const values: Record<string, Float32Array> = {};
      for (const [i, model] of compiled.entries()) {
        const result = await model.run({ [inputs[i]!]: { shape: [list.length, inputSize, inputSize, 3], data } });
        for (const out of OUTPUTS) if (owner.get(out) === i) values[out] = result[out]!.data as Float32Array;
      }
      return list.map((_, n) => decodeAttributes(values, n));
    },
    dispose() {
      if (!disposed) for (const m of compiled) m.dispose();
      disposed = true;
    },
  };
}

function decodeAttributes(values: Record<string, Float32Array>, n: number): FaceAttributes {
  const age = values[AGE_OUTPUT]![n]!;
  const [male, female] = [values[GENDER_OUTPUT]![2 * n]!, values[GENDER_OUTPUT]![2 * n + 1]!];
  if (![age, male, female].every(Number.isFinite)) throw new Error(`predict: face ${n}: the network gave a non-finite output (age ${age}, gender ${male}, ${female}): the weights or the input overflow`);
  const probabilities = {} as Record<ExpressionLabel, number>;
  let label: ExpressionLabel = EXPRESSION_LABELS[0];
  for (const [k, name] of EXPRESSION_LABELS.entries()) {
    const p = values[EXPRESSION_OUTPUT]![n * EXPRESSION_LABELS.length + k]!;
    if (!Number.isFinite(p)) throw new Error(`predict: face ${n}: the network gave a non-finite "${name}" probability`);
    probabilities[name] = p;
    if (p > probabilities[label]) label = name;
  }
  // face-api's rule: male when its probability is above 0.5.
  const isMale = male > 0.5;
  return {
    age,
    gender: { label: isMale ? 'male' : 'female', probability: isMale ? male : 1 - male, probabilities: { male, female } },
    expression: { label, probabilities },
  };
}
