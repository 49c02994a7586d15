import { type BackendInfo, type CompiledModel, checkInputNames, type HostTensor, type TensorLike, type TensorSpec } from '@mobilenet-kit/core';
import { withTfBackend } from './active-backend';
import { toInputTensor } from './input-tensors';
import type { LoweredGraph } from './lower-graph';
import type { Tensor, Tfjs } from './tfjs-types';

/**
 * A graph lowered onto tfjs, bound to one tfjs backend. Each run switches
 * tfjs to that backend if another is active, runs every op inside one
 * tf.tidy, and copies the outputs to host memory; nothing is left allocated
 * between runs except the parameters, which dispose() frees.
 */
export class TfjsCompiledModel implements CompiledModel {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  private disposed = false;

  constructor(
    private readonly tf: Tfjs,
    private readonly tfBackendName: string,
    private readonly lowered: LoweredGraph,
    readonly backend: BackendInfo,
  ) {
    this.inputs = lowered.inputs;
    this.outputs = lowered.outputs;
  }

  get name(): string {
    return this.lowered.graph.name;
  }

  async run(inputs: Readonly<Record<string, TensorLike>>): Promise<Record<string, HostTensor>> {
    if (this.disposed) throw new Error(`model "${this.name}" was disposed; compile it again to run it`);
    checkInputNames(this.name, this.inputs, inputs);
    const { tf } = this;
    const outputs = await withTfBackend(tf, this.tfBackendName, () =>
      tf.tidy(() => {
        const feeds = new Map<string, Tensor>(this.inputs.map((spec) => [spec.name, toInputTensor(tf, this.name, spec, inputs[spec.name]!)]));
        return this.lowered.execute(feeds);
      }),
    );
    try {
      const result: Record<string, HostTensor> = {};
      for (const [name, t] of Object.entries(outputs)) {
        // A copy: the cpu backend hands out its own storage.
        const data = new Float32Array((await t.data()) as Float32Array);
        result[name] = { shape: [...t.shape], data };
      }
      return result;
    } finally {
      for (const t of new Set(Object.values(outputs))) t.dispose();
    }
  }

  /** Runs once on zeros (batch 1 unless the input fixes it), so that kernels and caches are ready. */
  async warmup(): Promise<void> {
    const zeros: Record<string, HostTensor> = {};
    for (const spec of this.inputs) {
      const shape = spec.shape.map((d) => d ?? 1);
      zeros[spec.name] = { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) };
    }
    await this.run(zeros);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.lowered.dispose();
  }
}
