/** A count in the paper's style: `568.7M`, `4.21M`, `903.2K`, `864` (as apps/cli prints it). */
export function formatCount(n: number): string {
  const abs = Math.abs(n);
  if (abs < 1_000) return String(n);
  if (abs < 1_000_000) return `${(n / 1_000).toFixed(1)}K`;
  return `${(n / 1_000_000).toFixed(abs >= 100_000_000 ? 1 : 2)}M`;
}

/** `568740352` → `568,740,352`. */
export function formatInteger(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Milliseconds with a precision that suits their size: `0.42 ms`, `12.3 ms`, `1,234 ms`. */
export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${formatInteger(ms)} ms`;
}

/** `[1, 112, 112, 32]` → `112×112×32` (batch left out). */
export function formatShape(shape: readonly (number | null)[]): string {
  return shape.slice(1).join('×');
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** An error's message, for the page (not every thrown value is an Error). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}
