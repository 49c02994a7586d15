/** A figure as printed: its value in base units (569M → 569000000, 94.86% → 94.86) and the unit of its last digit. */
export interface PrintedNumber {
  readonly text: string;
  readonly value: number;
  /** One unit of the last printed digit, in base units ('4.2M' → 100000). */
  readonly step: number;
}

export function parsePrinted(text: string): PrintedNumber {
  const match = /^(\d+)(?:\.(\d+))?([M%])$/.exec(text);
  if (!match) throw new Error(`cannot read the printed figure ${JSON.stringify(text)} (expected digits followed by M or %)`);
  const [, whole, fraction = '', unit] = match;
  const decimals = fraction.length;
  if (unit === '%') return { text, value: Number(`${whole}.${fraction || '0'}`), step: 10 ** -decimals };
  // Millions: work in integers so that '4.2M' is exactly 4200000.
  const scale = 10 ** (6 - decimals);
  return { text, value: Number(`${whole}${fraction}`) * scale, step: scale };
}

/** How far a recomputed figure may be from the printed one. */
export type Tolerance =
  /** A share of the printed figure, e.g. 0.5% (the bound for mult-adds). */
  | { readonly kind: 'percent'; readonly percent: number; readonly source: string }
  /** Percentage points, for shares (Table 2 within 0.01 points). */
  | { readonly kind: 'points'; readonly points: number; readonly source: string }
  /** Half a unit of the last printed digit: what rounding to the printed precision allows ('4.2M' → ±0.05M). */
  | { readonly kind: 'printedPrecision' };

export interface FigureComparison {
  readonly printed: number;
  readonly printedText: string;
  /** The figure the paper means: the printed one, except for a known misprint (then `note` says so). */
  readonly expected: number;
  readonly recomputed: number;
  /** recomputed − printed, in the figure's unit (count or percentage points). */
  readonly difference: number;
  /** 100 · (recomputed − printed) / printed. */
  readonly differencePercent: number;
  /** The largest |recomputed − expected| allowed, in the figure's unit. */
  readonly tolerance: number;
  readonly toleranceRule: string;
  readonly withinTolerance: boolean;
  readonly note?: string;
}

function toleranceOf(rule: Tolerance, printed: PrintedNumber): { amount: number; text: string } {
  switch (rule.kind) {
    case 'percent':
      return { amount: (printed.value * rule.percent) / 100, text: `±${rule.percent}% of the printed figure (${rule.source})` };
    case 'points':
      return { amount: rule.points, text: `±${rule.points} percentage points (${rule.source})` };
    case 'printedPrecision':
      return { amount: printed.step / 2, text: 'half a unit of the last printed digit (the rounding of the printed figure)' };
  }
}

export interface FigureRemark {
  /** The figure the paper means where the printed one is a misprint: the check uses it. */
  readonly meant?: string;
  /** Why this figure is read or checked differently; shown with the figure. */
  readonly note: string;
}

/**
 * Compares a recomputed figure with the printed one. The difference is
 * always against what was printed; the check is against `remark.meant`
 * where the printed figure is a known misprint.
 */
export function compareFigure(printedText: string, recomputed: number, rule: Tolerance, remark?: FigureRemark): FigureComparison {
  const printed = parsePrinted(printedText);
  const expected = remark?.meant !== undefined ? parsePrinted(remark.meant).value : printed.value;
  const { amount, text } = toleranceOf(rule, printed);
  const difference = recomputed - printed.value;
  return {
    printed: printed.value,
    printedText,
    expected,
    recomputed,
    difference,
    differencePercent: (100 * difference) / printed.value,
    tolerance: amount,
    toleranceRule: text,
    // The relative slack absorbs float noise in shares such as 94.86 − 94.857.
    withinTolerance: Math.abs(recomputed - expected) <= amount * (1 + 1e-9),
    ...(remark ? { note: remark.note } : {}),
  };
}
