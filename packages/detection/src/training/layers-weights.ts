import type { LayersModelBuild } from '@mobilenet-kit/backend-tfjs';
import type { Weights, WeightTensor } from '@mobilenet-kit/core';
import { DetectionOptionError } from '../errors';

/**
 * Reads the parameters of a tfjs-layers model built by `toLayersModel` back
 * into our Weights map. tfjs-layers names a layer's variables with the Keras
 * parameter names (`kernel`, `bias`, `depthwise_kernel`, `gamma`, `beta`,
 * `moving_mean`, `moving_variance`), which are also our parameter names, so
 * variable `P` of the layer built for IR node `N` is weight `N/P`. Every
 * weight of `base` that the model does not hold is passed through unchanged.
 */
export function readLayersWeights(build: LayersModelBuild, base: Weights): Map<string, WeightTensor> {
  const nodeOfLayer = new Map<string, string>();
  for (const [node, layer] of build.layerNames) nodeOfLayer.set(layer, node);
  const out = new Map<string, WeightTensor>(base);
  for (const layer of build.model.layers) {
    const node = nodeOfLayer.get(layer.name);
    if (node === undefined) continue;
    for (const variable of layer.weights) {
      const param = variable.originalName.slice(variable.originalName.lastIndexOf('/') + 1);
      const name = `${node}/${param}`;
      const before = base.get(name);
      if (!before) {
        throw new DetectionOptionError('readLayersWeights', `variable "${variable.originalName}" of layer "${layer.name}"`, name, `a weight named like it in the model's Weights (node "${node}" has ${[...base.keys()].filter((k) => k.startsWith(`${node}/`)).join(', ') || 'none'})`);
      }
      const value = variable.read();
      if (value.shape.length !== before.shape.length || value.shape.some((d, i) => d !== before.shape[i])) {
        throw new DetectionOptionError('readLayersWeights', `shape of "${name}"`, value.shape, `[${before.shape.join(', ')}] as in the model's Weights`);
      }
      out.set(name, { shape: [...before.shape], data: Float32Array.from(value.dataSync() as Float32Array) });
    }
  }
  return out;
}
