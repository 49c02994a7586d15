import { type Graph, type Weights, type WeightTensor, paramSpecs } from '@mobilenet-kit/core';
import { FaceWeightImportError } from '../errors';

/**
 * Where one of our parameters comes from in a face-api weight map: a tensor
 * by name (`flat`: stored as a vector `[C]` that fills our parameter of the
 * same size, e.g. a scale vector as a 1×1 depthwise kernel), or `'zeros'`
 * (a parameter with no stored tensor, all zeros by construction).
 */
export type FaceApiSource = { readonly name: string; readonly flat?: boolean } | 'zeros';

const elements = (shape: readonly number[]) => shape.reduce((a, d) => a * d, 1);

/**
 * Maps decoded face-api tensors onto a graph's parameters: every parameter
 * must be found with the right shape, and every stored tensor must be used,
 * so that a manifest of another net (or another version) is refused with
 * what is missing and what is left over. `file` names the source in errors.
 */
export function mapFaceApiWeights(graph: Graph, decoded: Weights, sourceOf: (param: string) => FaceApiSource | undefined, file: string): Weights {
  const weights = new Map<string, WeightTensor>();
  const used = new Set<string>();
  const missing: string[] = [];
  for (const spec of paramSpecs(graph)) {
    const source = sourceOf(spec.name);
    if (source === 'zeros') {
      weights.set(spec.name, { shape: spec.shape, data: new Float32Array(elements(spec.shape)) });
      continue;
    }
    const tensor = source ? decoded.get(source.name) : undefined;
    if (!source || !tensor) {
      missing.push(`${source?.name ?? '(no face-api name)'} → ${spec.name} ${JSON.stringify(spec.shape)}`);
      continue;
    }
    const want = source.flat ? [elements(spec.shape)] : spec.shape;
    const fits = tensor.shape.length === want.length && tensor.shape.every((d, i) => d === want[i]);
    if (!fits) throw new FaceWeightImportError(`${file}: tensor "${source.name}" has shape ${JSON.stringify(tensor.shape)}, but our parameter "${spec.name}" needs ${JSON.stringify(want)}`);
    weights.set(spec.name, { shape: spec.shape, data: tensor.data });
    used.add(source.name);
  }
  if (missing.length > 0) throw new FaceWeightImportError(`${file}: ${missing.length} tensor(s) missing: ${missing.join('; ')}`);
  const leftOver = [...decoded.keys()].filter((n) => !used.has(n));
  if (leftOver.length > 0) throw new FaceWeightImportError(`${file}: ${leftOver.length} tensor(s) left over, not part of ${graph.name}: ${leftOver.join(', ')}`);
  return weights;
}
