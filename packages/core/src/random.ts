/**
 * A small seeded pseudo-random generator, so that initial weights are
 * reproducible across runs, platforms and engines (Math.random is neither
 * seedable nor specified).
 */

/** Murmur3's 32-bit finalizer: spreads every input bit over the output. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the UTF-16 code units of a string, 32 bits. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A 32-bit seed from a user seed (any safe integer, negative ones included)
 * and a key, so that each key (a parameter name) draws its own stream.
 */
export function deriveSeed(seed: number, key: string): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 0x1_0000_0000) >>> 0;
  return mix32(mix32(lo ^ mix32(hi + 0x9e3779b9)) ^ hashString(key));
}

/**
 * Mulberry32 (Tommy Ettinger, public domain): a 32-bit state generator with
 * period 2^32, good enough for weight initialization. Returns uniform
 * numbers in [0, 1) with 32 bits of resolution.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}
