import type { BlockKind, BlockSpec } from './table';

/**
 * Transformations of Table 1 (`MOBILENET_V1_TABLE`) and the layer plan the
 * builder turns into IR. Every knob of the paper is a function of the table:
 * the variants drop or replace rows, α scales the channels, the depth
 * multiplier widens the depthwise layers.
 */

export type MobileNetV1Variant = 'standard' | 'shallow' | 'fullConv';
export const MOBILENET_V1_VARIANTS: readonly MobileNetV1Variant[] = Object.freeze(['standard', 'shallow', 'fullConv']);

/** A table row after the variant and width transformations; `id` is the row's index in Table 1. */
export interface PlannedBlock extends BlockSpec {
  readonly id: number;
}

/** Table rows with their Table 1 index as id, untransformed. */
export function numberBlocks(table: readonly BlockSpec[]): PlannedBlock[] {
  return table.map((row, id) => ({ id, kind: row.kind, stride: row.stride, channels: row.channels }));
}

/** The five separable blocks of Table 1 that keep the 14×14×512 map (blocks 7–11). */
function isFourteenByFourteenBlock(block: BlockSpec): boolean {
  return block.kind === 'separable' && block.stride === 1 && block.channels === 512;
}

/**
 * 'shallow' (the paper's Table 5) removes the five 14×14×512 separable
 * blocks; 'fullConv' (Table 4) replaces each separable block by one standard
 * 3×3 convolution with the same stride and output channels. Ids are kept, so
 * that the remaining layers keep their names.
 */
export function applyVariant(blocks: readonly PlannedBlock[], variant: MobileNetV1Variant): PlannedBlock[] {
  switch (variant) {
    case 'standard':
      return [...blocks];
    case 'shallow':
      return blocks.filter((b) => !isFourteenByFourteenBlock(b));
    case 'fullConv':
      return blocks.map((b) => (b.kind === 'separable' ? { ...b, kind: 'conv' as BlockKind } : b));
  }
}

/**
 * Channels at width multiplier α, as Keras computes them: `int(filters * α)`
 * (truncation, no rounding to a multiple of 8 and no minimum depth as in
 * TF-slim). Clamped to at least 1 so that any positive α builds a graph;
 * Keras would fail on a layer with 0 filters.
 */
export function kerasChannels(filters: number, alpha: number): number {
  return Math.max(1, Math.floor(filters * alpha));
}

/** The width multiplier α applied to every row. */
export function applyWidthMultiplier(blocks: readonly PlannedBlock[], alpha: number): PlannedBlock[] {
  return blocks.map((b) => ({ ...b, channels: kerasChannels(b.channels, alpha) }));
}

export type LayerRole = 'conv' | 'depthwise' | 'pointwise';

/** One convolution of the plan; the builder adds `<name>_bn` and `<name>_relu` after it. */
export interface PlannedLayer {
  /** Keras layer name: `conv1`, `conv_dw_<id>`, `conv_pw_<id>`, or `conv_<id>` for a full-conv block. */
  readonly name: string;
  readonly role: LayerRole;
  /** Table 1 row the layer comes from. */
  readonly blockId: number;
  readonly kernelSize: 1 | 3;
  readonly stride: 1 | 2;
  /** Output channels of conv and pointwise layers. */
  readonly filters?: number;
  /** Depthwise layers only. */
  readonly depthMultiplier?: number;
}

/** Name of a standard conv layer: Keras's `conv1` for row 0, `conv_<id>` for a block replaced by 'fullConv'. */
export function convLayerName(id: number): string {
  return id === 0 ? 'conv1' : `conv_${id}`;
}

/** The convolutions of the transformed table, in order. */
export function planLayers(blocks: readonly PlannedBlock[], depthMultiplier: number): PlannedLayer[] {
  return blocks.flatMap((b): PlannedLayer[] =>
    b.kind === 'conv'
      ? [{ name: convLayerName(b.id), role: 'conv', blockId: b.id, kernelSize: 3, stride: b.stride, filters: b.channels }]
      : [
          { name: `conv_dw_${b.id}`, role: 'depthwise', blockId: b.id, kernelSize: 3, stride: b.stride, depthMultiplier },
          { name: `conv_pw_${b.id}`, role: 'pointwise', blockId: b.id, kernelSize: 1, stride: 1, filters: b.channels },
        ],
  );
}
