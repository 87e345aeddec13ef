import { mulberry32 } from '@weir/dataflow';

/**
 * Seeded inputs (the library's mulberry32 PRNG), so every implementation, in every process, sees the same
 * data and a run can be repeated exactly.
 */
export const rng = mulberry32;

/** n float32 values uniform in [lo, hi), from `seed`. */
export function uniformF32(n: number, lo: number, hi: number, seed: number): Float32Array {
  const next = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + next() * (hi - lo);
  return out;
}

/** n int32 values uniform in the integers of [lo, hi), from `seed`. */
export function uniformI32(n: number, lo: number, hi: number, seed: number): Int32Array {
  const next = mulberry32(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + Math.floor(next() * (hi - lo));
  return out;
}
