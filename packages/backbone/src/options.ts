import { BackboneOptionError, formatValue } from './errors';
import { MOBILENET_V1_VARIANTS, applyVariant, numberBlocks, planLayers, type MobileNetV1Variant } from './plan';
import { MOBILENET_V1_TABLE } from './table';

export type MobileNetV1Pooling = 'avg' | 'max';
export type MobileNetV1Activation = 'relu6' | 'relu';
export const MOBILENET_V1_POOLINGS: readonly MobileNetV1Pooling[] = Object.freeze(['avg', 'max']);
export const MOBILENET_V1_ACTIVATIONS: readonly MobileNetV1Activation[] = Object.freeze(['relu6', 'relu']);

export interface MobileNetV1Options {
  /** Width multiplier α: any positive finite number; channels are `int(filters·α)` as in Keras (at least 1). Default 1. */
  alpha?: number;
  /** Input height = width: an integer ≥ 32. Default 224 (the paper's ρ·224). */
  resolution?: number;
  /** Depthwise channel multiplier: a positive integer. Default 1. */
  depthMultiplier?: number;
  /** 'standard' (Table 1), 'shallow' (Table 5: no 14×14×512 blocks) or 'fullConv' (Table 4: 3×3 convs). Default 'standard'. */
  variant?: MobileNetV1Variant;
  /** Global average pool → dropout → dense 'logits' → softmax 'predictions'. Default true. */
  includeTop?: boolean;
  /** Classes of the top: an integer ≥ 1, only with `includeTop`. Default 1000. */
  classes?: number;
  /** Without top: global pooling after the last block (`null` or absent: the feature map is the output). */
  pooling?: MobileNetV1Pooling | null;
  /** Dropout rate of the top, in [0, 1), only with `includeTop`. Default 1e-3 (Keras). */
  dropout?: number;
  /** Activation after every batch norm. Default 'relu6'. */
  activation?: MobileNetV1Activation;
  /** Intermediate outputs by layer name (`conv1`, `conv_dw_N`, `conv_pw_N`, `conv_N` in 'fullConv'), taken after the layer's activation. */
  taps?: readonly string[];
  /** Prefix of every node name except the input: 'backbone' → 'backbone/conv_dw_3'. Default '' (none). */
  scope?: string;
  /** Batch-norm epsilon: a positive finite number. Default 1e-3 (Keras, TF-slim). */
  batchNormEpsilon?: number;
  /** Name of the input node (not scoped). Default 'input'. */
  inputName?: string;
}

/** Options after validation, every default filled; `pooling` is null when there is none. */
export interface ResolvedMobileNetV1Options {
  readonly alpha: number;
  readonly resolution: number;
  readonly depthMultiplier: number;
  readonly variant: MobileNetV1Variant;
  readonly includeTop: boolean;
  /** Unused without top. */
  readonly classes: number;
  readonly pooling: MobileNetV1Pooling | null;
  /** Unused without top. */
  readonly dropout: number;
  readonly activation: MobileNetV1Activation;
  readonly taps: readonly string[];
  readonly scope: string;
  readonly batchNormEpsilon: number;
  readonly inputName: string;
}

export const MOBILENET_V1_DEFAULTS: Readonly<Omit<ResolvedMobileNetV1Options, 'taps'>> = Object.freeze({
  alpha: 1,
  resolution: 224,
  depthMultiplier: 1,
  variant: 'standard',
  includeTop: true,
  classes: 1000,
  pooling: null,
  // Keras applications.MobileNet(dropout=1e-3); TF-slim's dropout_keep_prob=0.999 is the same rate.
  dropout: 1e-3,
  activation: 'relu6',
  scope: '',
  // Keras BatchNormalization and TF-slim mobilenet_v1_arg_scope both use epsilon 0.001.
  batchNormEpsilon: 1e-3,
  inputName: 'input',
});

const OPTION_NAMES = [
  'alpha',
  'resolution',
  'depthMultiplier',
  'variant',
  'includeTop',
  'classes',
  'pooling',
  'dropout',
  'activation',
  'taps',
  'scope',
  'batchNormEpsilon',
  'inputName',
] as const satisfies readonly (keyof MobileNetV1Options)[];

/** Node names of the top (or of the pooling without top); the builder uses the same names. */
export const TOP_LAYER_NAMES = Object.freeze({ pool: 'global_pool', dropout: 'dropout', logits: 'logits', predictions: 'predictions' });

/** Objects returned by resolveMobileNetV1Options. */
const RESOLVED = new WeakSet<object>();

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function oneOf<T extends string>(option: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new BackboneOptionError(option, value, `allowed: ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return value as T;
}

/** Layer names that may be tapped for a variant, in graph order. */
export function mobilenetV1TapNames(variant: MobileNetV1Variant = 'standard'): string[] {
  const v = oneOf('variant', variant, MOBILENET_V1_VARIANTS);
  return planLayers(applyVariant(numberBlocks(MOBILENET_V1_TABLE), v), 1).map((l) => l.name);
}

/**
 * Validates MobileNet v1 options and fills the defaults. Throws a
 * BackboneOptionError that quotes the bad value and says what is allowed.
 */
export function resolveMobileNetV1Options(options: MobileNetV1Options = {}): ResolvedMobileNetV1Options {
  // A result of this function passes through unchanged: it is frozen and already valid (its `classes` and
  // `dropout` without top are defaults, which would otherwise count as given).
  if (RESOLVED.has(options)) return options as ResolvedMobileNetV1Options;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new BackboneOptionError('options', options, 'pass an object of options or nothing');
  }
  for (const key of Object.keys(options)) {
    if (!(OPTION_NAMES as readonly string[]).includes(key)) {
      throw new BackboneOptionError(key, (options as Record<string, unknown>)[key], `unknown option; the options are ${OPTION_NAMES.join(', ')}`);
    }
  }
  const given = <K extends keyof MobileNetV1Options>(key: K): boolean => options[key] !== undefined;
  const d = MOBILENET_V1_DEFAULTS;

  const alpha = options.alpha ?? d.alpha;
  if (!isFiniteNumber(alpha) || !(alpha > 0)) {
    throw new BackboneOptionError('alpha', alpha, 'the width multiplier must be a positive finite number (the paper uses 1, 0.75, 0.5, 0.25)');
  }
  const resolution = options.resolution ?? d.resolution;
  if (!isFiniteNumber(resolution) || !Number.isInteger(resolution) || resolution < 32) {
    throw new BackboneOptionError('resolution', resolution, 'the input size must be an integer ≥ 32 (the paper uses 224, 192, 160, 128)');
  }
  const depthMultiplier = options.depthMultiplier ?? d.depthMultiplier;
  if (!isFiniteNumber(depthMultiplier) || !Number.isInteger(depthMultiplier) || depthMultiplier < 1) {
    throw new BackboneOptionError('depthMultiplier', depthMultiplier, 'the depthwise multiplier must be an integer ≥ 1');
  }
  const variant = oneOf('variant', options.variant ?? d.variant, MOBILENET_V1_VARIANTS);
  if (variant === 'fullConv' && depthMultiplier !== 1) {
    throw new BackboneOptionError('depthMultiplier', depthMultiplier, "variant 'fullConv' has no depthwise layers; leave depthMultiplier at 1");
  }
  const includeTop = options.includeTop ?? d.includeTop;
  if (typeof includeTop !== 'boolean') throw new BackboneOptionError('includeTop', includeTop, 'allowed: true or false');

  const classes = options.classes ?? d.classes;
  if (given('classes')) {
    if (!includeTop) throw new BackboneOptionError('classes', classes, 'classes only applies with includeTop: true; remove it or set includeTop: true');
    if (!isFiniteNumber(classes) || !Number.isInteger(classes) || classes < 1) {
      throw new BackboneOptionError('classes', classes, 'the number of classes must be an integer ≥ 1');
    }
  }
  const dropout = options.dropout ?? d.dropout;
  if (given('dropout')) {
    if (!includeTop) throw new BackboneOptionError('dropout', dropout, 'dropout only applies to the top; remove it or set includeTop: true');
    if (!isFiniteNumber(dropout) || !(dropout >= 0 && dropout < 1)) {
      throw new BackboneOptionError('dropout', dropout, 'the dropout rate must be a number in [0, 1)');
    }
  }
  let pooling: MobileNetV1Pooling | null = null;
  if (options.pooling !== undefined && options.pooling !== null) {
    if (includeTop) {
      throw new BackboneOptionError('pooling', options.pooling, 'pooling applies only with includeTop: false (the top always average-pools)');
    }
    pooling = oneOf('pooling', options.pooling, MOBILENET_V1_POOLINGS);
  }
  const activation = oneOf('activation', options.activation ?? d.activation, MOBILENET_V1_ACTIVATIONS);

  const batchNormEpsilon = options.batchNormEpsilon ?? d.batchNormEpsilon;
  if (!isFiniteNumber(batchNormEpsilon) || !(batchNormEpsilon > 0)) {
    throw new BackboneOptionError('batchNormEpsilon', batchNormEpsilon, 'epsilon must be a positive finite number (Keras and TF-slim use 0.001)');
  }

  const scope = options.scope ?? d.scope;
  if (typeof scope !== 'string' || (scope !== '' && scope.split('/').some((part) => part === ''))) {
    throw new BackboneOptionError('scope', scope, "the scope must be a string of non-empty path segments such as 'backbone' or 'model/backbone' ('' for none)");
  }

  const tapNames = mobilenetV1TapNames(variant);
  const tapsGiven = options.taps ?? [];
  if (!Array.isArray(tapsGiven)) throw new BackboneOptionError('taps', tapsGiven, `taps must be an array of layer names: ${tapNames.join(', ')}`);
  const taps: string[] = [];
  for (const tap of tapsGiven as readonly unknown[]) {
    if (typeof tap !== 'string' || !tapNames.includes(tap)) {
      throw new BackboneOptionError('taps', tap, `unknown tap for variant '${variant}'; allowed: ${tapNames.join(', ')}`);
    }
    if (taps.includes(tap)) throw new BackboneOptionError('taps', tapsGiven, `tap ${formatValue(tap)} is listed twice`);
    taps.push(tap);
  }

  const inputName = options.inputName ?? d.inputName;
  if (typeof inputName !== 'string' || inputName.length === 0) {
    throw new BackboneOptionError('inputName', inputName, 'the input name must be a non-empty string');
  }
  const nodeNames = new Set(
    [...tapNames.flatMap((t) => [t, `${t}_bn`, `${t}_relu`]), ...Object.values(TOP_LAYER_NAMES)].map((n) => (scope ? `${scope}/${n}` : n)),
  );
  if (nodeNames.has(inputName)) {
    throw new BackboneOptionError('inputName', inputName, 'the input name must differ from the names of the layers (conv1, conv_dw_1, …, logits, predictions)');
  }

  const resolved: ResolvedMobileNetV1Options = Object.freeze({
    alpha,
    resolution,
    depthMultiplier,
    variant,
    includeTop,
    classes,
    pooling,
    dropout,
    activation,
    taps: Object.freeze(taps),
    scope,
    batchNormEpsilon,
    inputName,
  });
  RESOLVED.add(resolved);
  return resolved;
}
