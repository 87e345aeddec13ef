/**
 * mulberry32: a small seeded PRNG, so randomized tests, benchmarks and generated example data are the same
 * on every run and in every process.
 *
 * ```ts
 * const next = mulberry32(42);
 * next(); // a number in [0, 1), the same for seed 42 every time
 * ```
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
