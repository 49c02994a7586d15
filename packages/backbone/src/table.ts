/**
 * MobileNet v1 as data: the paper's Table 1 (Howard et al. 2017, arXiv
 * 1704.04861), one row per block. Row 0 is the standard 3×3 convolution
 * "Conv / s2, 3×3×3×32"; rows 1–13 are the depthwise-separable blocks
 * (depthwise 3×3 + BN + activation, pointwise 1×1 + BN + activation) with
 * the stride of the depthwise layer and the output channels of the pointwise
 * layer. Global pooling, FC and softmax follow the table and are built by
 * `mobilenetV1` when `includeTop` is set.
 *
 * The row index is the block's id: it names the layers (`conv_dw_<id>`,
 * `conv_pw_<id>`, as Keras and TF-slim number them) and it is kept when a
 * variant removes or replaces rows, so that weights map by name.
 */

export type BlockKind = 'conv' | 'separable';

export interface BlockSpec {
  /** 'conv': standard 3×3 convolution; 'separable': depthwise 3×3 then pointwise 1×1. */
  readonly kind: BlockKind;
  /** Stride of the 3×3 layer (the depthwise layer of a separable block). */
  readonly stride: 1 | 2;
  /** Output channels at width multiplier α = 1. */
  readonly channels: number;
}

// Table 1 of the paper. The paper prints the depthwise row of block 13 as
// "s2"; it is stride 1 (the 7×7 map stays 7×7 before the 7×7 average pool),
// as in Keras's and TF-slim's implementations.
const TABLE_1_ROWS = [
  { kind: 'conv', stride: 2, channels: 32 }, //      224×224×3    → 112×112×32
  { kind: 'separable', stride: 1, channels: 64 }, // 112×112×32   → 112×112×64
  { kind: 'separable', stride: 2, channels: 128 }, // 112×112×64  → 56×56×128
  { kind: 'separable', stride: 1, channels: 128 }, // 56×56×128   → 56×56×128
  { kind: 'separable', stride: 2, channels: 256 }, // 56×56×128   → 28×28×256
  { kind: 'separable', stride: 1, channels: 256 }, // 28×28×256   → 28×28×256
  { kind: 'separable', stride: 2, channels: 512 }, // 28×28×256   → 14×14×512
  { kind: 'separable', stride: 1, channels: 512 }, // 14×14×512   → 14×14×512 (×5: blocks 7–11)
  { kind: 'separable', stride: 1, channels: 512 },
  { kind: 'separable', stride: 1, channels: 512 },
  { kind: 'separable', stride: 1, channels: 512 },
  { kind: 'separable', stride: 1, channels: 512 },
  { kind: 'separable', stride: 2, channels: 1024 }, // 14×14×512  → 7×7×1024
  { kind: 'separable', stride: 1, channels: 1024 }, // 7×7×1024   → 7×7×1024
] as const satisfies readonly BlockSpec[];

export const MOBILENET_V1_TABLE: readonly BlockSpec[] = Object.freeze(TABLE_1_ROWS.map((row) => Object.freeze({ ...row })));
