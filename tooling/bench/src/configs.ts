/** One benchmarked network: MobileNet v1 at a width multiplier, resolution and batch size. */
export interface BenchConfig {
  readonly alpha: number;
  readonly resolution: number;
  readonly batch: number;
}

export const configLabel = (c: BenchConfig) => `${c.alpha.toFixed(2).replace(/0$/, '')}-${c.resolution} b${c.batch}`;

/** The configurations issue 3 asks for: four sizes at batch 1, and 1.0-224 at batch 8. */
export const FULL_CONFIGS: readonly BenchConfig[] = [
  { alpha: 1, resolution: 224, batch: 1 },
  { alpha: 0.75, resolution: 192, batch: 1 },
  { alpha: 0.5, resolution: 160, batch: 1 },
  { alpha: 0.25, resolution: 128, batch: 1 },
  { alpha: 1, resolution: 224, batch: 8 },
];

/** `--quick`: the headline configuration only. */
export const QUICK_CONFIGS: readonly BenchConfig[] = [{ alpha: 1, resolution: 224, batch: 1 }];

/**
 * The input batch a configuration is timed on: NHWC, values in [-0.9, 0.9]
 * from a fixed formula, so every run and every engine sees the same numbers.
 */
export function benchInput(config: BenchConfig): { shape: number[]; data: Float32Array } {
  const shape = [config.batch, config.resolution, config.resolution, 3];
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 12.9898) * 0.9;
  return { shape, data };
}
