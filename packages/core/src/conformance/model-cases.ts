/** The whole-MobileNet cases: width multiplier, resolution, batch, and whether the quick list keeps it. */
export interface ModelCaseSpec {
  readonly alpha: number;
  readonly resolution: number;
  readonly batch: number;
  readonly quick: boolean;
}

/** Width multipliers of the paper's Table 6 and resolutions of its Table 7 (Howard et al. 2017), smallest first. */
export const MODEL_CASES: readonly ModelCaseSpec[] = [
  { alpha: 0.25, resolution: 128, batch: 2, quick: true },
  { alpha: 0.5, resolution: 160, batch: 1, quick: true },
  { alpha: 1.0, resolution: 224, batch: 1, quick: false },
];
