import type * as tfc from '@tensorflow/tfjs-core';

type Tf = typeof tfc;

/**
 * RMSProp as TensorFlow 1 defines it (tf.compat.v1.train.RMSPropOptimizer,
 * non-centered), the optimizer the paper trains MobileNets with:
 *
 *     ms  ← decay·ms + (1 − decay)·g²
 *     mom ← momentum·mom + lr·g / √(ms + ε)
 *     w   ← w − mom
 *
 * TF 1 starts `ms` at 1 (its "rms" slot is initialized with ones), which with
 * ε = 1 keeps the first steps small. State is kept per parameter name so that
 * a checkpoint restores it exactly, whatever tfjs names its variables.
 */
export interface RmsPropSettings {
  /** TF-slim's --rmsprop_decay default: 0.9. */
  readonly decay: number;
  /** TF-slim's --rmsprop_momentum default: 0.9. */
  readonly momentum: number;
  /** TF-slim's --opt_epsilon default: 1.0. */
  readonly epsilon: number;
  /**
   * The mean-square slot's starting value: 1 as TF 1 (the default), 0 as
   * tfjs's tf.train.rmsprop, whose first steps are then lr·g/√(0.1·g²) ≈ 3·lr
   * for every parameter at once, whatever the gradient's scale.
   */
  readonly initialMeanSquare?: number;
}

export const RMSPROP_DEFAULTS: RmsPropSettings = Object.freeze({ decay: 0.9, momentum: 0.9, epsilon: 1.0 });

/** Host copies of the optimizer's slots, by parameter name. */
export type RmsPropState = Map<string, { ms: Float32Array; mom: Float32Array; shape: readonly number[] }>;

/**
 * The update runs on the host, in plain loops over each parameter's values:
 * a MobileNet has about 60 parameter tensors, and the same update as tfjs ops
 * costs about 11 small kernels per tensor per step, which on wasm cost more
 * than the arithmetic itself.
 */
export class RmsProp {
  private readonly slots = new Map<string, { ms: Float32Array; mom: Float32Array; shape: readonly number[] }>();

  constructor(
    private readonly tf: Tf,
    readonly settings: RmsPropSettings = RMSPROP_DEFAULTS,
  ) {}

  /**
   * One update of every variable that has a gradient. `weightDecay(name)`
   * adds `l2 · w` to that parameter's gradient (the gradient of l2·Σw²/2).
   * Call inside tf.tidy.
   */
  apply(variables: ReadonlyMap<string, tfc.Variable>, grads: ReadonlyMap<string, tfc.Tensor>, learningRate: number, weightDecay: (name: string) => number = () => 0): void {
    const tf = this.tf;
    const { decay, momentum, epsilon } = this.settings;
    for (const [name, gradient] of grads) {
      const variable = variables.get(name)!;
      const g = gradient.dataSync() as Float32Array;
      const w = Float32Array.from(variable.dataSync() as Float32Array);
      let s = this.slots.get(name);
      if (!s) {
        // TF 1 initializes the mean-square slot with ones.
        s = { ms: new Float32Array(w.length).fill(this.settings.initialMeanSquare ?? 1), mom: new Float32Array(w.length), shape: [...variable.shape] };
        this.slots.set(name, s);
      }
      const l2 = weightDecay(name);
      const { ms, mom } = s;
      for (let i = 0; i < w.length; i++) {
        const gi = l2 === 0 ? g[i]! : g[i]! + l2 * w[i]!;
        ms[i] = decay * ms[i]! + (1 - decay) * gi * gi;
        mom[i] = momentum * mom[i]! + (learningRate * gi) / Math.sqrt(ms[i]! + epsilon);
        w[i] = w[i]! - mom[i]!;
      }
      variable.assign(tf.tensor(w, variable.shape, 'float32'));
    }
  }

  /** Copies of the slots, by parameter name in sorted order. */
  getState(): RmsPropState {
    const state: RmsPropState = new Map();
    for (const [name, s] of [...this.slots].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) state.set(name, { ms: Float32Array.from(s.ms), mom: Float32Array.from(s.mom), shape: s.shape });
    return state;
  }

  setState(state: RmsPropState, variables: ReadonlyMap<string, tfc.Variable>): void {
    this.slots.clear();
    for (const [name, { ms, mom, shape }] of state) {
      const v = variables.get(name);
      if (!v) throw new Error(`optimizer state names "${name}", which is not a trainable parameter of this run`);
      if (v.shape.length !== shape.length || v.shape.some((d, i) => d !== shape[i])) {
        throw new Error(`optimizer state of "${name}" has shape [${shape.join(', ')}], the parameter [${v.shape.join(', ')}]`);
      }
      this.slots.set(name, { ms: Float32Array.from(ms), mom: Float32Array.from(mom), shape: [...shape] });
    }
  }

  dispose(): void {
    this.slots.clear();
  }
}
