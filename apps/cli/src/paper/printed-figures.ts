/**
 * The figures printed in Howard et al., "MobileNets: Efficient Convolutional
 * Neural Networks for Mobile Vision Applications", arXiv 1704.04861 (2017),
 * as copied in /work/shared/PAPER.md ("Cost tables"): Tables 2–7 and 9.
 * They stay text as printed, because the text also tells how precisely each
 * figure was printed ('4.2M' is ±0.05M, '1.32M' is ±0.005M).
 */

export interface PrintedModel {
  /** ImageNet top-1 accuracy as printed; we do not measure it. */
  readonly imagenetTop1: string;
  readonly multAdds: string;
  readonly params: string;
}

/** Source: PAPER.md "Cost tables" (Tables 4, 5, 6, 7 and 9). */
export const PRINTED_MODELS = {
  // Table 4: "Conv MobileNet", every depthwise separable block replaced by a full 3×3 convolution.
  convMobileNet: { imagenetTop1: '71.7%', multAdds: '4866M', params: '29.3M' },
  // Tables 4, 6, 7.
  mobilenet_1_0_224: { imagenetTop1: '70.6%', multAdds: '569M', params: '4.2M' },
  // Tables 5, 6.
  mobilenet_0_75_224: { imagenetTop1: '68.4%', multAdds: '325M', params: '2.6M' },
  // Table 5: without the five 14×14×512 blocks.
  shallowMobileNet: { imagenetTop1: '65.3%', multAdds: '307M', params: '2.9M' },
  // Table 6.
  mobilenet_0_5_224: { imagenetTop1: '63.7%', multAdds: '149M', params: '1.3M' },
  mobilenet_0_25_224: { imagenetTop1: '50.6%', multAdds: '41M', params: '0.5M' },
  // Table 7.
  mobilenet_1_0_192: { imagenetTop1: '69.1%', multAdds: '418M', params: '4.2M' },
  mobilenet_1_0_160: { imagenetTop1: '67.2%', multAdds: '290M', params: '4.2M' },
  mobilenet_1_0_128: { imagenetTop1: '64.4%', multAdds: '186M', params: '4.2M' },
  // Table 9.
  mobilenet_0_50_160: { imagenetTop1: '60.2%', multAdds: '76M', params: '1.32M' },
} as const satisfies Record<string, PrintedModel>;

/** Source: PAPER.md, Table 2: share of 1.0 MobileNet-224 by layer type, mult-adds / params. */
export const PRINTED_TABLE_2 = {
  pointwise: { multAdds: '94.86%', params: '74.59%' },
  depthwise: { multAdds: '3.06%', params: '1.06%' },
  // Printed 1.19, a misprint of 1.91: the printed mult-adds column then sums to 99.29% (PAPER.md).
  conv: { multAdds: '1.19%', params: '0.02%', multAddsMeant: '1.91%' },
  dense: { multAdds: '0.18%', params: '24.33%' },
} as const;

/** Source: PAPER.md, Table 3: one layer 14×14×512 → 512 with 3×3 kernels, mult-adds / params. */
export const PRINTED_TABLE_3 = {
  fullConv: { multAdds: '462M', params: '2.36M' },
  depthwiseSeparable: { multAdds: '52.3M', params: '0.27M' },
  alpha: { multAdds: '29.6M', params: '0.15M' },
  rho: { multAdds: '15.1M', params: '0.15M' },
} as const;
