import { MOBILENET_V1_POOLINGS, MOBILENET_V1_VARIANTS, mobilenetV1, type MobileNetV1Options } from '@mobilenet-kit/backbone';
import type { Graph } from '@mobilenet-kit/core';
import type { FlagValues } from './command';
import { booleanFlag, choiceFlag, numberFlag } from './flags';
import { UsageError } from './usage-error';

/**
 * The flags that choose a MobileNet v1, shared by every command that builds
 * one (summary now; bench, detect and train later). The CLI checks each value
 * on its own; the builder then checks how they combine.
 */
export const MODEL_FLAGS = {
  alpha: numberFlag({ valueName: 'A', description: 'width multiplier α', allowed: 'a number > 0; the paper uses 1, 0.75, 0.5, 0.25', default: '1', min: 0, exclusiveMin: true }),
  resolution: numberFlag({ valueName: 'R', description: 'input height and width (ρ·224)', allowed: 'an integer ≥ 32; the paper uses 224, 192, 160, 128', default: '224', integer: true, min: 32 }),
  variant: choiceFlag({ valueName: 'V', description: 'Table 1, Table 5 (no 14x14x512 blocks) or Table 4 (full 3x3 convs)', choices: MOBILENET_V1_VARIANTS, default: 'standard' }),
  classes: numberFlag({ valueName: 'N', description: 'classes of the classifier', allowed: 'an integer ≥ 1', default: '1000', integer: true, min: 1 }),
  'depth-multiplier': numberFlag({ valueName: 'D', description: 'channels per input channel in the depthwise layers', allowed: 'an integer ≥ 1', default: '1', integer: true, min: 1 }),
  'no-top': booleanFlag('leave out the classifier (pooling, dropout, FC, softmax)'),
  pooling: choiceFlag({ valueName: 'P', description: 'global pooling after the last block, with --no-top only', choices: MOBILENET_V1_POOLINGS, default: 'none' }),
} as const;

export type ModelFlagValues = FlagValues<typeof MODEL_FLAGS>;

/** Builder options from the flags; flags not given are left out so that the builder's defaults apply. */
export function modelOptionsFromFlags(flags: ModelFlagValues): MobileNetV1Options {
  const options: MobileNetV1Options = {};
  if (flags.alpha !== undefined) options.alpha = flags.alpha;
  if (flags.resolution !== undefined) options.resolution = flags.resolution;
  if (flags.variant !== undefined) options.variant = flags.variant;
  if (flags.classes !== undefined) options.classes = flags.classes;
  if (flags['depth-multiplier'] !== undefined) options.depthMultiplier = flags['depth-multiplier'];
  if (flags['no-top']) options.includeTop = false;
  if (flags.pooling !== undefined) {
    // In the flags' words (the builder would say "includeTop: false").
    if (!flags['no-top']) throw new UsageError(`--pooling ${flags.pooling} needs --no-top (with the classifier on top, pooling is always its average pool)`);
    options.pooling = flags.pooling;
  }
  return options;
}

/**
 * Builds the network; options the builder rejects (say `--classes` with
 * `--no-top`) become usage errors carrying the builder's message.
 */
export function buildMobileNet(options: MobileNetV1Options, command: string): Graph {
  try {
    return mobilenetV1(options);
  } catch (error) {
    // Matched by name, not instanceof: a second copy of the backbone package would have its own class.
    if (error instanceof Error && error.name === 'BackboneOptionError') throw new UsageError(`mobilenet-kit ${command}: ${error.message}`, command);
    throw error;
  }
}

/** The paper's way of naming a model: `1.0 MobileNet-224`, `0.75 MobileNet-160`, with the variant when not standard. */
export function modelLabel(options: MobileNetV1Options): string {
  const alpha = options.alpha ?? 1;
  const base = `${Number.isInteger(alpha) ? alpha.toFixed(1) : String(alpha)} MobileNet-${options.resolution ?? 224}`;
  return options.variant && options.variant !== 'standard' ? `${base} (${options.variant})` : base;
}
