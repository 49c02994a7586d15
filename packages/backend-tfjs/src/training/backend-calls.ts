import type * as tfc from '@tensorflow/tfjs-core';

/*
 * Calling another kernel of the same tfjs backend from inside a kernel, on
 * TensorInfos (no engine, no tape): how our gradient kernels reach the
 * backend's fast BatchMatMul and Transpose. A TensorInfo can be viewed with
 * another shape of the same size by copying it with that shape (what the
 * backends' own reshape does).
 */

type Tf = typeof tfc;
type TensorInfo = tfc.TensorInfo;

export interface KernelBackendLike {
  readSync(dataId: unknown): ArrayLike<number>;
  /** tfjs-backend-wasm: a view of a tensor's memory in the wasm heap. */
  typedArrayFromHeap?: (t: TensorInfo) => ArrayLike<number>;
  disposeData(dataId: unknown, force?: boolean): boolean;
  makeTensorInfo?: (shape: number[], dtype: string, values: Float32Array) => TensorInfo;
  makeOutput?: (shape: number[], dtype: string, memoryOffset?: number, values?: Float32Array) => TensorInfo;
}

export function readFloats(backend: KernelBackendLike, t: TensorInfo): Float32Array {
  const v = backend.readSync(t.dataId);
  return v instanceof Float32Array ? v : Float32Array.from(v);
}

export function floatOutput(backend: KernelBackendLike, shape: number[], values: Float32Array): TensorInfo {
  if (backend.makeTensorInfo) return backend.makeTensorInfo(shape, 'float32', values);
  if (backend.makeOutput) return backend.makeOutput(shape, 'float32', undefined, values);
  throw new Error('the tfjs backend offers neither makeTensorInfo nor makeOutput');
}

/**
 * A kernel computed on the host: `compute(inputs, out)` reads the inputs and
 * writes every element of `out`, or adds into it (it starts at zero). On
 * tfjs-backend-wasm the arrays are views of the wasm heap, so nothing is
 * copied (the views are taken after the output is allocated, since an
 * allocation can grow the heap and detach older views); elsewhere they are
 * host copies.
 */
export function hostKernel(backend: KernelBackendLike, outShape: number[], inputs: TensorInfo[], compute: (inputs: Float32Array[], out: Float32Array) => void): TensorInfo {
  return hostKernelOutputs(backend, [outShape], inputs, (views, [out]) => compute(views, out!))[0]!;
}

/** `hostKernel` with several float32 outputs (each starts at zero), in the order of `outShapes`. */
export function hostKernelOutputs(backend: KernelBackendLike, outShapes: number[][], inputs: TensorInfo[], compute: (inputs: Float32Array[], outs: Float32Array[]) => void): TensorInfo[] {
  if (backend.typedArrayFromHeap && backend.makeOutput && inputs.every((t) => t.dtype === 'float32')) {
    const outs = outShapes.map((shape) => backend.makeOutput!(shape, 'float32'));
    const views = inputs.map((t) => backend.typedArrayFromHeap!(t) as Float32Array);
    const targets = outs.map((o) => backend.typedArrayFromHeap!(o) as Float32Array);
    for (const t of targets) t.fill(0);
    compute(views, targets);
    return outs;
  }
  const values = outShapes.map((shape) => new Float32Array(shape.reduce((a, b) => a * b, 1)));
  compute(
    inputs.map((t) => readFloats(backend, t)),
    values,
  );
  return outShapes.map((shape, i) => floatOutput(backend, shape, values[i]!));
}

export function viewAs(t: TensorInfo, shape: number[]): TensorInfo {
  return { ...t, shape };
}

/** Runs kernel `name` of `backendName` directly; throws when that backend has none. */
export function callKernel(tf: Tf, backendName: string, backend: unknown, name: string, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>): TensorInfo {
  const kernel = tf.getKernel(name, backendName);
  if (!kernel) throw new Error(`tfjs backend "${backendName}" has no ${name} kernel`);
  return kernel.kernelFunc({ inputs, backend: backend as tfc.KernelBackend, attrs: attrs as tfc.NamedAttrMap }) as TensorInfo;
}

/**
 * a[M, K] · b[K, N] with the backend's BatchMatMul, both untransposed: on
 * wasm that is XNNPACK's fast path, while `transposeA`/`transposeB` take a
 * loop nest 8–10× slower (measured: 53 ms against 6 ms for a 4096×64 by
 * 4096×128 product, transposing first included).
 */
export function matMul(tf: Tf, backendName: string, backend: unknown, a: TensorInfo, b: TensorInfo, m: number, k: number, n: number): TensorInfo {
  return callKernel(tf, backendName, backend, 'BatchMatMul', { a: viewAs(a, [1, m, k]), b: viewAs(b, [1, k, n]) }, { transposeA: false, transposeB: false });
}

/** The transpose of a rows × cols matrix, by the backend's Transpose kernel. */
export function transpose2d(tf: Tf, backendName: string, backend: unknown, t: TensorInfo, rows: number, cols: number): TensorInfo {
  return callKernel(tf, backendName, backend, 'Transpose', { x: viewAs(t, [rows, cols]) }, { perm: [1, 0] });
}
