/**
 * The opsets the exporter writes. 11 is the first where Clip takes min and
 * max as inputs (ReLU6 without attributes); 22 is the newest that the tests
 * run, op by op, in onnxruntime-node 1.30.
 */
export const MIN_OPSET = 11;
export const MAX_OPSET = 22;
export const DEFAULT_OPSET = 13;

/**
 * The IR version that goes with each opset, from the version table in onnx's
 * `onnx/helper.py` (VERSION_TABLE: onnx 1.6 → IR 6 / opset 11, 1.7–1.9 → IR 7 /
 * opsets 12–14, 1.10–1.13 → IR 8 / 15–18, 1.14–1.15 → IR 9 / 19–20,
 * 1.16–1.17 → IR 10 / 21–22).
 */
export function irVersionFor(opset: number): number {
  if (opset <= 11) return 6;
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

export function checkOpset(opset: unknown): number {
  if (typeof opset !== 'number' || !Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new Error(`toOnnx: opset must be an integer from ${MIN_OPSET} to ${MAX_OPSET}, got ${JSON.stringify(opset)}`);
  }
  return opset;
}
