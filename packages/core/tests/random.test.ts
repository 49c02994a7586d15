import { describe, expect, it } from 'vitest';
import { createPrng } from '../src/conformance';
import { mulberry32 } from '../src/index';

/** Mulberry32 as published by its author (bryc's "PRNGs" notes, public domain), written out independently of ../src/random.ts. */
function publishedMulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the one seeded generator', () => {
  it('mulberry32 draws the published algorithm’s stream', () => {
    for (const seed of [0, 1, 123, 0x7fffffff, 0xffffffff]) {
      const ours = mulberry32(seed);
      const reference = publishedMulberry32(seed);
      for (let i = 0; i < 1000; i++) expect(ours()).toBe(reference());
    }
  });

  it('the conformance suite’s createPrng is the same generator', () => {
    const prng = createPrng(42);
    const reference = mulberry32(42);
    for (let i = 0; i < 100; i++) expect(prng.next()).toBe(reference());
  });
});
