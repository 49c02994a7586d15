import { type Graph, ModelFormatError, type WeightTensor, type Weights, formatShape, paramSpecs } from '@mobilenet-kit/core';
import type { ConvertedTopology } from './topology';

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Matches every IR parameter of a converted Keras model to a weight of the
 * file by name (`<layer>/<param>`, or a unique name ending in
 * `/<layer>/<param>` where the file scopes names by model) and checks its
 * shape, before any weight is read. Returns IR parameter → file weight name,
 * and the file's weights that no layer uses.
 */
export function matchKerasWeights(
  converted: ConvertedTopology,
  available: ReadonlyMap<string, readonly number[]>,
  file: string,
): { readonly names: ReadonlyMap<string, string>; readonly unused: readonly string[] } {
  const names = new Map<string, string>();
  const byName = [...available.keys()];
  for (const [param, source] of converted.params) {
    if (source.kind !== 'weight') continue;
    const wanted = `${source.layer}/${source.param}`;
    let found: string | undefined = available.has(wanted) ? wanted : undefined;
    if (!found) {
      const scoped = byName.filter((n) => n.endsWith(`/${wanted}`) || n === `${wanted}:0` || n.endsWith(`/${wanted}:0`));
      if (scoped.length > 1) throw new ModelFormatError(`${scoped.length} weights match layer "${source.layer}" parameter "${source.param}": ${scoped.join(', ')}`, { file, weight: wanted });
      found = scoped[0];
    }
    if (!found) {
      const ofLayer = byName.filter((n) => n.startsWith(`${source.layer}/`) || n.includes(`/${source.layer}/`));
      throw new ModelFormatError(
        `layer "${source.layer}" needs weight "${source.param}" ${formatShape(source.shape)}, which the file does not hold${ofLayer.length ? ` (it holds ${ofLayer.join(', ')})` : ` (no weight of layer "${source.layer}" at all)`}`,
        { file, weight: wanted },
      );
    }
    const shape = available.get(found)!;
    if (!sameShape(shape, source.shape)) {
      throw new ModelFormatError(`shape ${formatShape(shape)} in the file, but layer "${source.layer}" as configured needs ${formatShape(source.shape)}`, { file, weight: found });
    }
    names.set(param, found);
  }
  const used = new Set(names.values());
  return { names, unused: byName.filter((n) => !used.has(n)) };
}

/** Assembles the IR weights in graph parameter order from the file's decoded weights. */
export function assembleKerasWeights(graph: Graph, converted: ConvertedTopology, names: ReadonlyMap<string, string>, read: (name: string) => Float32Array): Weights {
  const weights = new Map<string, WeightTensor>();
  for (const spec of paramSpecs(graph)) {
    const source = converted.params.get(spec.name);
    if (!source) throw new Error(`internal: no source for parameter ${spec.name}`);
    if (source.kind === 'fill') weights.set(spec.name, { shape: [...spec.shape], data: new Float32Array(spec.shape.reduce((a, d) => a * d, 1)).fill(source.value) });
    else weights.set(spec.name, { shape: [...spec.shape], data: read(names.get(spec.name)!) });
  }
  return weights;
}
