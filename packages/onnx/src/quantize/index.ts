import type { HostTensor } from '@mobilenet-kit/core';
import { decodeOnnx, encodeModel, type ModelProto } from '../onnx-model';
import { type CalibrationMethod, type CalibrationRanges, calibrateTensors, checkCalibrationMethod, DEFAULT_CALIBRATION_METHOD, type OpenCalibrationSession } from './calibrate';
import { type ActivationType, type QuantizationReport, quantizeQdq, relu6Outputs, tensorsToCalibrate } from './qdq';

export {
  CALIBRATION_METHODS,
  DEFAULT_CALIBRATION_METHOD,
  DEFAULT_PERCENTILE,
  HISTOGRAM_BINS,
  calibrateTensors,
  checkCalibrationMethod,
  entropyThreshold,
  percentileThreshold,
  withTensorOutputs,
  type CalibrateOptions,
  type CalibrationMethod,
  type CalibrationRanges,
  type CalibrationSession,
  type OpenCalibrationSession,
  type TensorRange,
} from './calibrate';
export {
  activationParams,
  quantizableNodes,
  quantizeQdq,
  quantizeWeightPerChannel,
  relu6Outputs,
  roundHalfEven,
  tensorsToCalibrate,
  type ActivationType,
  type QdqOptions,
  type QuantizableNode,
  type QuantizationReport,
} from './qdq';

export interface QuantizeOnnxOptions {
  /** Opens the fp32 model for calibration (backend-onnxruntime's ortCalibrationSession). Not needed with `ranges`. */
  readonly open?: OpenCalibrationSession;
  /** Calibration batches: real images preprocessed as the model expects, keyed by input name. Not needed with `ranges`. */
  readonly calibration?: readonly Readonly<Record<string, HostTensor>>[];
  /** Ranges from an earlier calibration of the same fp32 model (e.g. `ranges` of a previous result, stored as JSON); skips calibration. */
  readonly ranges?: CalibrationRanges;
  /** Default 'minmax'. */
  readonly method?: CalibrationMethod;
  /** For 'percentile' (default 99.999). */
  readonly percentile?: number;
  /** Default 'uint8'. */
  readonly activationType?: ActivationType;
  /** ONNX node names to keep in float. */
  readonly excludeNodes?: readonly string[];
}

export interface QuantizedOnnx {
  /** The QDQ model file. */
  readonly bytes: Uint8Array;
  readonly model: ModelProto;
  /** The calibrated ranges (or the ones given), by tensor name: store them to quantize the same model again without images. */
  readonly ranges: CalibrationRanges;
  readonly method: CalibrationMethod;
  readonly report: QuantizationReport;
}

/**
 * Post-training int8 quantization of an fp32 ONNX model (toOnnx's output):
 * calibrates the activations on real images by running the fp32 model with
 * its intermediate tensors as outputs, then writes the QDQ model
 * (quantizeQdq): per-channel symmetric int8 weights, int32 biases at
 * s_x·s_w, asymmetric uint8 activations.
 */
export async function quantizeOnnx(source: Uint8Array | ModelProto, options: QuantizeOnnxOptions): Promise<QuantizedOnnx> {
  const model = source instanceof Uint8Array ? decodeOnnx(source) : source;
  const method = checkCalibrationMethod(options.method ?? DEFAULT_CALIBRATION_METHOD, 'quantizeOnnx');
  const exclude = options.excludeNodes ? { excludeNodes: options.excludeNodes } : {};
  let ranges = options.ranges;
  if (ranges === undefined) {
    if (!options.open) throw new Error('quantizeOnnx: give `open` (a session to calibrate with, e.g. ortCalibrationSession from @mobilenet-kit/backend-onnxruntime) and `calibration` images, or stored `ranges`');
    if (!options.calibration || options.calibration.length === 0) throw new Error('quantizeOnnx: no calibration images (give at least one batch of preprocessed inputs in `calibration`)');
    ranges = await calibrateTensors(model, tensorsToCalibrate(model, exclude), {
      open: options.open,
      batches: options.calibration,
      method,
      keepRange: relu6Outputs(model, exclude),
      ...(options.percentile !== undefined ? { percentile: options.percentile } : {}),
    });
  }
  const { model: quantized, report } = quantizeQdq(model, ranges, { ...exclude, ...(options.activationType ? { activationType: options.activationType } : {}) });
  return { bytes: encodeModel(quantized), model: quantized, ranges, method, report };
}
