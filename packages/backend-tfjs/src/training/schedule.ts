/**
 * Learning rate per step: linear warm-up from 0, then exponential decay as in
 * TF-slim's train_image_classifier (`learning_rate_decay_factor` 0.94 every
 * `num_epochs_per_decay` 2.0 epochs, staircase).
 */
export interface LearningRateSchedule {
  readonly base: number;
  /** Steps of linear warm-up (0: none). */
  readonly warmupSteps: number;
  /** Multiplied in every `decaySteps` steps after the warm-up. */
  readonly decayRate: number;
  readonly decaySteps: number;
  /** Decay in whole periods (TF-slim) rather than continuously. Default true. */
  readonly staircase?: boolean;
}

export function learningRateAt(step: number, s: LearningRateSchedule): number {
  if (s.warmupSteps > 0 && step < s.warmupSteps) return (s.base * (step + 1)) / s.warmupSteps;
  const t = (step - s.warmupSteps) / s.decaySteps;
  return s.base * s.decayRate ** (s.staircase === false ? t : Math.floor(t));
}
