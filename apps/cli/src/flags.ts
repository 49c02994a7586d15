import type { FlagSpec } from './command';

/** A flag without a value (`--json`). */
export function booleanFlag(description: string, short?: string): FlagSpec<boolean> {
  return { type: 'boolean', description, ...(short ? { short } : {}), parse: (raw) => raw === true };
}

export interface NumberRule {
  /** Placeholder for the value in help: `--alpha A`. */
  readonly valueName: string;
  readonly description: string;
  /** The allowed values in words, for help and errors ("an integer ≥ 32"); must agree with the rule below. */
  readonly allowed: string;
  /** What applies when the flag is absent, for help. */
  readonly default?: string;
  /** Only whole numbers. */
  readonly integer?: boolean;
  /** Smallest allowed value. */
  readonly min?: number;
  /** When true, `min` itself is not allowed (`> min` rather than `≥ min`). */
  readonly exclusiveMin?: boolean;
  /** Largest allowed value. */
  readonly max?: number;
  /** When true, `max` itself is not allowed (`< max` rather than `≤ max`). */
  readonly exclusiveMax?: boolean;
}

/**
 * A numeric flag. The text must be a plain decimal number (no `1e3`, no hex,
 * no trailing junk: `Number('')` is 0 and `parseFloat('1x')` is 1, both wrong
 * for a flag), then pass the rule.
 */
export function numberFlag(rule: NumberRule): FlagSpec<number> {
  return {
    type: 'string',
    valueName: rule.valueName,
    description: rule.description,
    allowed: rule.allowed,
    ...(rule.default !== undefined ? { default: rule.default } : {}),
    parse(raw) {
      if (typeof raw !== 'string' || !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(raw.trim())) return undefined;
      const value = Number(raw);
      if (!Number.isFinite(value)) return undefined;
      if (rule.integer && !Number.isInteger(value)) return undefined;
      if (rule.min !== undefined && (rule.exclusiveMin ? value <= rule.min : value < rule.min)) return undefined;
      if (rule.max !== undefined && (rule.exclusiveMax ? value >= rule.max : value > rule.max)) return undefined;
      return value;
    },
  };
}

/** A flag whose value is one of a fixed list. */
export function choiceFlag<T extends string>(spec: { valueName: string; description: string; choices: readonly T[]; default?: string }): FlagSpec<T> {
  const choices = spec.choices;
  return {
    type: 'string',
    valueName: spec.valueName,
    description: spec.description,
    allowed: `one of ${choices.join(', ')}`,
    choices,
    ...(spec.default !== undefined ? { default: spec.default } : {}),
    parse: (raw) => (typeof raw === 'string' && (choices as readonly string[]).includes(raw) ? (raw as T) : undefined),
  };
}

/** A flag whose value is a non-empty string kept as given (a file or folder path). */
export function pathFlag(valueName: string, description: string, defaultText?: string): FlagSpec<string> {
  return {
    type: 'string',
    valueName,
    description,
    ...(defaultText !== undefined ? { default: defaultText } : {}),
    parse: (raw) => (typeof raw === 'string' && raw.length > 0 ? raw : undefined),
  };
}

/**
 * --allow-svg: SVG images are refused by default (an SVG can refer to other files and URLs);
 * with the flag a self-contained SVG is rasterised (@mobilenet-kit/image's SVG policy).
 */
export const ALLOW_SVG_FLAG = booleanFlag('rasterise SVG images too (self-contained ones only: no links to other files or URLs); refused by default');

/** The calibration methods of @mobilenet-kit/onnx's quantizeOnnx (CALIBRATION_METHODS; a test keeps the two lists equal). */
export const CALIBRATION_METHOD_CHOICES = ['minmax', 'percentile', 'entropy'] as const;

/** export's int8 flags: --quantize int8 --calibrate <folder|fashion-mnist> [--calibration-method M]. */
export const QUANTIZE_FLAGS = {
  quantize: choiceFlag({ valueName: 'Q', description: 'post-training quantization of the ONNX file: int8 (per-channel int8 weights, uint8 activations, QDQ that onnxruntime fuses into QLinearConv / QGemm); needs --calibrate', choices: ['int8'] as const }),
  calibrate: pathFlag('SET', "calibration images for --quantize: a folder of images (recursively, the first 256 in path order; preprocessed as the model's metadata says) or fashion-mnist (its first 256 training images, for a Fashion-MNIST classifier)"),
  'calibration-method': choiceFlag({ valueName: 'M', description: 'how activation ranges are chosen from the calibration images: min/max, the 99.999th percentile of |x|, or the KL-divergence minimum (entropy, as TensorRT)', choices: CALIBRATION_METHOD_CHOICES, default: 'minmax' }),
};

/** --int8 of the commands that run a model folder: int8 on onnxruntime with the calibration that export --quantize int8 stored in the folder. */
export const INT8_FLAG = booleanFlag("run the model in int8 on --backend onnxruntime, with the calibration stored in the model folder's int8.json (written by mobilenet-kit export <model> --format onnx --quantize int8 --calibrate …)");

/** detect's int8 flags: the detector quantized at load, calibrated on a folder of photos through its own preprocessing. */
export const DETECT_INT8_FLAGS = {
  int8: booleanFlag('run the detector in int8 on --backend onnxruntime, calibrated at load on the photos of --calibrate (the fp32 detector runs on them first)'),
  calibrate: pathFlag('DIR', 'calibration photos for --int8: a folder of images (recursively, the first 256 in path order), other than the ones to detect in'),
};
