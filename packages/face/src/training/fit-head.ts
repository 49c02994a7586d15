import { compile, type Graph, type WeightTensor, type Weights, paramSpecs } from '@mobilenet-kit/core';
import { preprocess, type RgbImage } from '@mobilenet-kit/image';
import { embeddingHeadNodeNames } from '../embedding-head';
import { FaceOptionError } from '../errors';

/** The student cut after its global pool: `features` [n, C]. */
export function featureGraph(graph: Graph, scope = 'embedding_head'): Graph {
  const pool = embeddingHeadNodeNames(scope).pool;
  const at = graph.nodes.findIndex((n) => n.name === pool);
  if (at < 0) throw new FaceOptionError('featureGraph', 'graph', graph.name, `has no node "${pool}" (build it with embeddingHead on a feature map)`);
  return { ...graph, name: `${graph.name}_features`, nodes: graph.nodes.slice(0, at + 1), outputs: [{ name: 'features', node: pool }] };
}

/** Pooled backbone features of each image (resized to the input size, normalized to [-1, 1]), computed on `backend`. */
export async function poolFeatures(graph: Graph, weights: Weights, images: readonly RgbImage[], backend: string, scope = 'embedding_head'): Promise<{ features: Float32Array; count: number; size: number }> {
  const cut = featureGraph(graph, scope);
  const needed = new Set(paramSpecs(cut).map((p) => p.name));
  const model = await compile(cut, new Map([...weights].filter(([n]) => needed.has(n))), { backend });
  try {
    const input = cut.nodes.find((n) => n.op === 'input')!;
    const side = (input.attrs as { shape: number[] }).shape[1]!;
    const chunks: Float32Array[] = [];
    for (let i = 0; i < images.length; i += 32) {
      const part = images.slice(i, i + 32);
      const data = preprocess(part, { size: side, resize: 'stretch', normalize: 'minusOneToOne' }).input.data;
      const out = await model.run({ [input.name]: { shape: [part.length, side, side, 3], data } });
      chunks.push(out.features!.data as Float32Array);
    }
    const size = chunks[0]!.length / Math.min(32, images.length);
    const features = new Float32Array(images.length * size);
    let o = 0;
    for (const c of chunks) {
      features.set(c, o);
      o += c.length;
    }
    return { features, count: images.length, size };
  } finally {
    model.dispose();
  }
}

/** Solves A·X = B for symmetric positive definite A (n×n, row-major, float64) by Cholesky; B is n×m. */
export function solveSpd(a: Float64Array, b: Float64Array, n: number, m: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) throw new Error(`solveSpd: the matrix is not positive definite (pivot ${i} is ${s})`);
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j]!;
    }
  }
  const x = Float64Array.from(b);
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      let s = x[i * m + c]!;
      for (let k = 0; k < i; k++) s -= l[i * n + k]! * x[k * m + c]!;
      x[i * m + c] = s / l[i * n + i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i * m + c]!;
      for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k * m + c]!;
      x[i * m + c] = s / l[i * n + i]!;
    }
  }
  return x;
}

/**
 * Fits the embedding head's dense layer by ridge regression of the targets
 * on the pooled features: W, b = argmin Σ‖W·f + b − t‖² + λ‖W‖², with
 * λ = `ridge` · mean(fᵢ²) · n (scale-free). With a pretrained backbone this
 * is the least-squares optimum of the head alone, a far better start for
 * the distillation than a random head (the student's embedding starts at
 * the teacher's instead of at cosine ≈ 0). Returns new weights (the rest
 * shared with `weights`).
 */
export function ridgeHead(features: Float32Array, count: number, size: number, targets: readonly Float32Array[], ridge = 1e-2): { kernel: WeightTensor; bias: WeightTensor } {
  const f = size + 1;
  const d = targets[0]!.length;
  const a = new Float64Array(f * f);
  const b = new Float64Array(f * d);
  const row = new Float64Array(f);
  for (let s = 0; s < count; s++) {
    for (let i = 0; i < size; i++) row[i] = features[s * size + i]!;
    row[size] = 1;
    for (let i = 0; i < f; i++) {
      const ri = row[i]!;
      if (ri === 0) continue;
      for (let j = 0; j <= i; j++) a[i * f + j] = a[i * f + j]! + ri * row[j]!;
      const t = targets[s]!;
      for (let c = 0; c < d; c++) b[i * d + c] = b[i * d + c]! + ri * t[c]!;
    }
  }
  let meanSquare = 0;
  for (let i = 0; i < size; i++) meanSquare += a[i * f + i]!;
  meanSquare /= size;
  for (let i = 0; i < f; i++) for (let j = 0; j < i; j++) a[j * f + i] = a[i * f + j]!;
  for (let i = 0; i < size; i++) a[i * f + i] = a[i * f + i]! + ridge * meanSquare + 1e-9;
  const x = solveSpd(a, b, f, d);
  return {
    kernel: { shape: [size, d], data: Float32Array.from(x.subarray(0, size * d)) },
    bias: { shape: [d], data: Float32Array.from(x.subarray(size * d)) },
  };
}

/** Fits the head (ridgeHead) on the pooled features of `images`: the student's weights with the fitted dense layer. */
export async function fitEmbeddingHead(
  graph: Graph,
  weights: Weights,
  images: readonly RgbImage[],
  targets: readonly Float32Array[],
  options: { backend: string; ridge?: number; scope?: string },
): Promise<Weights> {
  if (images.length !== targets.length || images.length === 0) throw new FaceOptionError('fitEmbeddingHead', 'images', images.length, `expected as many images as targets (${targets.length}), at least one`);
  const { features, count, size } = await poolFeatures(graph, weights, images, options.backend);
  const { kernel, bias } = ridgeHead(features, count, size, targets, options.ridge);
  const dense = embeddingHeadNodeNames(options.scope).dense;
  const out = new Map(weights);
  const expected = weights.get(`${dense}/kernel`);
  if (!expected || expected.shape[0] !== size || expected.shape[1] !== targets[0]!.length) {
    throw new FaceOptionError('fitEmbeddingHead', `${dense}/kernel`, expected?.shape, `expected [${size}, ${targets[0]!.length}]`);
  }
  out.set(`${dense}/kernel`, kernel);
  out.set(`${dense}/bias`, bias);
  return out;
}

/** Columns [from, from + width) of a row-major [rows, cols] matrix. */
function columns(m: WeightTensor, from: number, width: number): WeightTensor {
  const [rows, cols] = m.shape as [number, number];
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) for (let c = 0; c < width; c++) out[r * width + c] = m.data[r * cols + from + c]!;
  return { shape: [rows, width], data: out };
}

/**
 * Fits the attribute student's three heads (age, gender, expression dense
 * layers under `attribute_head/`) by one ridge regression on the pooled
 * backbone features: age onto the teachers' age, the logits onto the
 * teachers' centred log-probabilities (softmax(log p − mean) = p, so a
 * perfect fit gives the teachers' distributions). The least-squares start
 * the distillation then refines (a random head makes the student learn the
 * mean answer first and can stay there).
 */
export async function fitAttributeHeads(
  graph: Graph,
  weights: Weights,
  images: readonly RgbImage[],
  teacher: readonly ArrayLike<number>[],
  options: { backend: string; ridge?: number; layout: { age: number; gender: number; expression: number; length: number } },
): Promise<Weights> {
  if (images.length !== teacher.length || images.length === 0) throw new FaceOptionError('fitAttributeHeads', 'images', images.length, `expected as many images as teacher vectors (${teacher.length}), at least one`);
  const { age, gender, expression, length } = options.layout;
  const centredLog = (v: ArrayLike<number>, from: number, to: number) => {
    const logs = Array.from({ length: to - from }, (_, k) => Math.log(Math.max(v[from + k]!, 1e-6)));
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    return logs.map((x) => x - mean);
  };
  const targets = teacher.map((v) => Float32Array.from([v[age]!, ...centredLog(v, gender, expression), ...centredLog(v, expression, length)]));
  const { features, count, size } = await poolFeatures(graph, weights, images, options.backend, 'attribute_head');
  const { kernel, bias } = ridgeHead(features, count, size, targets, options.ridge);
  const out = new Map(weights);
  for (const [node, from, width] of [['attribute_head/age', age, 1], ['attribute_head/gender', gender, expression - gender], ['attribute_head/expression', expression, length - expression]] as const) {
    const expected = weights.get(`${node}/kernel`);
    if (!expected || expected.shape[0] !== size || expected.shape[1] !== width) throw new FaceOptionError('fitAttributeHeads', `${node}/kernel`, expected?.shape, `expected [${size}, ${width}]`);
    out.set(`${node}/kernel`, columns(kernel, from, width));
    out.set(`${node}/bias`, { shape: [width], data: bias.data.slice(from, from + width) });
  }
  return out;
}
