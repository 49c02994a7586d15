/**
 * The paper's figures for the α × resolution grid the explorer offers:
 * Howard et al. 2017 (arXiv 1704.04861), Tables 6 and 7 (and Table 9's
 * 0.50 MobileNet-160), as copied in shared/PAPER.md. ImageNet top-1 in %,
 * mult-adds and params in millions as printed.
 */
export interface PaperFigure {
  readonly alpha: number;
  readonly resolution: number;
  readonly top1: number;
  readonly multAddsM: number;
  readonly paramsM: number;
  readonly table: string;
  /** How to read the figure, where it is not counted as Tables 6 and 7 count. */
  readonly note?: string;
}

export const PAPER_FIGURES: readonly PaperFigure[] = [
  { alpha: 1, resolution: 224, top1: 70.6, multAddsM: 569, paramsM: 4.2, table: 'Tables 6, 7' },
  { alpha: 0.75, resolution: 224, top1: 68.4, multAddsM: 325, paramsM: 2.6, table: 'Table 6' },
  { alpha: 0.5, resolution: 224, top1: 63.7, multAddsM: 149, paramsM: 1.3, table: 'Table 6' },
  { alpha: 0.25, resolution: 224, top1: 50.6, multAddsM: 41, paramsM: 0.5, table: 'Table 6' },
  { alpha: 1, resolution: 192, top1: 69.1, multAddsM: 418, paramsM: 4.2, table: 'Table 7' },
  { alpha: 1, resolution: 160, top1: 67.2, multAddsM: 290, paramsM: 4.2, table: 'Table 7' },
  { alpha: 1, resolution: 128, top1: 64.4, multAddsM: 186, paramsM: 4.2, table: 'Table 7' },
  // apps/cli's paper report: the printed 76M matches this model without its FC layer.
  { alpha: 0.5, resolution: 160, top1: 60.2, multAddsM: 76, paramsM: 1.32, table: 'Table 9', note: 'the printed 76M leaves out the FC layer (0.51M)' },
];

/** The explorer's sliders: the paper's four width multipliers and four resolutions (section 3.3, 3.4). */
export const ALPHAS = [0.25, 0.5, 0.75, 1] as const;
export const RESOLUTIONS = [128, 160, 192, 224] as const;

export function paperFigure(alpha: number, resolution: number): PaperFigure | undefined {
  return PAPER_FIGURES.find((f) => f.alpha === alpha && f.resolution === resolution);
}

/** `1.0 MobileNet-224`, `0.75 MobileNet-160`: the paper's names. */
export function modelName(alpha: number, resolution: number): string {
  return `${Number.isInteger(alpha) ? alpha.toFixed(1) : String(alpha)} MobileNet-${resolution}`;
}
