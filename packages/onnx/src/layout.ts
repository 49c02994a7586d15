import type { Shape } from '@mobilenet-kit/core';
import type { OnnxWriter } from './onnx-writer';

/**
 * How rank-4 activations are laid out inside the exported graph:
 * - 'nchw' (default): transposed once where they enter a convolution-like op
 *   and kept channels-first from there on, transposed back to the IR's NHWC
 *   only where an op needs the NHWC order (flatten, reshape, dense on rank 4,
 *   softmax) and at the graph outputs;
 * - 'nhwc': every IR value stays NHWC; each convolution or pool is wrapped in
 *   its own pair of transposes (the form a naive converter writes; kept to
 *   measure against, see the README).
 */
export type OnnxLayout = 'nchw' | 'nhwc';

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];
/** NHWC axis → NCHW axis. */
export const NCHW_AXIS = [0, 2, 3, 1] as const;

/** One IR value in the ONNX graph: its NHWC (IR-layout) name, its NCHW name, or both. */
interface Forms {
  nhwc?: string;
  nchw?: string;
}

/** The ONNX names of the IR values, with the transposes between the two layouts made once per value and on demand. */
export class ValueTable {
  private readonly forms = new Map<string, Forms>();

  constructor(
    private readonly writer: OnnxWriter,
    private readonly shapes: ReadonlyMap<string, Shape>,
    readonly layout: OnnxLayout,
  ) {}

  shape(irName: string): Shape {
    return this.shapes.get(irName)!;
  }

  rank(irName: string): number {
    return this.shape(irName).length;
  }

  private get(irName: string): Forms {
    const f = this.forms.get(irName);
    if (!f) throw new Error(`internal: IR value "${irName}" has no ONNX value yet`);
    return f;
  }

  hasNchw(irName: string): boolean {
    return this.get(irName).nchw !== undefined;
  }

  /** Records the value in the IR layout (any rank). */
  setNhwc(irName: string, onnxName: string): void {
    this.forms.set(irName, { nhwc: onnxName });
  }

  /** Records a rank-4 value in channels-first layout; in 'nhwc' mode it is transposed back at once. */
  setNchw(irName: string, onnxName: string): void {
    if (this.layout === 'nhwc') {
      this.forms.set(irName, { nhwc: this.relayout(irName, onnxName, 'nhwc') });
    } else this.forms.set(irName, { nchw: onnxName });
  }

  /** Gives a second IR name the same ONNX value (dropout, linear activation). */
  alias(irName: string, source: string): void {
    this.forms.set(irName, { ...this.get(source) });
  }

  /** A Transpose, or a Reshape where height and width are 1 (the same bytes in both layouts, no copy in onnxruntime). */
  private relayout(irName: string, source: string, to: OnnxLayout): string {
    const [, h, w, c] = this.shape(irName);
    if (h === 1 && w === 1 && typeof c === 'number') {
      return this.writer.node('Reshape', [source, this.writer.int64s(to === 'nhwc' ? [0, 1, 1, c] : [0, c, 1, 1])], `${irName}/${to}`);
    }
    return this.writer.node('Transpose', [source], `${irName}/${to}`, { perm: to === 'nhwc' ? TO_NHWC : TO_NCHW });
  }

  /** The value in the IR layout (NHWC for rank 4). */
  nhwc(irName: string): string {
    const f = this.get(irName);
    f.nhwc ??= this.relayout(irName, f.nchw!, 'nhwc');
    return f.nhwc;
  }

  /** A rank-4 value channels-first. In 'nhwc' mode the transpose is not kept for other consumers. */
  nchw(irName: string): string {
    const f = this.get(irName);
    if (f.nchw) return f.nchw;
    const t = this.relayout(irName, f.nhwc!, 'nchw');
    if (this.layout === 'nchw') f.nchw = t;
    return t;
  }

  /**
   * For elementwise and axis ops on rank-4 values: channels-first if any of
   * the values already is (or in 'nchw' mode), else the IR layout.
   */
  preferNchw(irNames: readonly string[]): boolean {
    if (irNames.some((n) => this.rank(n) !== 4)) return false;
    return irNames.some((n) => this.hasNchw(n));
  }
}
