import { distance } from 'fastest-levenshtein';

/**
 * The candidate a mistyped word most likely meant, or undefined when none is
 * close: at most 1 edit for words of up to 3 letters, 2 up to 8 letters (a
 * swapped pair is 2), 3 beyond; or a candidate the word starts (`det` → `detect`). Ties go to the
 * candidate listed first. Two neighbouring letters swapped count as one edit (`ego` → `geo`).
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  if (w.length === 0) return undefined;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    const d = isAdjacentSwap(w, c) ? 1 : distance(w, c);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = w.length <= 3 ? 1 : w.length <= 8 ? 2 : 3;
  if (best !== undefined && bestDistance <= limit) return best;
  if (w.length >= 2) return candidates.find((c) => c.toLowerCase().startsWith(w));
  return undefined;
}

/** `; did you mean "detect"?` or nothing. */
export function didYouMean(word: string, candidates: readonly string[], quote: (s: string) => string = (s) => JSON.stringify(s)): string {
  const guess = closest(word, candidates);
  return guess === undefined ? '' : `; did you mean ${quote(guess)}?`;
}

/** `a` is `b` with two neighbouring letters swapped. */
function isAdjacentSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff = [...a].flatMap((ch, i) => (ch === b[i] ? [] : [i]));
  return diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!];
}
