import type * as tflayers from '@tensorflow/tfjs-layers';
import { BATCH_NORM_TRAINING_KERNEL } from './training/fused-batch-norm';
import type { Tensor, Tfjs, TfjsLayers } from './tfjs-types';

type Layer = tflayers.layers.Layer;
type Kwargs = Record<string, unknown>;

export interface BatchNormLayerArgs {
  name: string;
  axis: number;
  epsilon: number;
}

/** The fields of tfjs-layers' BatchNormalization that its training branch uses (private in its typings). */
interface BatchNormalizationFields {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: { read(): Tensor };
  beta: { read(): Tensor };
  movingMean: { read(): Tensor; write(t: Tensor): void };
  movingVariance: { read(): Tensor; write(t: Tensor): void };
}

type LayerClass = new (args: BatchNormLayerArgs) => Layer;
const fusedClasses = new WeakMap<object, LayerClass>();

/**
 * tfjs-layers' BatchNormalization whose training branch runs the fused kernel
 * of `registerTrainingKernels` (one kernel forward, one backward, instead of
 * tf.moments + tf.batchNorm and their gradients) where the active tfjs backend
 * has it (cpu and wasm, once registered), the input is float32, the axis is the
 * last one and γ and β exist; otherwise, and in inference, the stock layer's
 * code runs. The moving statistics are updated exactly as the stock layer does:
 * v ← v − (v − batch value)·(1 − momentum), with the biased batch variance
 * (what tf.moments returns). The class name stays "BatchNormalization", so
 * saved models load with the stock layer and code that looks layers up by
 * class name (e.g. to set `momentum`) finds these.
 */
export function fusedBatchNormLayerClass(tf: Tfjs, tfl: TfjsLayers): LayerClass {
  let cls = fusedClasses.get(tfl);
  if (cls) return cls;
  // tfjs-layers exports the class only through the serialization registry (and its factory).
  const registered = tf.serialization.SerializationMap.getMap().classNameMap.BatchNormalization?.[0];
  const Stock = (registered ?? tfl.layers.batchNormalization({}).constructor) as new (args: BatchNormLayerArgs) => Layer;
  class FusedTrainingBatchNormalization extends Stock {
    static className = 'BatchNormalization';
    override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
      const self = this as unknown as BatchNormalizationFields;
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const fused =
        kwargs?.training === true &&
        x !== undefined &&
        x.dtype === 'float32' &&
        (self.axis === -1 || self.axis === x.rank - 1) &&
        self.center &&
        self.scale &&
        tf.getKernel(BATCH_NORM_TRAINING_KERNEL, tf.getBackend()) !== undefined;
      if (!fused) return super.call(inputs, kwargs);
      return tf.tidy(() => {
        const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAINING_KERNEL, { x, scale: self.gamma.read(), offset: self.beta.read() }, { varianceEpsilon: self.epsilon }) as Tensor[];
        // tfjs-layers' doMovingAverage, op for op.
        const decay = 1 - self.momentum;
        for (const [variable, value] of [
          [self.movingMean, mean!],
          [self.movingVariance, variance!],
        ] as const) {
          tf.tidy(() => {
            const original = variable.read();
            variable.write(tf.sub(original, tf.mul(tf.sub(original, value), decay)));
          });
        }
        return y!;
      });
    }
  }
  cls = FusedTrainingBatchNormalization as unknown as LayerClass;
  fusedClasses.set(tfl, cls);
  return cls;
}
