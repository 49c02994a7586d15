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
}

export const RMSPROP_DEFAULTS: RmsPropSettings = Object.freeze({ decay: 0.9, momentum: 0.9, epsilon: 1.0 });

/** Host copies of the optimizer's slots, by parameter name. */
export type RmsPropState = Map<string, { ms: Float32Array; mom: Float32Array; shape: readonly number[] }>;

export class RmsProp {
  private readonly slots = new Map<string, { ms: tfc.Variable; mom: tfc.Variable }>();

  constructor(
    private readonly tf: Tf,
    readonly settings: RmsPropSettings = RMSPROP_DEFAULTS,
  ) {}

  private slotsFor(name: string, variable: tfc.Variable): { ms: tfc.Variable; mom: tfc.Variable } {
    let s = this.slots.get(name);
    if (!s) {
      const tf = this.tf;
      s = tf.tidy(() => ({ ms: tf.variable(tf.onesLike(variable), false), mom: tf.variable(tf.zerosLike(variable), false) }));
      this.slots.set(name, s);
    }
    return s;
  }

  /** One update of every variable that has a gradient. Call inside tf.tidy. */
  apply(variables: ReadonlyMap<string, tfc.Variable>, grads: ReadonlyMap<string, tfc.Tensor>, learningRate: number): void {
    const tf = this.tf;
    const { decay, momentum, epsilon } = this.settings;
    for (const [name, g] of grads) {
      const v = variables.get(name)!;
      const s = this.slotsFor(name, v);
      const ms = tf.add(tf.mul(s.ms, decay), tf.mul(tf.square(g), 1 - decay));
      const mom = tf.add(tf.mul(s.mom, momentum), tf.div(tf.mul(g, learningRate), tf.sqrt(tf.add(ms, epsilon))));
      s.ms.assign(ms);
      s.mom.assign(mom);
      v.assign(tf.sub(v, mom));
    }
  }

  getState(): RmsPropState {
    const state: RmsPropState = new Map();
    for (const [name, s] of [...this.slots].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      state.set(name, { ms: s.ms.dataSync() as Float32Array, mom: s.mom.dataSync() as Float32Array, shape: s.ms.shape });
    }
    return state;
  }

  setState(state: RmsPropState, variables: ReadonlyMap<string, tfc.Variable>): void {
    const tf = this.tf;
    this.dispose();
    for (const [name, { ms, mom, shape }] of state) {
      const v = variables.get(name);
      if (!v) throw new Error(`optimizer state names "${name}", which is not a trainable parameter of this run`);
      if (v.shape.length !== shape.length || v.shape.some((d, i) => d !== shape[i])) {
        throw new Error(`optimizer state of "${name}" has shape [${shape.join(', ')}], the parameter [${v.shape.join(', ')}]`);
      }
      this.slots.set(name, tf.tidy(() => ({ ms: tf.variable(tf.tensor(ms, [...shape]), false), mom: tf.variable(tf.tensor(mom, [...shape]), false) })));
    }
  }

  dispose(): void {
    for (const s of this.slots.values()) {
      s.ms.dispose();
      s.mom.dispose();
    }
    this.slots.clear();
  }
}
