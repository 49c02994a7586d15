/** An axis: its drawn range and the tick values inside it (every tick a multiple of `step`). */
export interface AxisScale {
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly ticks: readonly number[];
}

/** The smallest 1, 2 or 5 × 10^k that cuts `span` into at most `maxTicks` steps. */
export function niceStep(span: number, maxTicks: number): number {
  const raw = span / Math.max(1, maxTicks);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5]) if (m * power >= raw * (1 - 1e-9)) return m * power;
  return 10 * power;
}

/** Rounds away the float noise of repeated steps (0.30000000000000004 → 0.3). */
const clean = (v: number) => Number.parseFloat(v.toPrecision(12));

/**
 * A value axis over [min, max] with at most about `maxTicks` ticks, widened
 * to the ticks around the data (matplotlib-like); a flat range is widened
 * by 10% of its value (0.1 around 0).
 */
export function valueScale(min: number, max: number, maxTicks = 6): AxisScale {
  if (!(max > min)) {
    const pad = Math.abs(min) * 0.1 || 0.1;
    min -= pad;
    max += pad;
  }
  const step = niceStep(max - min, maxTicks);
  const lo = clean(Math.floor(min / step + 1e-9) * step);
  const hi = clean(Math.ceil(max / step - 1e-9) * step);
  const ticks: number[] = [];
  for (let k = 0; lo + k * step <= hi + step * 1e-6; k++) ticks.push(clean(lo + k * step));
  return { min: lo, max: hi, step, ticks };
}

/** `valueScale` kept inside [floor, ceiling] (accuracy within 0..1). */
export function clampedScale(min: number, max: number, floor: number, ceiling: number, maxTicks = 6): AxisScale {
  const scale = valueScale(Math.max(floor, min), Math.min(ceiling, max), maxTicks);
  const lo = Math.max(floor, scale.min);
  const hi = Math.min(ceiling, scale.max);
  return { min: lo, max: hi, step: scale.step, ticks: scale.ticks.filter((t) => t >= lo - 1e-12 && t <= hi + 1e-12) };
}

/**
 * Integer ticks for epochs `first`..`last`: every epoch while they fit,
 * else multiples of a 1-2-5 step (thinned), with the first epoch added
 * when it is not close to the first multiple.
 */
export function epochTicks(first: number, last: number, maxTicks: number): number[] {
  const step = Math.max(1, Math.round(niceStep(Math.max(1, last - first), maxTicks)));
  const ticks: number[] = [];
  for (let t = Math.ceil(first / step) * step; t <= last; t += step) ticks.push(t);
  if (ticks.length === 0 || ticks[0]! - first > step / 2) ticks.unshift(first);
  return ticks;
}

/** Decimals that tell ticks `step` apart (0.05 → 2, 0.2 → 1, 5 → 0). */
export function decimalsFor(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/** The width of `text` in DejaVu Sans at `fontSize`, estimated (0.6 em a character: a little wide, so labels never touch). */
export function textWidth(text: string, fontSize: number): number {
  return text.length * fontSize * 0.6;
}
