/**
 * Number formatting for the listings. Text output rounds; `--json` output
 * never goes through these functions and keeps exact integers.
 */

/** `568740352` → `568,740,352` (locale-independent). */
export function formatInteger(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(Math.round(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * A count in the paper's style, with a K or M suffix: `568.7M`, `25.69M`,
 * `4.21M`, `903.2K`, `864`. Millions keep four significant digits
 * (one decimal from 100M up), so a per-layer figure reads like Table 1's
 * and a total like Table 6's; billions stay in M as the paper writes them
 * (`4867.3M`).
 */
export function formatCount(n: number): string {
  const abs = Math.abs(n);
  if (abs < 1_000) return String(n);
  if (abs < 1_000_000) return `${(n / 1_000).toFixed(1)}K`;
  return `${(n / 1_000_000).toFixed(abs >= 100_000_000 ? 1 : 2)}M`;
}

/** Millions with a fixed number of decimals: `formatMillions(568740352, 2)` → `568.74M`. */
export function formatMillions(n: number, decimals: number): string {
  return `${(n / 1_000_000).toFixed(decimals)}M`;
}

/** Always shows the sign, and never prints `-0.00`: `+0.26`, `-1.20`, `0.00`. */
export function withSign(n: number, format: (abs: number) => string): string {
  const text = format(Math.abs(n));
  if (!/[1-9]/.test(text)) return text;
  return (n < 0 ? '-' : '+') + text;
}

/** `94.857…` → `94.86%`. */
export function formatPercent(p: number, decimals = 2): string {
  return `${p.toFixed(decimals)}%`;
}

/** An activation shape without its batch dimension: `[null, 112, 112, 32]` → `112x112x32`. */
export function formatActivationShape(shape: readonly (number | null)[]): string {
  const dims = shape.length > 1 ? shape.slice(1) : shape;
  return dims.map((d) => (d === null ? '?' : String(d))).join('x');
}
